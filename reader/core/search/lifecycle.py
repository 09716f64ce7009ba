"""Opening the index, noticing damage and repairing it, following other processes'
commits, and swapping the searcher after each commit."""

from __future__ import annotations

import gc
import json
import logging
import mmap
import os
import shutil
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import index as windex

from reader.core.errors import SearchError
from reader.core.search.status import META_FILE, SCHEMA_VERSION, read_last_seq

log = logging.getLogger(__name__)

LOCK_FILE = "MAIN_WRITELOCK"   # Whoosh's writer lock: index name + "_WRITELOCK"
PROCESS_LOCK_TIMEOUT = 120.0   # wait this long for another Reader's index work (a bulk import)

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
    """Whoosh's codec with positions apart from doc numbers in each block (see codec.py),
    and zlib level 1: as small as the default level 3 (measured on generated articles) for
    less time per block."""
    from reader.core.search.codec import SplitCodec

    return SplitCodec(compression=1)



class IndexLifecycle:
    """Opening, repair and the searcher's life (mixed into SearchIndex)."""

    # Set by SearchIndex.__init__.
    dir: Path
    storage: Any
    schema: Any

    # -- other processes -------------------------------------------------------------------
    @contextmanager
    def _across_processes(self, timeout: float = PROCESS_LOCK_TIMEOUT, busy_ok: bool = False) -> Iterator[bool]:
        """Hold the index's inter-process lock (yields False when ``timeout`` ran out and
        ``timeout`` was 0 or ``busy_ok``, i.e. the caller may skip its work); then catch up with
        what other processes wrote, so this one never writes from, or repairs, a stale view."""
        if self._process_lock.held:  # nested (rebuild -> catch-up): the outer call holds it
            yield True
            return
        if not self._process_lock.acquire(timeout=timeout):
            if timeout == 0 or busy_ok:
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
                self._lengths.clear()
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
            self._ix = None
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
        self._lengths.clear()
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

    def behind(self) -> bool:
        """True when SQLite has changes the index (in any process) has not seen."""
        if self.storage.current_seq() <= self._last_seq:
            return False
        self._last_seq = max(self._last_seq, read_last_seq(self.dir))
        return self.storage.current_seq() > self._last_seq

    def pending(self) -> int:
        """How many articles changed since the index last caught up (in any process)."""
        self._last_seq = max(self._last_seq, read_last_seq(self.dir))
        return len(self.storage.changed_since(self._last_seq))

    def _open_as_is(self) -> bool:
        """Open an index that needs no repair without any lock (reading never waits for a
        writer, nor needs a writable folder); False when it needs the repairing open."""
        try:
            if self._problem() is not None:
                return False
        except Exception:  # the library itself cannot be read: the locked open says why
            return False
        return self._try_open() is None

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
            for key in [k for k in self._lengths if k[0] not in live]:
                del self._lengths[key]

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



def _close_quietly(reader: Any) -> None:
    if not getattr(reader, "is_closed", False):
        try:
            reader.close()
        except Exception:  # closing is best effort: a reader of a vanished file
            log.debug("closing a search reader failed", exc_info=True)

