"""Writing: catching up with SQLite's change counter, bulk writes, rebuilds beside the
live index, and merging small segments in the background."""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from whoosh import index as windex

from reader.core.search import pairs
from reader.core.search.lifecycle import PROCESS_LOCK_TIMEOUT, WRITER_OPTIONS, IndexLifecycle, _codec, _storage
from reader.core.search.schema import SCHEMA_VERSION, record_to_doc

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
Cancel = Callable[[], bool]

BATCH = 250                     # records read from SQLite at a time while indexing
BULK_THRESHOLD = 1000           # from this many pending articles on, index with the bulk writer (two processes)
BULK_PROCS = int(os.environ.get("READER_INDEX_PROCS", "0"))  # 0: decide (see _bulk_procs)
MERGE_IDLE_SECONDS = 1.0        # merge only after the writer has been idle this long
MERGE_FACTOR = 8                # this many segments of one size tier: merge them in the background
SMALL_SEGMENT_DOCS = 1000       # bigger segments (bulk catch-ups, rebuilds) are never merged
WRITER_TIMEOUT = 1.0            # wait this long for another process's writer, then skip


def _drop_empty_segments(writer: Any, segments: list[Any]) -> list[Any]:
    """Merge policy for every commit: no merging, but segments whose documents were all
    replaced or deleted leave the index (cheap, and searches skip them)."""
    return [s for s in segments if s.doc_count() > 0]



class IndexWriting(IndexLifecycle):
    """Catch-up, bulk writes, rebuild and background merges (mixed into SearchIndex)."""

    # -- writing ---------------------------------------------------------------------------
    def catch_up(
        self, progress: Progress | None = None, cancel: Cancel | None = None, wait: float | None = None
    ) -> int:
        """Index every article changed since the last catch-up; returns how many were (re)indexed.

        When another thread is writing already, returns 0 at once: that thread catches up
        this change too before it lets go of the writer. ``wait``: how long to wait for
        another process's index work before giving up quietly (returning 0; None waits long
        and then says the index is busy).
        """
        if self._closed:
            return 0
        if not self._pending and self.storage.current_seq() <= self._last_seq:
            return 0  # nothing changed: never wait for a background merge to say so
        if not self._write_lock.acquire(blocking=False):
            if self._long_write:  # that writer picks this change up before it lets go
                self._pending = True
                return 0
            # A background merge: it stops after the segment it is on, so this wait is short.
            self._want_write = True
            self._write_lock.acquire()
            self._want_write = False
        try:
            timeout = PROCESS_LOCK_TIMEOUT if wait is None else wait
            with self._across_processes(timeout, busy_ok=wait is not None) as ours:
                return self._catch_up_locked(progress, cancel) if ours else 0
        finally:
            self._write_lock.release()

    def _catch_up_locked(self, progress: Progress | None, cancel: Cancel | None) -> int:
        done = 0
        while True:
            self._pending = False
            meta = self._read_meta()  # another process may have caught up meanwhile
            if meta and meta.get("schema") == SCHEMA_VERSION:
                self._last_seq = max(self._last_seq, int(meta.get("last_seq", 0)))
            n, finished = self._index_changes(progress, cancel)
            done += n
            if not finished or not self._pending:
                return done

    def _index_changes(self, progress: Progress | None, cancel: Cancel | None) -> tuple[int, bool]:
        changes = self.storage.changed_since(self._last_seq)
        if not changes:
            return 0, True
        latest: dict[int, int] = {}
        for article_id, seq in changes:
            latest[article_id] = max(seq, latest.get(article_id, 0))
        items = sorted(latest.items(), key=lambda kv: kv[1])
        fresh = self._searcher.doc_count_all() == 0
        bulk = len(items) >= BULK_THRESHOLD
        self._activate_pairs(self.dir, [i for i, _ in items], self._searcher.doc_count() + len(items))
        try:
            writer = self._writer(bulk=bulk, docs=len(items))
        except windex.LockError:
            log.info("search index is being written by another program; catching up later")
            return 0, True
        # Find the documents to replace with our searcher when it reads the commit this
        # writer starts from (else the writer opens its own, which costs a reopen).
        same_commit = getattr(self._searcher.reader(), "generation", lambda: None)() == writer.generation - 1
        finder = self._searcher if same_commit else None
        total = len(items)
        stopped_at: int | None = None
        self._long_write = total >= BATCH
        try:
            for chunk_start in range(0, total, BATCH):
                if cancel is not None and cancel():
                    stopped_at = chunk_start
                    break
                chunk = items[chunk_start:chunk_start + BATCH]
                if progress:
                    progress(chunk_start, total, "Indexing articles")
                for rec in self.storage.index_records([i for i, _ in chunk]):
                    if not fresh:
                        writer.delete_by_term("id", str(rec.id), searcher=finder)
                    if not rec.deleted:
                        writer.add_document(**record_to_doc(rec))
            writer.commit(mergetype=_drop_empty_segments)
        except BaseException:
            writer.cancel()
            raise
        finally:
            self._long_write = False
        if stopped_at is None:
            seq, indexed = items[-1][1], total
        else:
            # Everything before the first unindexed item is in; equal seqs are never split.
            seq, indexed = max(self._last_seq, items[stopped_at][1] - 1), stopped_at
        self._write_meta(seq)
        self._refresh()
        self._last_write = time.monotonic()
        if progress:
            progress(indexed, total, "Indexing articles")
        self._maybe_merge()
        return indexed, stopped_at is None

    def _activate_pairs(self, index_dir: Path, ids: list[int], doc_count: int) -> None:
        """Which common words the documents written next get pairs for (see pairs.py); a
        write of enough articles may choose them anew from a sample of its own."""
        sample = None
        if len(ids) >= pairs.MIN_SAMPLE:
            chosen = ids[:: max(1, len(ids) // pairs.SAMPLE)][: pairs.SAMPLE]
            sample = lambda: self.storage.texts(chosen).values()  # noqa: E731
        pairs.activate(index_dir, doc_count, sample)

    @staticmethod
    def _bulk_procs() -> int:
        """Processes for a bulk write. Whoosh's multi-process writer forks, which is only safe
        when no other thread runs (the CLI, a benchmark), not under the window's worker threads."""
        if BULK_PROCS:
            return BULK_PROCS
        # Our own merge and vocabulary threads hold no lock a child would need.
        others = [t for t in threading.enumerate()
                  if t is not threading.main_thread() and t.name not in ("search-merge", "search-vocab")]
        on_main = threading.current_thread() is threading.main_thread()
        return 2 if (os.cpu_count() or 1) >= 2 and on_main and not others else 1

    def _writer(self, bulk: bool, ix: Any = None, docs: int = 0) -> Any:
        ix = ix or self._ix
        procs = self._bulk_procs() if bulk else 1
        options = {"timeout": WRITER_TIMEOUT, "codec": _codec(), **WRITER_OPTIONS}
        if procs > 1:
            return ix.writer(procs=procs, multisegment=True, limitmb=256, **options)
        # A batch's postings (~400 per article) stay in memory: spilling them to sorted runs
        # on disk (pickled) cost 15% of the indexing time of 500 articles.
        return ix.writer(limitmb=256 if bulk or docs >= BATCH else 32, **options)

    def rebuild(self, progress: Progress | None = None, cancel: Cancel | None = None) -> int:
        """Index every article anew, beside the current index, then swap; returns how many.

        Search keeps answering from the old index meanwhile; a cancelled rebuild leaves it as it was.
        """
        with self._write_lock, self._across_processes():
            self._long_write = True
            try:
                return self._rebuild_locked(progress, cancel)
            finally:
                self._long_write = False

    def _rebuild_locked(self, progress: Progress | None, cancel: Cancel | None) -> int:
        building = self.dir.with_name(self.dir.name + ".new")
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir(parents=True)
        seq = self.storage.current_seq()
        ids = self.storage.live_article_ids()
        total = len(ids)
        ix = _storage(building).create_index(self.schema)
        self._activate_pairs(building, ids, total)
        writer = self._writer(bulk=total >= BULK_THRESHOLD, ix=ix)
        try:
            for chunk_start in range(0, total, BATCH):
                if cancel is not None and cancel():
                    writer.cancel()
                    shutil.rmtree(building, ignore_errors=True)
                    return 0
                if progress:
                    progress(chunk_start, total, "Rebuilding the search index")
                for rec in self.storage.index_records(ids[chunk_start:chunk_start + BATCH]):
                    if not rec.deleted:
                        writer.add_document(**record_to_doc(rec))
            writer.commit(merge=False)
        except BaseException:
            writer.cancel()
            shutil.rmtree(building, ignore_errors=True)
            raise
        self._write_meta(seq, building)
        old = self.dir.with_name(self.dir.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        with self._read_lock:
            self._close_searcher()
            if self.dir.exists():
                os.replace(self.dir, old)
            os.replace(building, self.dir)
            self._dir_id = self._directory_id()
            self._ix = _storage(self.dir).open_index()
            self._last_seq = seq
            self._searcher = self._ix.searcher()
            self._vocab.clear()
            self._filters.clear()
        shutil.rmtree(old, ignore_errors=True)
        if progress:
            progress(total, total, "Rebuilding the search index")
        self._catch_up_locked(None, None)  # what changed while we were building
        return total

    def _merge_tier(self) -> list[str]:
        """Segment ids of the smallest size tier (1-9, 10-99, 100-999 documents) holding
        MERGE_FACTOR or more segments: merging like with like keeps each merge cheap."""
        tiers: dict[int, list[Any]] = {}
        for seg in self._ix._segments():
            docs = seg.doc_count_all()
            if docs < SMALL_SEGMENT_DOCS:
                tiers.setdefault(len(str(max(docs, 1))), []).append(seg)
        for tier in sorted(tiers):
            if len(tiers[tier]) >= MERGE_FACTOR:
                return [seg.segment_id() for seg in tiers[tier]]
        return []

    def _maybe_merge(self) -> None:
        if self._closed or not self._merge_tier():
            return
        if self._merge_thread is not None and self._merge_thread.is_alive():
            return
        self._merge_thread = threading.Thread(target=self._merge_in_background, name="search-merge", daemon=True)
        self._merge_thread.start()

    def _merge_in_background(self) -> None:
        # Wait for a pause in the user's edits, so a burst of highlights never waits for a merge.
        while not self._closing.wait(max(0.0, self._last_write + MERGE_IDLE_SECONDS - time.monotonic())):
            if time.monotonic() >= self._last_write + MERGE_IDLE_SECONDS:
                break
        if self._closed:
            return
        try:
            with self._write_lock, self._across_processes(timeout=0) as ours:
                if self._closed or not ours:  # another process is writing: merge another time
                    return
                writer = self._ix.writer(timeout=WRITER_TIMEOUT, **WRITER_OPTIONS, codec=_codec())
                try:
                    writer.commit(mergetype=self._merge_small_segments)
                except BaseException:
                    writer.cancel()
                    raise
                self._refresh()
                if self._pending and not self._closed:
                    self._catch_up_locked(None, None)
        except Exception:  # a failed merge only costs speed; the next one may succeed
            log.exception("merging the search index's small segments failed")

    def _merge_small_segments(self, writer: Any, segments: list[Any]) -> list[Any]:
        """Merge policy: fold one tier of small segments into one, smallest first; stop
        early (keeping what is merged so far) when a catch-up is waiting for the writer."""
        from whoosh.reading import SegmentReader

        wanted = set(self._merge_tier())
        chosen = sorted((s for s in segments if s.segment_id() in wanted), key=lambda s: s.doc_count_all())
        merged = []
        for seg in chosen:
            if merged and (self._want_write or self._closed):
                break
            reader = SegmentReader(writer.storage, writer.schema, seg)
            try:
                writer.add_reader(reader)
            finally:
                reader.close()
            merged.append(seg)
        return [s for s in segments if s not in merged]

