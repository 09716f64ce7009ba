"""The capture door: a page or an inbox file -> the importer ``reader add`` uses -> ``Library``.

Capture adds no import rules of its own. A page is imported as ``reader add page.html`` would
import it (same format sniffing, extraction and sanitising) with its ``url`` as its address and
its source key, so the same url again updates that article. An inbox file is imported as
``reader add`` imports a file, keyed by where it will rest in ``imported/``.

One lock serialises every write that comes through capture (HTTP threads and the inbox
thread), so two captures never race for the same source key or the index writer; ``close()``
waits for the write under way, so a shutdown never stops one half-way.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.core.capture.forms import PageRequest
from reader.core.errors import ReaderError
from reader.core.importers import import_bytes, import_path, sniff_format

log = logging.getLogger(__name__)


class DoorClosed(ReaderError):
    def __init__(self) -> None:
        super().__init__("Reader is shutting down; send the page again in a moment.")


@dataclass(frozen=True)
class Captured:
    """What one capture did, for the window's notification and ``reader serve``'s log."""

    article_id: int
    title: str
    status: str  # "added", "updated" or "unchanged"
    tags: tuple[str, ...]
    via: str  # "browser" or "inbox"
    source: str  # the url, or the inbox file's name


Listener = Callable[[Captured], None]


class CaptureDoor:
    def __init__(self, library: Any, on_captured: Listener | None = None):
        self.library = library
        self.on_captured = on_captured
        self._lock = threading.Lock()
        self._closed = False

    def close(self) -> None:
        """Refuse new captures and wait for the one under way."""
        with self._lock:
            self._closed = True

    def save_page(self, page: PageRequest) -> Captured:
        """Import a page sent by the browser; raises ``ImportFailed`` when it holds no article."""
        # Sniffed as a file named .html is: HTML, unless the bytes are a zip or an EPUB.
        fmt = sniff_format(page.html, ".html")
        imported = import_bytes(page.html, page.url, url=page.url, fmt=fmt)
        imported.url = page.url  # the address the browser showed, not one the page claims
        if page.title:
            imported.title = page.title
        with self._lock:
            if self._closed:
                raise DoorClosed()
            result = self.library.add_imported(imported, page.tags, source_key=page.url)
        return self._tell(Captured(result.article_id, result.title, result.status, page.tags, "browser", page.url))

    def import_file(self, path: Path, resting_place: Path) -> Captured:
        """Import an inbox file as ``reader add`` would, keyed by where it will rest afterwards.

        Keyed by ``resting_place`` (not the inbox path, which empties): the article's source is a
        file that exists, and importing the same file again after a crash finds the same article.
        """
        imported = import_path(path)
        key = str(resting_place.resolve())
        imported.source_path = key
        with self._lock:
            if self._closed:
                raise DoorClosed()
            result = self.library.add_imported(imported, (), source_key=key)
        return self._tell(Captured(result.article_id, result.title, result.status, (), "inbox", path.name))

    def _tell(self, captured: Captured) -> Captured:
        if self.on_captured is not None:
            try:
                self.on_captured(captured)
            except Exception:  # a listener's bug must not turn a saved page into an error
                log.exception("a capture listener failed")
        return captured
