"""How the main window shows a PDF: its pages (``PdfView``) or, with "Text view", the reflowed text.

The window keeps its article view for every article (for a PDF it holds the text, with the
same highlights); this host stacks the page view over it and switches between the two. The
page view sends the article view's signals (selection, highlight keys, clicks on highlights,
reading position) to the window's own slots, so highlighting, notes, tags, undo and search
hits go through one flow whatever the view.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QRect, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStackedWidget

from reader.core.models import Article, Highlight
from reader.ui.pdf_view import PdfView


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

    def clear(self) -> None:
        """No article (it was deleted): the article view says so."""
        self.stack.setCurrentWidget(self.window.view)
        if self.view.article is not None:
            self.view.close_pages()
            self.view.article = self.view.layout_ = None

    def set_text_mode(self, on: bool) -> None:
        self.text_mode = on
        if self.view.article is None:
            return
        window_view = self.window.view
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
            self.view.clear_selection()
            self.view.add_highlight(highlight)

    def set_theme(self, theme: str) -> None:
        self.view.set_theme(theme)

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
