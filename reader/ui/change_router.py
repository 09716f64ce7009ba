"""Brings what changed in the library to the views: the list, the counts, the tag filter, the article.

Two doors: this process's mutations arrive as ``Changes`` from ``Library.subscribe``
(marshalled to the UI thread by a queued signal, as imports run on a worker); other
processes' (``reader add``, capture, the inbox) are noticed through the library's change
counter, read on a short timer (one indexed query), and then only the articles it names
are refreshed. A change made inside ``acting_as(view)`` carries that view as its
``origin`` and is not reloaded into it: the view already shows it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from reader.core.errors import ArticleNotFound, ReaderError
from reader.core.models import Changes

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow

FOLLOW_INTERVAL_MS = 400  # changes by other processes show within a second
_BEYOND_ANY_CHANGE = 1 << 62


class ChangeRouter(QObject):
    changesArrived = Signal(object)

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.library = window.library
        self.open_after_delete: int | None = None
        self.closed = False
        self.seq = 0
        self.seq = self._current_seq()
        self._acting: tuple[int, object] | None = None  # (thread, origin) while a view makes a change
        self._unsubscribe = self.library.subscribe(self._heard)
        self.changesArrived.connect(self.apply, Qt.ConnectionType.QueuedConnection)
        self.timer = QTimer(self, interval=FOLLOW_INTERVAL_MS, timeout=self.follow)
        self.timer.start()

    @contextmanager
    def acting_as(self, origin: object) -> Iterator[None]:
        """Changes made inside (on this thread) name ``origin`` as their maker, so it need not reload."""
        previous, self._acting = self._acting, (threading.get_ident(), origin)
        try:
            yield
        finally:
            self._acting = previous

    def _heard(self, changes: Changes) -> None:
        """Runs on the writer's thread, right after its commit: ours, so the timer skips them."""
        acting = self._acting
        if acting is not None and acting[0] == threading.get_ident() and changes.origin is None:
            changes = replace(changes, origin=acting[1])
        self.seq = self._current_seq()
        self.changesArrived.emit(changes)

    def close(self) -> None:
        self.closed = True  # Changes already queued arrive after this: the library may be closed
        self.timer.stop()
        self._unsubscribe()

    def _current_seq(self) -> int:
        try:  # changes after a number no change reaches: just the counter, one cheap query
            return self.library.changes_since(_BEYOND_ANY_CHANGE)[0]
        except ReaderError:
            return self.seq

    # -- other processes --------------------------------------------------------------------
    def follow(self) -> None:
        """Refresh what other processes changed since the counter was last read."""
        try:
            seq, changes = self.library.changes_since(self.seq)
        except ReaderError:
            return
        if seq == self.seq:
            return
        self.seq = seq
        if changes.articles:
            self.apply_external(changes)

    def apply_external(self, changes: Changes) -> None:
        window = self.window
        panel = window.library_panel
        ids = changes.articles
        if any(panel.model.row_of(i) is None for i in ids) or len(ids) > 20:
            panel.reload(tags=True)  # rows came or went
        else:
            panel.reload_tags()
            for article_id in ids:
                self._patch_row(article_id, highlights=True, tags=True)
            panel.reload(tags=False)  # a deleted article leaves the list
        current = window.view.article_id
        if current is None:
            if window.view.article is None and panel.model.rows:
                window.open_article(panel.model.rows[0].id)
            return
        if current in ids:
            try:
                article = self.library.get(current)
            except ArticleNotFound:
                self._current_deleted()
                return
            window.show_article_again(article)
        window.sidebar.refresh_tags()

    # -- this process -----------------------------------------------------------------------
    def apply(self, changes: Changes) -> None:
        if self.closed:
            return
        window = self.window
        mine = changes.origin is window.view  # the view made it and already shows it
        self._refresh_library_list(changes, mine)
        current = window.view.article_id
        if current is None:
            if changes.added and window.view.article is None:
                window.open_article(max(changes.added))
            elif changes.tags:
                window.sidebar.refresh_tags()
            return
        if current in changes.deleted:
            self._current_deleted()
            return
        if current in changes.articles:
            if changes.highlights:
                if mine:
                    window.sidebar.show_highlights(self._shown_highlights())
                else:
                    highlights = self.library.highlights(current)
                    window.view.set_highlights(highlights, changes.highlights)
                    window.pdf.set_highlights(highlights)
                    window.sidebar.show_highlights(highlights)
            if changes.notes:
                window.sidebar.refresh_notes()
            if changes.tags:
                window.sidebar.refresh_tags()
            if not (changes.highlights or changes.notes or changes.reading):
                self._reload_if_content_changed(current)
        elif changes.tags:
            window.sidebar.refresh_tags()
        if current in changes.added:
            window.library_panel.select(current, emit=False)

    def _shown_highlights(self) -> list[Any]:
        """The open article's highlights as the view shows them, with the sidebar's orphans."""
        return [*self.window.view.highlights(), *self.window.sidebar.orphan_model.rows]

    def _current_deleted(self) -> None:
        window = self.window
        window.view.clear_article("This article was deleted. Ctrl+Z brings it back.")
        window.pdf.clear()
        window.header.show_article(None)
        window.sidebar.show_article(None)
        window.setWindowTitle("Reader")
        rows = window.library_panel.model.rows
        target = self.open_after_delete
        self.open_after_delete = None
        if target is None or window.library_panel.model.row_of(target) is None:
            target = rows[0].id if rows else None
        if target is not None:
            window.open_article(target)

    def _refresh_library_list(self, changes: Changes, mine: bool) -> None:
        """Re-query the list only when rows come, go or may change order; else patch rows."""
        panel = self.window.library_panel
        partial = (changes.highlights or changes.notes or changes.tags) and len(changes.articles) <= 20
        if changes.added or changes.deleted or (changes.articles and not partial) or (
            changes.tags and panel.model.tag
        ):
            panel.reload(tags=changes.tags or bool(changes.added or changes.deleted))
            return
        if changes.tags:
            panel.reload_tags()
        for article_id in changes.articles:
            self._patch_row(article_id, highlights=bool(changes.highlights), tags=changes.tags, mine=mine)

    def _patch_row(self, article_id: int, *, highlights: bool, tags: bool, mine: bool = False) -> None:
        panel = self.window.library_panel
        if panel.model.row_of(article_id) is None:
            return
        fields: dict[str, Any] = {}
        try:
            if highlights:
                if mine and article_id == self.window.view.article_id:
                    fields["highlight_count"] = len(self._shown_highlights())
                else:
                    fields["highlight_count"] = len(self.library.highlights(article_id))
            if tags:
                fields["tags"] = tuple(sorted(self.library.article_tags(article_id), key=str.casefold))
        except ReaderError:
            return
        if fields:
            panel.model.update_row(article_id, **fields)

    def _reload_if_content_changed(self, article_id: int) -> None:
        try:
            article = self.library.get(article_id)
        except ArticleNotFound:
            return
        if article.document.text != self.window.view.text:
            self.window.show_article_again(article)
        self.window.setWindowTitle(f"{article.title} — Reader")
