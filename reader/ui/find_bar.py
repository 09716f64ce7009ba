"""Find in the article: a bar under the page; matches marked, Enter next, Shift+Enter previous."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QWidget,
)

from reader.ui.article_view import ArticleView


class FindBar(QWidget):
    """Find in the article: matches marked, Enter next, Shift+Enter previous, Esc closes."""

    def __init__(self, view: ArticleView, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("findBar")
        self.view = view
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        self.field = QLineEdit(self)
        self.field.setObjectName("findField")
        self.field.setPlaceholderText("Find in article")
        self.field.setClearButtonEnabled(True)
        self.field.installEventFilter(self)
        layout.addWidget(self.field, 1)
        self.count = QLabel(self)
        self.count.setProperty("role", "muted")
        layout.addWidget(self.count)
        for text, tip, step in (("↑", "Previous match (Shift+Enter)", -1), ("↓", "Next match (Enter)", 1)):
            button = QToolButton(self)
            button.setText(text)
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, s=step: self.step(s))
            layout.addWidget(button)
        close = QToolButton(self)
        close.setText("×")
        close.setToolTip("Close (Esc)")
        close.clicked.connect(self.close_bar)
        layout.addWidget(close)
        self._timer = QTimer(self, singleShot=True, interval=150, timeout=self.search)
        self.field.textChanged.connect(self._timer.start)
        self.hide()

    def open_bar(self) -> None:
        self.show()
        selected = self.view.textCursor().selectedText()
        if selected and "\u2029" not in selected and len(selected) < 80:
            self.field.setText(selected)
        self.field.setFocus()
        self.field.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.view.clear_find()
        self.view.setFocus()

    def search(self) -> None:
        self._timer.stop()
        n = self.view.find_all(self.field.text())
        self._show_count()
        self.field.setProperty("nomatch", bool(self.field.text()) and n == 0)

    def step(self, step: int) -> None:
        if self._timer.isActive():
            self.search()
            return
        self.view.find_step(step)
        self._show_count()

    def _show_count(self) -> None:
        current, total = self.view.find_position()
        self.count.setText(f"{current} of {total}" if total else ("No matches" if self.field.text() else ""))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.field and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                shift = event.modifiers() & Qt.KeyboardModifier.ShiftModifier  # type: ignore[attr-defined]
                self.step(-1 if shift else 1)
                return True
            if key == Qt.Key.Key_Escape:
                self.close_bar()
                return True
        return False
