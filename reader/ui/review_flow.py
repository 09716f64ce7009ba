"""Daily review in the main window: the ``Ctrl+R`` command, a toolbar button counting what
is due today, and opening a reviewed highlight in its article.

The window hooks it with one line (``self.review = ReviewFlow(self)``); everything else
about review in the window lives here and in ``review_view.py``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QToolButton

from reader.core.errors import ReaderError
from reader.core.models import Changes
from reader.core.review import now_from_env
from reader.ui import theme as themes
from reader.ui.review_view import ReviewView


class ReviewFlow(QObject):
    """Owns the Review action and button of ``window`` (a MainWindow with ``library`` and ``toolbar``)."""

    _changed = Signal(object)  # Library listeners may run on a worker thread: queue to the UI thread

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        self.library = window.library  # type: ignore[attr-defined]
        self.view: ReviewView | None = None
        self.due_count = 0
        tip = "Review today's highlights (Ctrl+R)"
        commands = getattr(window, "commands", None)
        if commands is not None:  # the window's action registry (reader/ui/actions.py), when it has one
            self.action = commands.add("review", "Review", self.show_review, ["Ctrl+R"], tip=tip, icon="review",
                                       menu="view")
        else:
            self.action = QAction(themes.icon("review"), "Review", window)
            self.action.setObjectName("review")
            self.action.setShortcut(QKeySequence("Ctrl+R"))
            self.action.setToolTip(tip)
            self.action.setStatusTip(tip)
            self.action.triggered.connect(lambda _=False: self.show_review())
            window.addAction(self.action)
            self._add_to_menu()
        self.button = QToolButton(window)
        self.button.setObjectName("reviewButton")
        self.button.setDefaultAction(self.action)
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar = getattr(window, "toolbar", None)
        if toolbar is not None:
            toolbar.addWidget(self.button)
        # Refreshed when highlights or review state change, not polled; an article view's
        # reading position changes nothing here.
        self._changed.connect(self._on_changes, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe = self.library.subscribe(self._changed.emit)
        self.destroyed.connect(lambda *_: self._unsubscribe())
        self.refresh_count()

    def _add_to_menu(self) -> None:
        for menu_action in self.window.menuBar().actions():
            menu = menu_action.menu()
            if menu is not None and menu_action.text().replace("&", "") == "View":
                menu.addSeparator()
                menu.addAction(self.action)
                return

    def detach(self) -> None:
        """Stop listening to the library (the window is closing)."""
        self._unsubscribe()
        self._unsubscribe = lambda: None

    # -- the count on the button ----------------------------------------------------------------
    def refresh_count(self) -> int:
        try:
            self.due_count = len(self.library.review_today(None, now_from_env()))
        except ReaderError:
            self.due_count = 0
        self.action.setText(f"Review  {self.due_count}" if self.due_count else "Review")
        self.action.setIconText(self.action.text())
        return self.due_count

    def _on_changes(self, changes: Changes) -> None:
        if changes.review or changes.highlights or changes.added or changes.deleted:
            self.refresh_count()

    # -- the view ---------------------------------------------------------------------------------
    def show_review(self) -> ReviewView:
        if self.view is None:
            self.view = ReviewView(self.library, self.window)
            self.view.openRequested.connect(self._open_in_article)
            self.view.finished.connect(self._closed)
        self.view.resize(self.window.size())
        self.view.start()
        self.view.open()
        self.view.setFocus()
        return self.view

    def _closed(self, _result: int = 0) -> None:
        self.refresh_count()
        self.window.activateWindow()  # the window's keys work again at once
        self.window.view.setFocus()  # type: ignore[attr-defined]

    def _open_in_article(self, article_id: int, start: int, end: int) -> None:
        window: Any = self.window
        if start >= 0 and end > start:
            opened = window.open_article(article_id, at=start, flash=(start, end))
        else:  # an orphaned highlight has no place in the text: open the article
            opened = window.open_article(article_id)
        if opened:
            QTimer.singleShot(0, window.view.setFocus)
