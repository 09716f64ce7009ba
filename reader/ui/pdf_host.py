"""How the main window shows a PDF: its pages (``PdfView``) or, with "Text view", the reflowed text.

The window keeps its article view for every article (for a PDF it holds the text, with the
same highlights); this host stacks the page view over it and switches between the two. The
page view sends the article view's signals (selection, highlight keys, clicks on highlights,
reading position) to the window's own slots, so highlighting, notes, tags, undo and search
hits go through one flow whatever the view.

While the pages are shown, the hidden text view's document is not laid out: Qt lays a long
document out in steps on a timer, and for a 300-page PDF (1.7 M characters) each step held
the UI thread for 100-200 ms (pages painted late while scrolling) and the layout took
~130 MB. It resumes when the text view is shown.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QRect, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStackedWidget

from reader.core.models import Article, Highlight
from reader.ui.pdf_view import PdfView


class _LayoutHold(QObject):
    """Swallows the timer events that drive a document layout's step-by-step layout."""

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        return event.type() == QEvent.Type.Timer


class PdfHost(QObject):
    def __init__(self, window: Any):
        super().__init__(window)
        self.window = window
        self.view = PdfView(window)
        self.view.theme = window.theme
        self.stack = QStackedWidget(window)
        self.stack.addWidget(window.view)
        self.stack.addWidget(self.view)
        self.text_mode = False
        self._layout_hold = _LayoutHold(self)
        self._held: Any = None  # the text view's document layout, while held
        self.toggle_action = QAction("Text view (PDF)", window, checkable=True)
        self.toggle_action.setObjectName("pdf_text_view")
        self.toggle_action.setShortcut(QKeySequence("Ctrl+Shift+T"))
        self.toggle_action.setToolTip("Show a PDF as reflowed text, or as its pages")
        self.toggle_action.toggled.connect(self.set_text_mode)
        window.addAction(self.toggle_action)
        self.view.selectionReady.connect(self._selection_ready)
        self.view.highlightKey.connect(window._highlight_key)
        self.view.highlightClicked.connect(window.edit_highlight)
        self.view.readingPositionChanged.connect(window._save_reading_position)

    # -- which view ----------------------------------------------------------------------
    @property
    def showing_pages(self) -> bool:
        return self.stack.currentWidget() is self.view

    def current(self) -> Any:
        return self.view if self.showing_pages else self.window.view

    def show_article(self, article: Article, *, at: int | None = None) -> None:
        if article.pdf is None:
            self.clear()
            return
        self.view.show_article(article, at=at)
        self.stack.setCurrentWidget(self.window.view if self.text_mode else self.view)
        self._hold_text_layout(not self.text_mode)

    def clear(self) -> None:
        """No article (it was deleted): the article view says so."""
        self._hold_text_layout(False)
        self.stack.setCurrentWidget(self.window.view)
        if self.view.article is not None:
            self.view.close_pages()
            self.view.article = self.view.layout_ = None

    def set_text_mode(self, on: bool) -> None:
        self.text_mode = on
        if self.view.article is None:
            return
        window_view = self.window.view
        self._hold_text_layout(not on)
        if on:
            offset = self.view.offset_at_top()
            self.stack.setCurrentWidget(window_view)
            QTimer.singleShot(0, lambda: window_view.scroll_to_offset(offset)
                              if hasattr(window_view, "scroll_to_offset") else None)
            window_view.setFocus()
        else:
            offset = window_view.offset_at_top()
            self.stack.setCurrentWidget(self.view)
            self.view.scroll_to_offset(offset)
            self.view.setFocus()

    # -- what the window asks of "the view" ----------------------------------------------
    def selection_offsets(self) -> tuple[int, int]:
        return self.current().selection_offsets()

    def reveal(self, start: int, end: int, marks: Any = ()) -> None:
        self.current().reveal(start, end, marks)

    def highlight_rect(self, highlight: Highlight) -> QRect:
        return self.current().highlight_rect(highlight)

    def set_highlights(self, highlights: list[Highlight]) -> None:
        if self.view.article is not None:
            self.view.set_highlights(highlights)

    def highlight_added(self, highlight: Highlight) -> None:
        if self.view.article is not None and self.view.article_id == highlight.article_id:
            self.view.add_highlight(highlight)  # before the selection goes: it has the rectangles
            self.view.clear_selection()

    def set_theme(self, theme: str) -> None:
        self.view.set_theme(theme)
        # the text view has just built a new document for the theme: hold its layout too
        self._hold_text_layout(self.view.article is not None and not self.text_mode)

    def _hold_text_layout(self, hold: bool) -> None:
        # A document replaced by another keeps the hold until Qt deletes it (later): released,
        # it would go on laying itself out for nothing.
        layout = self.window.view.document().documentLayout()
        if hold:
            layout.installEventFilter(self._layout_hold)
        else:
            layout.removeEventFilter(self._layout_hold)
        self._held = layout if hold else None

    def text_layout_held(self) -> bool:
        return self._held is not None and self._held is self.window.view.document().documentLayout()

    def flush_position(self) -> None:
        if self.showing_pages:
            self.view.flush_position()

    def _selection_ready(self, start: int, end: int) -> None:
        popup = self.window.selection_popup
        if start < end:
            popup.show_at(self.view.selection_rect())
        else:
            popup.hide()

    def shutdown(self) -> None:
        self.view.shutdown()
