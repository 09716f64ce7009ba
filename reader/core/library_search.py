"""The search part of the ``Library`` facade (``Library`` inherits it). The index is derived
data, opened on first use; the modules behind it load lazily so `reader search` starts fast."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from reader.core import paths

Progress = Callable[[int, int, str], None]
Cancel = Callable[[], bool]


class LibrarySearch:
    """Search methods of the ``Library``; it has ``home``, the storage and ``search_enabled``."""

    home: Path
    search_enabled: bool
    _storage: Any
    _index: Any

    @property
    def index(self) -> Any:
        """The search index, opened (and repaired if needed) on first use."""
        if self._index is None:
            from reader.core.search import SearchIndex

            self._index = SearchIndex(paths.index_dir(self.home), self._storage)
        return self._index

    def index_catch_up(self, progress: Progress | None = None, cancel: Cancel | None = None) -> int:
        """Bring the index up to date with SQLite; returns how many articles it (re)indexed."""
        if not self.search_enabled:
            return 0
        return self.index.catch_up(progress=progress, cancel=cancel)

    def index_status(self) -> Any:
        """How many articles wait to be indexed and whether a background indexer is at work
        on them (``IndexStatus``), without opening the index: cheap enough for a status bar."""
        from reader.core.search.status import index_status

        return index_status(self.home, self._storage)

    def _index_after_change(self) -> None:
        from reader.core.search.follow import index_after_change

        index_after_change(self)

    def search(self, query: str, limit: int = 20) -> list[Any]:
        """Ranked results (``SearchResults``); ``results.pending`` and ``results.notice`` say
        what is not in the index yet and why (see search/follow.py)."""
        from reader.core.search.follow import search

        return search(self, query, limit)

    def reindex(self, progress: Progress | None = None, cancel: Cancel | None = None) -> int:
        return self.index.rebuild(progress=progress, cancel=cancel)
