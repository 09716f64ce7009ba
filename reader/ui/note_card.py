"""One note in the sidebar: rendered Markdown; click to edit in plain text."""

from __future__ import annotations

from PySide6.QtCore import (
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QStackedWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.core.models import Note


class NoteCard(QFrame):
    """One note: rendered Markdown; click to edit in plain text, saved as typed."""

    saveRequested = Signal(object, str)  # the card, the body
    deleteRequested = Signal(object)  # the card

    def __init__(self, note: Note | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.note_id: int | None = note.id if note else None
        self.setObjectName("noteCard")
        self.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(2)
        top = QHBoxLayout()
        self.when = QLabel(self)
        self.when.setProperty("role", "muted")
        top.addWidget(self.when, 1)
        self.delete_button = QToolButton(self)
        self.delete_button.setText("Delete")
        self.delete_button.setObjectName("deleteNote")
        self.delete_button.setToolTip("Delete this note (Ctrl+Z brings it back)")
        self.delete_button.clicked.connect(lambda: self.deleteRequested.emit(self))
        top.addWidget(self.delete_button)
        layout.addLayout(top)
        self.stack = QStackedWidget(self)
        self.viewer = MarkdownView(self)
        self.viewer.clicked.connect(self.start_editing)
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("noteEditor")
        self.editor.setPlaceholderText("Write a note… Markdown works: *emphasis*, **strong**, - lists")
        self.editor.setMinimumHeight(140)
        self.editor.setTabChangesFocus(True)
        self.stack.addWidget(self.viewer)
        self.stack.addWidget(self.editor)
        layout.addWidget(self.stack)
        self._timer = QTimer(self, singleShot=True, interval=500, timeout=self.save_now)
        self.editor.textChanged.connect(self._timer.start)
        self.editor.installEventFilter(self)
        self._body = note.body if note else ""
        self.set_when(note)
        self.editor.setPlainText(self._body)
        self._timer.stop()
        self._render()

    def set_when(self, note: Note | None) -> None:
        from reader.ui.library_panel import short_date

        self.when.setText(f"Edited {short_date(note.updated)}" if note else "New note")

    @property
    def editing(self) -> bool:
        return self.stack.currentWidget() is self.editor

    @property
    def body(self) -> str:
        return self._body

    def set_body(self, body: str) -> None:
        if self.editing or body == self._body:
            return
        self._body = body
        self.editor.blockSignals(True)
        self.editor.setPlainText(body)
        self.editor.blockSignals(False)
        self._render()

    def _render(self) -> None:
        self.viewer.set_markdown(self._body or "*Empty note — click to write.*")

    def start_editing(self) -> None:
        self.stack.setCurrentWidget(self.editor)
        self.stack.setFixedHeight(self.editor.minimumHeight())
        self.editor.setFocus()
        self.editor.moveCursor(self.editor.textCursor().MoveOperation.End)

    def stop_editing(self) -> None:
        self.save_now()
        self.stack.setCurrentWidget(self.viewer)
        self._render()

    def save_now(self) -> None:
        self._timer.stop()
        body = self.editor.toPlainText()
        if body != self._body:
            self._body = body
            self.saveRequested.emit(self, body)

    def eventFilter(self, obj: object, event: object) -> bool:
        from PySide6.QtCore import QEvent

        if obj is self.editor and getattr(event, "type", lambda: None)() == QEvent.Type.FocusOut:
            QTimer.singleShot(0, self._maybe_stop)
        return False

    def _maybe_stop(self) -> None:
        if self.editing and not self.editor.hasFocus():
            self.stop_editing()


class MarkdownView(QTextBrowser):
    """A read-only Markdown rendering that grows to fit and loads nothing."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.viewport().setCursor(Qt.CursorShape.IBeamCursor)
        self.setToolTip("Click to edit")
        self.document().setDocumentMargin(6)

    def loadResource(self, type: int, name: QUrl) -> object:  # noqa: A002
        return None

    def set_markdown(self, text: str) -> None:
        self.document().setMarkdown(text)
        self._fit()

    def _fit(self) -> None:
        self.document().setTextWidth(max(100, self.viewport().width()))
        self.setFixedHeight(int(self.document().size().height()) + 6)
        stack = self.parentWidget()
        if isinstance(stack, QStackedWidget) and stack.currentWidget() is self:
            stack.setFixedHeight(self.height())

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._fit()

    def mouseReleaseEvent(self, event: object) -> None:
        super().mouseReleaseEvent(event)  # type: ignore[arg-type]
        if not self.textCursor().hasSelection():
            self.clicked.emit()
