"""Small dialogs: keyboard shortcuts, About, and "Paste URL or text"."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("Ctrl+O", "Open files"),
    ("Ctrl+V", "Add the copied URL, text or files as a new article (not in a text field)"),
    ("Ctrl+F", "Find in this article (Enter: next, Shift+Enter: previous)"),
    ("Ctrl+K  or  Ctrl+Shift+F", "Search the whole archive: results as you type, ↑/↓ choose, Enter opens"),
    ("1 – 6", "Highlight the selection in a colour"),
    ("Alt + drag", "Select exactly (a drag takes whole words)"),
    ("N", "Highlight the selection and add a note"),
    ("T", "Highlight the selection and tag it"),
    ("Click a highlight", "Edit its colour, note and tags, or delete it"),
    ("n  /  p", "Next / previous highlight"),
    ("j  /  k", "Scroll down / up"),
    ("Space  /  Shift+Space", "Page down / up"),
    ("Ctrl+N", "New note on this article"),
    ("Ctrl+R", "Review today's highlights (1 – 4 rate, Enter open, D discard, Esc leave)"),
    ("Ctrl+Z", "Undo the last deletion"),
    ("Delete", "Delete the selected article (in the library list)"),
    ("Ctrl+=  /  Ctrl+-", "Larger / smaller text"),
    ("F11", "Focus mode: only the article"),
    ("Ctrl+Q", "Quit"),
)


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        layout = QVBoxLayout(self)
        table = QTableWidget(len(SHORTCUTS), 2, self)
        table.setObjectName("shortcutsTable")
        table.setHorizontalHeaderLabels(["Keys", "Does"])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setShowGrid(False)
        for row, (keys, what) in enumerate(SHORTCUTS):
            table.setItem(row, 0, QTableWidgetItem(keys))
            table.setItem(row, 1, QTableWidgetItem(what))
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(620, 560)


class PasteDialog(QDialog):
    """Paste a web address or some text; it becomes a new article."""

    def __init__(self, parent: QWidget | None = None, initial: str | None = None):
        super().__init__(parent)
        self.setWindowTitle("Paste URL or text")
        layout = QVBoxLayout(self)
        label = QLabel("Paste a web address (https://…) or the text of an article. "
                       "Text may be plain, Markdown or HTML.", self)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("Title (optional)")
        layout.addWidget(self.name)
        self.edit = QPlainTextEdit(self)
        self.edit.setObjectName("pasteText")
        if initial is None:
            initial = QGuiApplication.clipboard().text()
        self.edit.setPlainText(initial or "")
        layout.addWidget(self.edit, 1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add to library")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, 380)
        self.edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def text(self) -> str:
        return self.edit.toPlainText()

    def title(self) -> str:
        return self.name.text().strip()
