"""The two small floating panels over the article.

- :class:`SelectionPopup` appears when text is selected: one click (or keys 1-6) makes a
  highlight in that colour; Note and Tags make it and open the editor; Copy copies.
  It never takes the keyboard focus, so the keys keep going to the article.
- :class:`HighlightEditor` appears on a click inside a highlight: colour, note (saved as
  typed), tags, delete (undoable with Ctrl+Z).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QKeySequence, QPainter, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QCompleter,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.core.models import Highlight
from reader.ui import theme as themes


def swatch_icon(name: str, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor(0, 0, 0, 60))
    painter.setBrush(themes.swatch_color(name))
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pixmap)


def _swatch_button(name: str, index: int, parent: QWidget) -> QToolButton:
    button = QToolButton(parent)
    button.setProperty("role", "swatch")
    button.setObjectName(f"swatch-{name}")
    button.setToolTip(f"{name.capitalize()} ({index + 1})")
    button.setAccessibleName(f"Highlight {name}")
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setFixedSize(22, 22)  # a round swatch, whatever the style's button padding
    color = themes.swatch_color(name).name()
    button.setStyleSheet(f"QToolButton {{ background: {color}; }}")
    return button


def _place_near(widget: QWidget, anchor: QRect, bounds: QRect | None = None) -> None:
    """Put a popup just above ``anchor`` (global), or below it when there is no room.

    ``bounds`` (global) keeps it inside a pane, e.g. the article, not over the library list.
    """
    widget.adjustSize()
    size = widget.sizeHint()
    screen = QGuiApplication.screenAt(anchor.center()) or QGuiApplication.primaryScreen()
    area = screen.availableGeometry() if screen else QRect(0, 0, 10_000, 10_000)
    if bounds is not None:  # never over the pane on the left; on the right too when it fits
        left = max(area.left(), bounds.left() - 4)
        right = min(area.right(), bounds.right() + 4) if bounds.width() >= size.width() else area.right()
        area = QRect(QPoint(left, max(area.top(), bounds.top() - 4)), QPoint(right, area.bottom()))
    x = anchor.left() + anchor.width() // 2 - size.width() // 2
    y = anchor.top() - size.height() - 8
    if y < area.top():
        y = anchor.bottom() + 10
    x = max(area.left() + 4, min(x, area.right() - size.width() - 4))
    y = max(area.top() + 4, min(y, area.bottom() - size.height() - 4))
    widget.move(QPoint(x, y))


class SelectionPopup(QFrame):
    """Colour buttons, Note, Tags and Copy for the current selection."""

    colorChosen = Signal(str)
    noteRequested = Signal()
    tagsRequested = Signal()
    copyRequested = Signal()

    def __init__(self, parent: QWidget):
        super().__init__(
            parent,
            Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowDoesNotAcceptFocus,
        )
        self.setObjectName("highlightPopup")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(6)
        self.swatches: dict[str, QToolButton] = {}
        for i, name in enumerate(themes.HIGHLIGHT_NAMES):
            button = _swatch_button(name, i, self)
            button.clicked.connect(lambda _=False, n=name: self.colorChosen.emit(n))
            layout.addWidget(button)
            self.swatches[name] = button
        layout.addSpacing(4)
        for label, tip, signal in (
            ("Note", "Highlight and add a note (N)", self.noteRequested),
            ("Tags", "Highlight and tag it (T)", self.tagsRequested),
            ("Copy", "Copy the selected text (Ctrl+C)", self.copyRequested),
        ):
            button = QToolButton(self)
            button.setText(label)
            button.setObjectName(f"popup-{label.lower()}")
            button.setToolTip(tip)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(signal.emit)
            layout.addWidget(button)
        self.buttons = {b.objectName(): b for b in self.findChildren(QToolButton)}

    def show_at(self, anchor: QRect, pane: QWidget | None = None) -> None:
        """Beside ``anchor`` (global) and inside ``pane`` when given (the article's viewport)."""
        bounds = QRect(pane.mapToGlobal(QPoint(0, 0)), pane.size()) if pane is not None else None
        _place_near(self, anchor, bounds)
        self.show()
        self.raise_()


class HighlightEditor(QFrame):
    """Edit one highlight: colour, note, tags; delete it."""

    colorChanged = Signal(int, str)
    noteChanged = Signal(int, str)
    tagsChanged = Signal(int, list)
    deleteRequested = Signal(int)
    closed = Signal()

    def __init__(self, parent: QWidget):
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("editPopup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.highlight_id: int | None = None
        self._loading = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 10)
        layout.setSpacing(6)
        row = QHBoxLayout()
        row.setSpacing(6)
        self.swatches: dict[str, QToolButton] = {}
        for i, name in enumerate(themes.HIGHLIGHT_NAMES):
            button = _swatch_button(name, i, self)
            button.setCheckable(True)
            button.clicked.connect(lambda _=False, n=name: self._choose(n))
            row.addWidget(button)
            self.swatches[name] = button
        row.addStretch(1)
        self.delete_button = QToolButton(self)
        self.delete_button.setText("Delete")
        self.delete_button.setObjectName("popup-delete")
        self.delete_button.setToolTip("Delete this highlight (Ctrl+Z brings it back)")
        self.delete_button.clicked.connect(self._delete)
        row.addWidget(self.delete_button)
        layout.addLayout(row)
        self.quote = QLabel(self)
        self.quote.setProperty("role", "muted")
        self.quote.setWordWrap(True)
        self.quote.setMaximumWidth(340)
        layout.addWidget(self.quote)
        self.note = QPlainTextEdit(self)
        self.note.setObjectName("highlightNote")
        self.note.setPlaceholderText("Add a note… (Markdown)")
        self.note.setFixedSize(340, 96)
        self.note.setTabChangesFocus(True)
        self.note.textChanged.connect(self._note_edited)
        layout.addWidget(self.note)
        self.tags = QLineEdit(self)
        self.tags.setObjectName("highlightTags")
        self.tags.setPlaceholderText("Tags, separated by commas")
        self.tags.editingFinished.connect(self._save_tags)
        self.tags.returnPressed.connect(self.close)
        self.completer_model = QStringListModel(self)
        completer = QCompleter(self.completer_model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.tags.setCompleter(completer)
        layout.addWidget(self.tags)
        hint = QLabel("Esc closes · changes are saved as you type", self)
        hint.setProperty("role", "muted")
        layout.addWidget(hint)
        self._note_timer = QTimer(self, singleShot=True, interval=500, timeout=self._save_note)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.close)

    def edit(self, highlight: Highlight, anchor: QRect, all_tags: list[str], focus: str = "note") -> None:
        self._loading = True
        self.highlight_id = highlight.id
        for name, button in self.swatches.items():
            button.setChecked(name == highlight.color)
        quote = " ".join(highlight.exact.split())
        self.quote.setText("“" + (quote if len(quote) <= 140 else quote[:139] + "…") + "”")
        self.note.setPlainText(highlight.note)
        self.tags.setText(", ".join(highlight.tags))
        self._saved_tags = list(highlight.tags)
        self.completer_model.setStringList(all_tags)
        self._loading = False
        _place_near(self, anchor)
        self.show()
        self.raise_()
        self.activateWindow()
        (self.tags if focus == "tags" else self.note).setFocus()

    def _choose(self, name: str) -> None:
        for other, button in self.swatches.items():
            button.setChecked(other == name)
        if self.highlight_id is not None:
            self.colorChanged.emit(self.highlight_id, name)

    def _note_edited(self) -> None:
        if not self._loading:
            self._note_timer.start()

    def _save_note(self) -> None:
        self._note_timer.stop()
        if self.highlight_id is not None:
            self.noteChanged.emit(self.highlight_id, self.note.toPlainText())

    def _tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.text().split(",") if t.strip()]

    def _save_tags(self) -> None:
        tags = self._tag_list()
        if self.highlight_id is not None and tags != self._saved_tags:
            self._saved_tags = tags
            self.tagsChanged.emit(self.highlight_id, tags)

    def _delete(self) -> None:
        hid = self.highlight_id
        self._note_timer.stop()
        self.highlight_id = None
        self.close()
        if hid is not None:
            self.deleteRequested.emit(hid)

    def hideEvent(self, event: object) -> None:
        if self.highlight_id is not None:
            if self._note_timer.isActive():
                self._save_note()
            self._save_tags()
        self.highlight_id = None
        super().hideEvent(event)  # type: ignore[arg-type]
        self.closed.emit()
