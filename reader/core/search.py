"""The Whoosh index over the whole archive: schema, incremental updates, queries, snippets.

SQLite is the truth; this index is derived data that follows it through the change
counter (``articles.change_seq``). The index records the last sequence number it has
seen in ``reader-index.json`` beside its segments, written only after a commit, so a
crash at any point leaves the index behind (caught up at the next start), never ahead.

Speed choices (measured, see shared/notes/search-speed.md and benchmarks/search_bench.py):
the article body is indexed with character offsets and not stored; snippets come from
the postings of the matched terms for the few hits shown, with bodies read from SQLite in
one query; one searcher and one parser live as long as the index; small updates commit a
new small segment without merging and a background thread merges the small segments.
"""

from __future__ import annotations

import gc
import html
import json
import logging
import mmap
import os
import re
import shutil
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from whoosh import fields as wf
from whoosh import index as windex
from whoosh import query as wq
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemmingAnalyzer, Token
from whoosh.highlight import SCORE as FRAGMENT_ORDER_SCORE
from whoosh.highlight import BasicFragmentScorer, PinpointFragmenter, top_fragments

from reader.core import search_query as sq
from reader.core.errors import InvalidSearchQueryError, SearchError
from reader.core.instance import InstanceLock
from reader.core.storage import IndexRecord, Storage

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
Cancel = Callable[[], bool]

# Bump when the schema or the analysis changes: an index of another version is rebuilt.
SCHEMA_VERSION = 1
META_FILE = "reader-index.json"
LOCK_FILE = "MAIN_WRITELOCK"   # Whoosh's writer lock: index name + "_WRITELOCK"
BATCH = 250                     # records read from SQLite at a time while indexing
BULK_THRESHOLD = 2000           # from this many pending articles on, index with the bulk writer
BULK_PROCS = int(os.environ.get("READER_INDEX_PROCS", "0"))  # 0: decide (see _bulk_procs)
WARM_DELAY_SECONDS = 1.0        # after the first search, build the fuzzy vocabulary in the background
MERGE_IDLE_SECONDS = 1.0        # merge only after the writer has been idle this long
MERGE_FACTOR = 8                # this many segments of one size tier: merge them in the background
SMALL_SEGMENT_DOCS = 1000       # bigger segments (bulk catch-ups, rebuilds) are never merged
WRITER_TIMEOUT = 1.0            # wait this long for another process's writer, then skip
PROCESS_LOCK_TIMEOUT = 120.0   # wait this long for another Reader's index work (a bulk import)
SNIPPET_CHARS = 200
SNIPPET_SURROUND = 50
MATCH_FIELDS = ("title", "author", "site", "text", "highlight", "note", "tag", "url")
# Terms of these fields are looked up in the body to place the snippet (a highlight's
# words are in the body too); notes and tags are not.
SNIPPET_FIELDS = ("text", "highlight")


def make_schema() -> wf.Schema:
    stem = StemmingAnalyzer()                     # unicode \w words, lowercased, English stems
    words = RegexTokenizer(r"\w+") | LowercaseFilter()  # names, sites, URLs, tags: split at dots too
    return wf.Schema(
        id=wf.ID(stored=True, unique=True),
        title=wf.TEXT(analyzer=stem),
        author=wf.TEXT(analyzer=words),
        site=wf.TEXT(analyzer=words),
        url=wf.TEXT(analyzer=words),
        # Character offsets in the postings make snippets without re-reading the body;
        # the body itself stays in SQLite.
        text=wf.TEXT(analyzer=stem, chars=True),
        highlight=wf.TEXT(analyzer=stem),
        note=wf.TEXT(analyzer=stem),
        tag=wf.TEXT(analyzer=words),
        added=wf.DATETIME(),
        published=wf.DATETIME(),
    )


@dataclass
class SearchResult:
    article_id: int
    title: str
    score: float
    snippet: str                      # HTML-escaped passage with <b>…</b> around matched words
    snippet_plain: str                # the same passage as plain text (line breaks as spaces)
    marks: list[tuple[int, int]]      # matched words, as offsets into snippet_plain
    start: int                        # the passage is text[start:end] of the canonical text
    end: int
    matched_in: list[str] = field(default_factory=list)

    @property
    def match_offsets(self) -> list[tuple[int, int]]:
        """The matched words as offsets into the article's canonical text."""
        return [(self.start + a, self.start + b) for a, b in self.marks]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.article_id, "title": self.title, "score": round(self.score, 4),
            "snippet": self.snippet, "snippet_plain": self.snippet_plain, "marks": [list(m) for m in self.marks],
            "start": self.start, "end": self.end, "matched_in": list(self.matched_in),
        }


class SearchResults(list):
    """The ranked results, with ``total`` matches (exact when fewer than the limit, else an
    estimate) and a ``suggestion`` when nothing matched."""

    def __init__(self, items: Iterable[SearchResult] = (), total: int = 0, suggestion: str | None = None):
        super().__init__(items)
        self.total = total
        self.suggestion = suggestion


def _parse_date(value: str | None, *, to_local: bool) -> datetime | None:
    if not value:
        return None
    value = value.strip()
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        m = re.match(r"^(\d{4})(?:-(\d{1,2}))?", value)
        if not m:
            return None
        try:
            dt = datetime(int(m.group(1)), int(m.group(2) or 1), 1)
        except ValueError:
            return None
    if dt.tzinfo is not None:
        # "added:today" means the user's today; a published date keeps its own wall time.
        dt = dt.astimezone() if to_local else dt
        dt = dt.replace(tzinfo=None)
    return dt


def record_to_doc(rec: IndexRecord) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": str(rec.id), "text": rec.text or ""}
    for name, value in (("title", rec.title), ("author", rec.author), ("site", rec.site), ("url", rec.url)):
        if value:
            doc[name] = value
    if rec.highlights:
        doc["highlight"] = "\n".join(rec.highlights)
    notes = tuple(rec.notes) + tuple(rec.highlight_notes)
    if notes:
        doc["note"] = "\n".join(notes)
    tags = tuple(rec.tags) + tuple(rec.highlight_tags)
    if tags:
        doc["tag"] = "\n".join(tags)
    added = _parse_date(rec.added, to_local=True)
    if added:
        doc["added"] = added
    published = _parse_date(rec.published, to_local=False)
    if published:
        doc["published"] = published
    return doc


# Separate files per segment, not one compound file: Whoosh opens a compound file's parts
# by copying them into memory (BytesIO over the mmap), ~25 ms per reopen of a 10,000-article
# segment, which every update and every start would pay.
WRITER_OPTIONS = {"compound": False}


def _storage(directory: Path) -> Any:
    """Whoosh's file storage, reading each segment file through a memory map."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.filedb.structfile import StructFile

    class MappedFileStorage(FileStorage):
        # Whoosh reads terms and postings by seek + read on a buffered file, a system call
        # at almost every lookup; a map makes them memory reads (prefix expansion 2x faster).
        def open_file(self, name: str, **kwargs: Any) -> Any:
            with open(self._fpath(name), "rb") as fh:
                if os.fstat(fh.fileno()).st_size == 0:
                    return super().open_file(name, **kwargs)
                mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
            return StructFile(mapped, name=name, **kwargs)

    return MappedFileStorage(str(directory))


def _codec() -> Any:
    """Whoosh's codec with zlib level 1 on posting blocks: as small as the default level 3
    (measured on generated articles) for less time per block."""
    from whoosh.codec.whoosh3 import W3Codec

    return W3Codec(compression=1)


def _drop_empty_segments(writer: Any, segments: list[Any]) -> list[Any]:
    """Merge policy for every commit: no merging, but segments whose documents were all
    replaced or deleted leave the index (cheap, and searches skip them)."""
    return [s for s in segments if s.doc_count() > 0]


class SearchIndex:
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
        self._vocab: dict[tuple[str, str], dict[str, list[str]]] = {}
        self._filters: dict[tuple[int, str], frozenset[int]] = {}
        self._parsers = sq.Parsers(self.schema)
        self._stem = self.schema["text"].analyzer
        # The window and CLI commands may use one index at once: every write, repair and
        # rebuild holds this lock (beside the index folder, which a rebuild replaces).
        self._process_lock = InstanceLock(self.dir.with_name(self.dir.name + ".lock"))
        self._dir_id: tuple[int, int] | None = None
        with self._write_lock, self._across_processes():
            self._open()
            self._dir_id = self._directory_id()

    # -- other processes -------------------------------------------------------------------
    @contextmanager
    def _across_processes(self, timeout: float = PROCESS_LOCK_TIMEOUT) -> Iterator[bool]:
        """Hold the index's inter-process lock (yields False when ``timeout`` ran out and
        ``timeout`` was 0, i.e. the caller may skip its work); then catch up with what other
        processes wrote, so this one never writes from, or repairs, a stale view."""
        if self._process_lock.held:  # nested (rebuild -> catch-up): the outer call holds it
            yield True
            return
        if not self._process_lock.acquire(timeout=timeout):
            if timeout == 0:
                yield False
                return
            holder = self._process_lock.held_by()
            raise SearchError(
                f"The search index at '{self.dir}' is busy in another Reader"
                f"{f' (pid {holder})' if holder else ''}; try again when it is done."
            )
        try:
            self._follow_other_processes()
            yield True
        finally:
            self._process_lock.release()

    def _directory_id(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.dir)
        except OSError:
            return None
        return st.st_dev, st.st_ino

    def _follow_other_processes(self) -> None:
        """Reopen after another process rebuilt the index (a new folder), or refresh the
        searcher after it committed, so deletes find their documents and nothing is added twice."""
        if self._ix is None or self._closed:
            return
        if self._directory_id() != self._dir_id:
            with self._read_lock:
                self._close_searcher()
                self._ix = _storage(self.dir).open_index()
                self._searcher = self._ix.searcher()
                self._vocab.clear()
                self._filters.clear()
            self._dir_id = self._directory_id()
        elif self._ix.latest_generation() != getattr(self._searcher.reader(), "generation", lambda: None)():
            self._refresh()
        meta = self._read_meta()
        if meta and meta.get("schema") == SCHEMA_VERSION:
            self._last_seq = max(self._last_seq, int(meta.get("last_seq", 0)))

    # -- opening and repair ----------------------------------------------------------------
    def _open(self) -> None:
        reason = self._problem()
        if reason is None:
            problem = self._try_open()
            if problem is not None:
                log.warning("search index at %s is damaged (%s); rebuilding", self.dir, problem)
                reason = "corrupt"
        if reason is not None:
            self._reset(reason)
        self._clear_stale_lock()

    def _try_open(self) -> str | None:
        """Open the index and read a little of every segment; the error, if that fails."""
        with warnings.catch_warnings():
            # Whoosh leaves the file of a segment it cannot read open; it is closed right here.
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                self._ix = _storage(self.dir).open_index()
                self._searcher = self._ix.searcher()
                self._verify(self._searcher)
                return None
            except Exception as exc:  # any failure to read it back means it is damaged
                problem = f"{type(exc).__name__}: {exc}"
            self._close_searcher()
            gc.collect()
        return problem

    def _problem(self) -> str | None:
        """Why the index on disk cannot be used as it is, or None."""
        if not self.dir.is_dir() or not windex.exists_in(str(self.dir)):
            return "missing" if not self.dir.exists() or not any(self.dir.iterdir()) else "corrupt"
        meta = self._read_meta()
        if meta is None:
            return "corrupt"
        if meta.get("schema") != SCHEMA_VERSION:
            return "older schema"
        seq = int(meta.get("last_seq", 0))
        if seq > self.storage.current_seq():
            return "from another library"  # e.g. the database was restored from a backup
        self._last_seq = seq
        return None

    def _read_meta(self) -> dict[str, Any] | None:
        try:
            data = json.loads((self.dir / META_FILE).read_text("utf-8"))
            return data if isinstance(data, dict) else None
        except (OSError, ValueError):
            return None

    def _write_meta(self, last_seq: int, directory: Path | None = None) -> None:
        target = (directory or self.dir) / META_FILE
        tmp = target.with_suffix(".tmp")
        tmp.write_text(json.dumps({"schema": SCHEMA_VERSION, "last_seq": last_seq}), "utf-8")
        os.replace(tmp, target)
        if directory is None or directory == self.dir:
            self._last_seq = last_seq

    @staticmethod
    def _verify(searcher: Any) -> None:
        """Touch every segment's files so a truncated or missing one shows now, not mid-search."""
        reader = searcher.reader()
        for sub, _offset in reader.leaf_readers():
            n = sub.doc_count_all()
            if n:
                sub.stored_fields(n - 1)
            for name in ("title", "text"):
                for i, term in enumerate(sub.lexicon(name)):
                    sub.doc_frequency(name, term)
                    postings = sub.postings(name, term)
                    # A term whose documents were all replaced has no live postings: not damage.
                    if postings.is_active():
                        postings.id()
                        if name == "text":
                            postings.value_as("characters")
                    if i:
                        break

    def _reset(self, reason: str) -> None:
        """Start an empty index (catch_up then fills it from SQLite); keep a damaged one aside."""
        self._close_searcher()
        if self.dir.exists():
            if reason == "corrupt":
                aside = self.dir.with_name(self.dir.name + ".broken")
                shutil.rmtree(aside, ignore_errors=True)
                try:
                    os.replace(self.dir, aside)
                except OSError:
                    shutil.rmtree(self.dir, ignore_errors=True)
            else:
                shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True, exist_ok=True)
        self._ix = _storage(self.dir).create_index(self.schema)
        self._write_meta(0)
        self._searcher = self._ix.searcher()
        self._vocab.clear()
        self._filters.clear()
        if reason != "missing":
            log.warning("search index at %s was %s; rebuilding it from the library", self.dir, reason)
        self.repaired = reason

    def _clear_stale_lock(self) -> None:
        """Note a writer lock left by a process that died.

        Whoosh locks with flock (fcntl) on POSIX and msvcrt on Windows: the OS releases the
        lock when its process ends, so a left-over lock file blocks nothing and is reused by
        the next writer. Deleting it would only open a race with a live writer; a lock held by
        a live process (another Reader) makes catch_up wait WRITER_TIMEOUT and try later.
        """
        if not (self.dir / LOCK_FILE).exists():
            return
        lock = self._ix.lock("WRITELOCK")
        try:
            if lock.acquire(False):
                lock.release()
                log.info("search index lock at %s was left by a process that ended; it is free", self.dir)
            else:
                log.info("search index at %s is being written by another process", self.dir)
        except OSError:
            pass

    # -- state -----------------------------------------------------------------------------
    @property
    def last_seq(self) -> int:
        return self._last_seq

    def doc_count(self) -> int:
        with self._read_lock:
            return self._searcher.doc_count()

    def pending(self) -> int:
        """How many articles changed since the index last caught up."""
        return len(self.storage.changed_since(self._last_seq))

    def close(self) -> None:
        self._closed = True
        self._closing.set()
        for thread in (self._merge_thread, self._warm_thread):
            if thread is not None:
                thread.join()
        with self._write_lock, self._read_lock:
            self._close_searcher()
            self._ix = None

    def _close_searcher(self) -> None:
        with self._read_lock:
            if self._searcher is not None:
                try:
                    self._searcher.close()
                except Exception:
                    pass
                self._searcher = None

    def _refresh(self) -> None:
        with self._read_lock:
            old = self._searcher
            self._searcher = self._open_searcher(old)
            self._filters.clear()
            live = {sub.segment().segment_id() for sub, _ in self._searcher.reader().leaf_readers()
                    if getattr(sub, "segment", lambda: None)() is not None}
            for key in [k for k in self._vocab if k[0] not in live]:
                del self._vocab[key]

    def _open_searcher(self, old: Any) -> Any:
        """A searcher on the latest commit that keeps the old searcher's readers of unchanged
        segments: reopening a big segment costs tens of milliseconds at every update.

        Not Searcher.refresh(): Whoosh 2.7.5 reuses a segment's reader even after the segment
        gained deletions, and adds back segments a merge removed, so articles show twice.
        """
        from whoosh.reading import EmptyReader, MultiReader, SegmentReader
        from whoosh.searching import Searcher

        toc = self._ix._read_toc()
        reusable: dict[tuple[str, int], Any] = {}
        if old is not None:
            for sub, _ in old.reader().leaf_readers():
                seg = getattr(sub, "segment", lambda: None)()
                if seg is not None and not sub.is_closed:
                    # Deletions only grow, so an equal count means the same deleted set.
                    reusable[(seg.segment_id(), seg.deleted_count())] = sub
        readers, opened = [], []
        try:
            for seg in toc.segments:
                reader = reusable.pop((seg.segment_id(), seg.deleted_count()), None)
                if reader is None:
                    reader = SegmentReader(self._ix.storage, toc.schema, seg, generation=toc.generation)
                    opened.append(reader)
                readers.append(reader)
        except BaseException:
            # Close only what was opened here: the reused readers still serve the old searcher,
            # which stays in use (the next search tries the reopen again).
            for reader in opened:
                _close_quietly(reader)
            raise
        for reader in reusable.values():  # segments merged away or with new deletions
            _close_quietly(reader)
        # The old searcher is never closed here: its readers were either reused or closed
        # just above, and closing them twice raises ReaderClosed.
        if not readers:
            combined: Any = EmptyReader(toc.schema)
        elif len(readers) == 1:
            combined = readers[0]
        else:
            combined = MultiReader(readers, generation=toc.generation)
        # The old searcher is dropped, not closed: closing it would close the readers reused here.
        return Searcher(combined, fromindex=self._ix)

    # -- writing ---------------------------------------------------------------------------
    def catch_up(self, progress: Progress | None = None, cancel: Cancel | None = None) -> int:
        """Index every article changed since the last catch-up; returns how many were (re)indexed.

        When another thread is writing already, returns 0 at once: that thread catches up
        this change too before it lets go of the writer.
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
            with self._across_processes():
                return self._catch_up_locked(progress, cancel)
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
        try:
            writer = self._writer(bulk=len(items) >= BULK_THRESHOLD)
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

    def _writer(self, bulk: bool, ix: Any = None) -> Any:
        ix = ix or self._ix
        procs = self._bulk_procs() if bulk else 1
        options = {"timeout": WRITER_TIMEOUT, "codec": _codec(), **WRITER_OPTIONS}
        if procs > 1:
            return ix.writer(procs=procs, multisegment=True, limitmb=256, **options)
        return ix.writer(limitmb=256 if bulk else 32, **options)

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

    # -- searching -------------------------------------------------------------------------
    def search(self, query: str, limit: int = 20) -> SearchResults:
        """Ranked results for ``query`` in Whoosh's query language (see search_query)."""
        text = sq.clean_query_text(query)
        if not text:
            raise InvalidSearchQueryError("The search query is empty.")
        limit = max(1, int(limit))
        self._warm_vocab_later()
        try:
            return self._search(text, limit, suggest=True)
        except InvalidSearchQueryError:
            raise
        except Exception as exc:  # Whoosh and the OS report a damaged index in many ways
            if not self._damaged():
                raise SearchError(f"The search for '{sq.shown(text)}' failed: {exc}.") from exc
        # The index broke under us (a truncated file): rebuild it from SQLite, then answer.
        with self._write_lock:
            self._reset("corrupt")
            self._catch_up_locked(None, None)
        return self._search(text, limit, suggest=True)

    def _damaged(self) -> bool:
        try:
            with self._read_lock:
                self._verify(self._searcher)
            return False
        except Exception:
            return True

    def _refresh_if_newer(self) -> None:
        """See what was committed since the searcher opened (by this process after a failed
        reopen, or by another process such as the background indexer), without any lock."""
        with self._read_lock:
            if self._ix is None or self._closed:
                return
            try:
                latest = self._ix.latest_generation()
                current = getattr(self._searcher.reader(), "generation", lambda: None)()
                if latest != current:
                    self._refresh()
            except Exception:  # a commit half-seen (files replaced meanwhile): the old view answers
                log.debug("reopening the search index failed; searching the previous commit", exc_info=True)

    def _search(self, text: str, limit: int, suggest: bool) -> SearchResults:
        self._refresh_if_newer()
        with self._read_lock:
            searcher = self._searcher
            q = sq.parse(self._parsers, text)
            q, date_queries = sq.split_date_filters(q)
            if not date_queries and not sq.has_words(q):
                raise InvalidSearchQueryError(f"The search query '{sq.shown(text)}' has no words to search for.")
            sq.check_expansions(q, text)
            reader = searcher.reader()
            q = sq.QueryRewriter(reader, self._fuzzy_vocab, self._analyze).rewrite(q)
            q = sq.use_tree_unions(q.normalize())
            docfilter = self._date_filter(searcher, date_queries) if date_queries else None
            if docfilter is not None and not docfilter:
                return SearchResults([], total=0)
            hits = self._run(searcher, q, limit, set(docfilter) if docfilter is not None else None)
            results = self._results(searcher, q, hits)
            if not results and suggest and not date_queries:
                results.suggestion = self._suggest(searcher, text, q, limit)
            return results

    @staticmethod
    def _run(searcher: Any, q: wq.Query, limit: int, docfilter: Any) -> tuple[list[tuple[int, float]], int]:
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return [], 0
        r = searcher.search(q, limit=limit, filter=docfilter)
        hits = [(docnum, score or 0.0) for score, docnum in r.top_n]
        # Counting every match of a common word costs as much as the search: estimate it then.
        total = r.scored_length() if r.scored_length() < limit else max(r.estimated_length(), limit)
        return hits, total

    def _date_filter(self, searcher: Any, date_queries: list[wq.Query]) -> frozenset[int]:
        """Doc numbers passing every date condition, cached until the index changes.

        Ranges are widened to whole days first ("now" moves every second, a day does not),
        so a range typed again, or the same range with other words, is a cache hit."""
        result: frozenset[int] | None = None
        for dq in date_queries:
            dq = _whole_days(dq)
            key = (id(searcher), repr(dq))
            docs = self._filters.get(key)
            if docs is None:
                docs = frozenset(searcher.docs_for_query(dq))
                if len(self._filters) > 64:
                    self._filters.clear()
                self._filters[key] = docs
            result = docs if result is None else result & docs
        return result if result is not None else frozenset()

    def _analyze(self, field_name: str, word: str) -> str | None:
        if field_name not in self.schema:
            return None
        for tok in self.schema[field_name].analyzer(word, mode="query", removestops=False):
            return tok.text
        return None

    def _fuzzy_vocab(self, reader: Any, field_name: str) -> list[dict[str, list[str]]]:
        """Each segment's terms of ``field_name`` by first letter, built once per segment."""
        out = []
        for sub, _offset in reader.leaf_readers():
            segment = getattr(sub, "segment", lambda: None)()
            if segment is None:  # the empty index's reader: no terms
                continue
            key = (segment.segment_id(), field_name)
            buckets = self._vocab.get(key)
            if buckets is None:
                buckets = self._vocab[key] = _bucket_terms(sub, field_name)
            out.append(buckets)
        return out

    def _warm_vocab_later(self) -> None:
        """Build the body's vocabulary (fuzzy words, did-you-mean) in the background once the
        index is in use, so the first misspelt query does not pay ~0.5 s for it."""
        if self._warm_thread is not None or self._closed:
            return
        self._warm_thread = threading.Thread(target=self._warm_vocab, name="search-vocab", daemon=True)
        self._warm_thread.start()

    def _warm_vocab(self) -> None:
        from whoosh.reading import SegmentReader

        if self._closing.wait(WARM_DELAY_SECONDS):
            return
        try:
            for segment in self._ix._segments():
                key = (segment.segment_id(), "text")
                if self._closed or key in self._vocab or segment.doc_count_all() < 1:
                    continue
                # Its own reader: the searcher's may be closed by a refresh meanwhile.
                reader = SegmentReader(self._ix.storage, self.schema, segment)
                try:
                    self._vocab.setdefault(key, _bucket_terms(reader, "text"))
                finally:
                    reader.close()
        except Exception:  # a segment merged away meanwhile: it is built on first use instead
            log.debug("warming the search vocabulary stopped", exc_info=True)

    # -- results and snippets --------------------------------------------------------------
    def _results(self, searcher: Any, q: wq.Query, run: tuple[list[tuple[int, float]], int]) -> SearchResults:
        hits, total = run
        if not hits:
            return SearchResults([], total=0)
        reader = searcher.reader()
        ids = {docnum: int(searcher.stored_fields(docnum)["id"]) for docnum, _ in hits}
        rows = {
            r[0]: (r[1], r[2])
            for r in self.storage.query(
                f"SELECT id, title, text FROM articles WHERE deleted_at IS NULL AND id IN ({','.join('?' * len(ids))})",
                list(ids.values()),
            )
        }
        docnums = sorted(d for d in ids if ids[d] in rows)
        matched, spans = self._matches(reader, q, docnums)
        out = []
        for docnum, score in hits:
            aid = ids[docnum]
            if aid not in rows:  # deleted in SQLite, not yet in the index
                total -= 1
                continue
            title, body = rows[aid]
            snippet, plain, marks, start, end = make_snippet(body, spans.get(docnum, []))
            fields_hit = [f for f in MATCH_FIELDS if f in matched.get(docnum, ())]
            out.append(SearchResult(aid, title, float(score), snippet, plain, marks, start, end, fields_hit))
        return SearchResults(out, total=max(total, len(out)))

    def _matches(
        self, reader: Any, q: wq.Query, docnums: list[int]
    ) -> tuple[dict[int, set[str]], dict[int, list[Token]]]:
        """Which fields each hit matched in, and the matched tokens in its body (from the postings)."""
        matched: dict[int, set[str]] = {d: set() for d in docnums}
        spans: dict[int, list[Token]] = {d: [] for d in docnums}
        if not docnums:
            return matched, spans
        seen: set[tuple[str, Any]] = set()
        for fname, term in q.iter_all_terms():
            if fname not in MATCH_FIELDS or not isinstance(term, str) or (fname, term) in seen:
                continue
            seen.add((fname, term))
            lookups = [(fname, fname)]
            if fname in SNIPPET_FIELDS and fname != "text":
                lookups.append(("text", None))  # place the snippet on the highlighted words in the body
            for look_field, report in lookups:
                tbytes = term.encode("utf-8")
                try:
                    if (look_field, tbytes) not in reader:
                        continue
                    postings = reader.postings(look_field, tbytes)
                except Exception:
                    continue
                want_chars = look_field == "text" and (report == "text" or report is None)
                for d in docnums:
                    if not postings.is_active():
                        break
                    if postings.id() < d:
                        postings.skip_to(d)
                        if not postings.is_active():
                            break
                    if postings.id() != d:
                        continue
                    if report:
                        matched[d].add(report)
                    if want_chars:
                        for _pos, s, e in postings.value_as("characters"):
                            spans[d].append(Token(text=term, startchar=s, endchar=e, boost=1.0, matched=True))
        return matched, spans

    # -- did you mean ------------------------------------------------------------------------
    def _suggest(self, searcher: Any, text: str, q: wq.Query, limit: int) -> str | None:
        """A close spelling of the query's unknown words that finds something, or None."""
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        reader = searcher.reader()
        words = list(sq._WORDS.finditer(text))
        if not words or len(words) > 8:
            return None
        replacements: dict[int, str] = {}  # word index -> replacement stem
        for i, m in enumerate(words):
            word = m.group(0)
            if word in ("AND", "OR", "NOT", "TO") or text[m.end():m.end() + 1] == ":":
                continue
            stem = self._analyze("text", word)
            if not stem or any((f, stem.encode("utf-8")) in reader for f in ("text", "title")):
                continue
            best: tuple[int, int, str] | None = None
            for buckets in self._fuzzy_vocab(reader, "text"):
                for cand, dist, _ in process.extract(
                    stem, buckets.get(stem[0], []), scorer=OSA.distance, score_cutoff=2, limit=10
                ):
                    freq = reader.doc_frequency("text", cand)
                    key = (dist, -freq, cand)
                    if best is None or key < best:
                        best = key
            if best is not None:
                replacements[i] = best[2]
        if not replacements:
            return None
        corrected = []
        for i, m in enumerate(words):
            corrected.append(replacements.get(i, m.group(0)))
        corrected_text = " ".join(corrected)
        try:
            cq = sq.use_tree_unions(self._parsers.plain.parse(corrected_text).normalize())
            hits, _ = self._run(searcher, cq, 1, None)
        except Exception:
            return None
        if not hits:
            return None
        # Show the words as they are written in a matching article, not as stems.
        docnum = hits[0][0]
        aid = int(searcher.stored_fields(docnum)["id"])
        body = self.storage.texts([aid]).get(aid, "")
        _, spans = self._matches(reader, cq, [docnum])
        surface = {tok.text: body[tok.startchar:tok.endchar].lower() for tok in spans.get(docnum, [])}
        out, pos = [], 0
        for i, m in enumerate(words):
            if i in replacements:
                stem = self._analyze("text", replacements[i]) or replacements[i]
                out.append(text[pos:m.start()])
                out.append(surface.get(stem, replacements[i]))
                pos = m.end()
        out.append(text[pos:])
        suggestion = "".join(out)
        return suggestion if suggestion != text else None


def _close_quietly(reader: Any) -> None:
    if not getattr(reader, "is_closed", False):
        try:
            reader.close()
        except Exception:  # closing is best effort: a reader of a vanished file
            log.debug("closing a search reader failed", exc_info=True)


def _bucket_terms(reader: Any, field_name: str) -> dict[str, list[str]]:
    buckets: dict[str, list[str]] = {}
    try:
        for term in reader.lexicon(field_name):
            word = term.decode("utf-8")
            buckets.setdefault(word[0], []).append(word)
    except Exception:  # not a text field
        pass
    return buckets


def _whole_days(q: wq.Query) -> wq.Query:
    if isinstance(q, wq.DateRange):
        start = q.startdate.replace(hour=0, minute=0, second=0, microsecond=0) if q.startdate else None
        end = q.enddate.replace(hour=23, minute=59, second=59, microsecond=999999) if q.enddate else None
        return wq.DateRange(q.fieldname, start, end, q.startexcl, q.endexcl, boost=q.boost)
    if q.is_leaf():
        return q
    return q.apply(_whole_days)


Snippet = tuple[str, str, list[tuple[int, int]], int, int]  # html, plain, marks, start, end


def make_snippet(text: str, tokens: list[Token]) -> Snippet:
    """(html, plain, marks, start, end) for the best passage of ``text`` around ``tokens``."""
    if tokens:
        uniq: dict[tuple[int, int], Token] = {}
        for t in tokens:
            uniq.setdefault((t.startchar, t.endchar), t)
        ordered = [uniq[k] for k in sorted(uniq)]
        fragmenter = PinpointFragmenter(maxchars=SNIPPET_CHARS, surround=SNIPPET_SURROUND, autotrim=True)
        best = top_fragments(fragmenter.fragment_matches(text, ordered), 1, BasicFragmentScorer(),
                             FRAGMENT_ORDER_SCORE, minscore=0)
        if best:
            frag = best[0]
            start, end = frag.startchar, frag.endchar
            marks = [(t.startchar - start, t.endchar - start) for t in frag.matches
                     if start <= t.startchar and t.endchar <= end]
            return _render(text, start, end, marks)
    end = len(text)
    if end > SNIPPET_CHARS:
        cut = text.rfind(" ", 0, SNIPPET_CHARS)
        end = cut if cut > SNIPPET_CHARS // 2 else SNIPPET_CHARS
    return _render(text, 0, end, [])


def _render(text: str, start: int, end: int, marks: list[tuple[int, int]]) -> Snippet:
    plain = text[start:end].replace("\n", " ")  # same length: marks stay valid
    parts, pos = [], 0
    clean: list[tuple[int, int]] = []
    for a, b in sorted(marks):
        if a < pos:  # overlapping marks: keep the first
            continue
        parts.append(html.escape(plain[pos:a]))
        parts.append("<b>" + html.escape(plain[a:b]) + "</b>")
        clean.append((a, b))
        pos = b
    parts.append(html.escape(plain[pos:]))
    return "".join(parts), plain, clean, start, end


__all__ = ["SearchIndex", "SearchResult", "SearchResults", "SCHEMA_VERSION", "make_schema", "make_snippet"]
