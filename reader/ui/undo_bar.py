"""A quiet bar under the page that says what was just removed and offers to bring it back."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

SHOWN_MS = 12_000


class UndoBar(QWidget):
    undoRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("undoBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        self.label = QLabel(self)
        self.label.setObjectName("undoMessage")
        layout.addWidget(self.label, 1)
        self.undo_button = QPushButton("Undo", self)
        self.undo_button.setObjectName("undoButton")
        self.undo_button.setToolTip("Bring it back (Ctrl+Z)")
        self.undo_button.clicked.connect(self._undo)
        layout.addWidget(self.undo_button)
        close = QToolButton(self)
        close.setText("×")
        close.setToolTip("Dismiss")
        close.clicked.connect(self.hide)
        layout.addWidget(close)
        self._timer = QTimer(self, singleShot=True, interval=SHOWN_MS, timeout=self.hide)
        self.hide()

    def offer(self, message: str) -> None:
        self.label.setText(message)
        self.show()
        self._timer.start()

    def _undo(self) -> None:
        self.hide()
        self.undoRequested.emit()
