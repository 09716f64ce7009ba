"""The sidebar (right): the article's tags, highlights in text order, orphans, and notes."""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QRect,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from reader.core.library import Library
from reader.core.models import Article, Highlight
from reader.ui.highlight_list import HighlightRole, make_highlight_list
from reader.ui.notes_box import NotesBox
from reader.ui.tags_box import TagsBox


class Sidebar(QWidget):
    highlightActivated = Signal(int)  # highlight id: scroll to it and flash it
    orphanActivated = Signal(int, QRect)  # an orphan to edit or delete, and where its row is (global)

    def __init__(self, library: Library, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.library = library
        self.article_id: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 4, 8, 8)
        self.tags = TagsBox(library, self)
        layout.addWidget(self.tags)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        # Whole labels, never scrolled: the sidebar's minimum width then holds both of them.
        self.tabs.setUsesScrollButtons(False)
        self.tabs.tabBar().setElideMode(Qt.TextElideMode.ElideNone)
        layout.addWidget(self.tabs, 1)
        page = QWidget(self.tabs)
        col = QVBoxLayout(page)
        col.setContentsMargins(0, 4, 0, 0)
        self.highlight_view, self.highlight_model = make_highlight_list(page, "highlightList")
        col.addWidget(self.highlight_view, 3)
        self.no_highlights = QLabel("Select text to highlight it.\nKeys 1–6 pick a colour, N adds a note.", page)
        self.no_highlights.setProperty("role", "empty")
        self.no_highlights.setWordWrap(True)
        col.addWidget(self.no_highlights)
        self.orphan_title = QLabel("Orphaned — no longer found in the text", page)
        self.orphan_title.setProperty("role", "section")
        self.orphan_title.setWordWrap(True)
        col.addWidget(self.orphan_title)
        self.orphan_view, self.orphan_model = make_highlight_list(page, "orphanList")
        col.addWidget(self.orphan_view, 1)
        self.tabs.addTab(page, "Highlights")
        self.notes = NotesBox(library, self.tabs)
        self.tabs.addTab(self.notes, "Notes")
        self.highlight_view.clicked.connect(self._activated)
        self.highlight_view.activated.connect(self._activated)
        self.orphan_view.clicked.connect(self._orphan_activated)
        self.orphan_view.activated.connect(self._orphan_activated)
        self.orphan_view.setToolTip("These passages were not found after the article changed. Click one to edit or delete it.")
        self.show_article(None)

    def show_article(self, article: Article | None) -> None:
        self.article_id = article.id if article else None
        self.tags.show_tags(self.article_id, article.tags if article else ())
        self.show_highlights(list(article.highlights) if article else [])
        self.notes.show_notes(self.article_id, article.notes if article else ())
        self._update_tab_titles()

    def show_highlights(self, highlights: list[Highlight]) -> None:
        placed = [h for h in highlights if not h.orphaned]
        orphans = [h for h in highlights if h.orphaned]
        self.highlight_model.set_rows(placed)
        self.orphan_model.set_rows(orphans)
        self.orphan_title.setVisible(bool(orphans))
        self.orphan_view.setVisible(bool(orphans))
        self.no_highlights.setVisible(not placed and self.article_id is not None)
        self.highlight_view.setVisible(bool(placed))
        self._update_tab_titles()

    def refresh_notes(self) -> None:
        if self.article_id is not None:
            self.notes.show_notes(self.article_id, self.library.notes(self.article_id))
            self._update_tab_titles()

    def refresh_tags(self) -> None:
        if self.article_id is not None:
            self.tags.show_tags(self.article_id, self.library.article_tags(self.article_id))
        else:
            self.tags.refresh_completions()

    def _update_tab_titles(self) -> None:
        n = len(self.highlight_model.rows) + len(self.orphan_model.rows)
        self.tabs.setTabText(0, f"Highlights ({n})" if n else "Highlights")
        m = len([c for c in self.notes.cards if c.note_id is not None])
        self.tabs.setTabText(1, f"Notes ({m})" if m else "Notes")

    def select_highlight(self, highlight_id: int) -> None:
        for row, h in enumerate(self.highlight_model.rows):
            if h.id == highlight_id:
                index = self.highlight_model.index(row)
                self.highlight_view.setCurrentIndex(index)
                self.highlight_view.scrollTo(index)
                return

    def _activated(self, index: QModelIndex) -> None:
        h: Highlight = index.data(HighlightRole)
        if h is not None:
            self.highlightActivated.emit(h.id)

    def _orphan_activated(self, index: QModelIndex) -> None:
        h: Highlight = index.data(HighlightRole)
        if h is not None:
            rect = self.orphan_view.visualRect(index)
            self.orphanActivated.emit(h.id, QRect(self.orphan_view.viewport().mapToGlobal(rect.topLeft()), rect.size()))

    def new_note(self) -> None:
        self.tabs.setCurrentWidget(self.notes)
        self.notes.new_note()
