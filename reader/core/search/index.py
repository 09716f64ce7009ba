"""SearchIndex: the index in one folder, made of the lifecycle, writer and searcher parts."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from reader.core.instance import InstanceLock
from reader.core.search import query as sq
from reader.core.search.schema import make_schema
from reader.core.search.searcher import IndexSearching
from reader.core.search.writer import IndexWriting
from reader.core.storage import Storage


class SearchIndex(IndexSearching, IndexWriting):
    """The index in ``index_dir``, kept in step with ``storage``."""

    def __init__(self, index_dir: Path, storage: Storage):
        self.dir = Path(index_dir)
        self.storage = storage
        self.schema = make_schema()
        self.repaired: str | None = None      # why the index was rebuilt at open, if it was
        self._write_lock = threading.RLock()  # one writer in this process
        self._read_lock = threading.RLock()   # the searcher is swapped under it, never while in use
        self._pending = False                 # a catch_up was asked for while the writer was busy
        self._long_write = False              # a bulk catch-up or rebuild holds the writer
        self._want_write = False              # a catch-up waits: the background merge stops early
        self._closed = False
        self._merge_thread: threading.Thread | None = None
        self._warm_thread: threading.Thread | None = None
        self._closing = threading.Event()
        self._last_write = 0.0
        self._ix: Any = None
        self._searcher: Any = None
        self._last_seq = 0
        self._vocab: dict[tuple[str, str], Any] = {}  # (segment, field) -> vocabulary.SegmentVocab
        self._filters: dict[tuple[int, tuple[str, ...]], Any] = {}
        self._merged: dict[tuple[str, Any], Any] = {}  # segments' vocabularies as one, by segments and by reader
        self._lengths: dict[tuple[str, str], list[int]] = {}  # (segment, field) -> each doc's length
        self._pairs_read: tuple[Any, Any] | None = None      # (file stamp, pairs.Versions)
        self._segments_read: dict[str, Any] = {}            # the last query's postings, by segment
        self.term_at_a_time = True                            # False: Whoosh's matchers for every query
        self._parsers = sq.Parsers(self.schema)
        self._stem = self.schema["text"].analyzer
        # The window and CLI commands may use one index at once: every write, repair and
        # rebuild holds this lock (beside the index folder, which a rebuild replaces).
        self._process_lock = InstanceLock(self.dir.with_name(self.dir.name + ".lock"))
        self._dir_id: tuple[int, int] | None = None
        with self._write_lock:
            if not self._open_as_is():
                with self._across_processes():
                    self._open()
            self._dir_id = self._directory_id()

