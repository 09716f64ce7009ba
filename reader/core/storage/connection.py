"""The SQLite connection, its transactions, and how a failing database is described.

WAL mode and foreign keys on; every user action runs in one ``transaction()``; reads go
through ``read()`` (or ``query()``), which take the same lock so worker threads can share
the one connection.

Only *operational* failures (disk full, read-only, busy, a damaged file) become a
:class:`StorageError` about the library. A broken constraint is the data's fault, not the
library's: it becomes a :class:`ConstraintError`, so a caller that wrote what a user gave
it (a restore, an import) can blame the file instead.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reader.core.errors import DataDirError, StorageError
from reader.core.storage import changes


class ConstraintError(StorageError):
    """A write broke a constraint (a duplicate id, a missing parent, a CHECK)."""


def utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def describe_error(path: Path, exc: sqlite3.Error) -> StorageError:
    """One sentence for a failing database; constraint errors stay apart (see module doc)."""
    if isinstance(exc, sqlite3.IntegrityError):
        return ConstraintError(f"A change to the library at '{path}' was refused: {exc}.")
    msg = str(exc).lower()
    if "readonly" in msg or "read-only" in msg:
        return DataDirError(f"The library at '{path}' is read-only; nothing was changed.")
    if "disk is full" in msg or "full" in msg:
        return DataDirError(f"The disk holding '{path}' is full; nothing was changed.")
    if "locked" in msg or "busy" in msg:
        return StorageError(f"The library at '{path}' is busy in another program; try again.")
    if "not a database" in msg or "malformed" in msg:
        return StorageError(f"The library at '{path}' is damaged ({exc}).")
    return StorageError(f"The library at '{path}' could not be used: {exc}.")


# What the database itself can do wrong. ProgrammingError and InterfaceError are bugs in
# our SQL: they keep their traceback.
_WRAPPED = (sqlite3.OperationalError, sqlite3.IntegrityError, sqlite3.DataError)


def _wrapped(exc: BaseException) -> bool:
    # A plain DatabaseError is how sqlite3 reports "file is not a database" and "malformed".
    return isinstance(exc, _WRAPPED) or type(exc) is sqlite3.DatabaseError


class Storage:
    """One SQLite connection, guarded by a lock so worker threads can share it."""

    def __init__(self, path: Path, *, backups: Path | None = None, readonly: bool = False):
        from reader.core.storage.schema import migrate

        self.path = path
        self.backups = backups or path.parent / "backups"
        self.readonly = readonly
        self._lock = threading.RLock()
        self._depth = 0
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DataDirError(f"The data folder '{path.parent}' cannot be created: {exc.strerror or exc}.") from None
        try:
            if readonly:
                uri = f"file:{path}?mode=ro"
                self.conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=10)
            else:
                self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            if not readonly:
                self.conn.execute("PRAGMA journal_mode = WAL")
                # NORMAL in WAL is durable against application crashes, which is what we
                # promise; FULL also survives power loss for the last transaction.
                self.conn.execute("PRAGMA synchronous = FULL")
            migrate(self)
        except sqlite3.Error as exc:
            if getattr(self, "conn", None) is not None:
                self.conn.close()
            raise describe_error(path, exc) from None

    # -- lifecycle -------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            if self.conn is not None:
                try:
                    if not self.readonly:
                        self.conn.execute("PRAGMA optimize")
                except sqlite3.Error:
                    pass
                self.conn.close()
                self.conn = None  # type: ignore[assignment]

    @property
    def version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def integrity_check(self) -> str:
        return self.query_one("PRAGMA integrity_check")[0]

    def backup(self, label: str) -> Path:
        self.backups.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.backups / f"library-{stamp}-{label}.sqlite3"
        # Written under another name and renamed when whole: a crash or a full disk
        # mid-copy must not leave a file that looks like a good backup.
        partial = target.with_name(target.name + ".part")
        try:
            dest = sqlite3.connect(partial)
            try:
                with self._lock:
                    self.conn.backup(dest)
            finally:
                dest.close()
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return target

    # -- transactions ----------------------------------------------------------------
    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One user action: all of it is written, or none of it. Nested calls join the outer one."""
        with self._lock:
            if self.conn is None:
                raise StorageError(f"The library at '{self.path}' is closed.")
            if self._depth:
                self._depth += 1
                try:
                    yield self.conn
                finally:
                    self._depth -= 1
                return
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise describe_error(self.path, exc) from None
            self._depth = 1
            try:
                yield self.conn
            except BaseException as exc:
                self._depth = 0
                try:
                    self.conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
                if _wrapped(exc):  # disk full, read-only, busy, a refused constraint: one sentence
                    raise describe_error(self.path, exc) from None  # type: ignore[arg-type]
                raise
            self._depth = 0
            try:
                changes.publish(self.conn)
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                try:
                    self.conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
                raise describe_error(self.path, exc) from None

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """The connection for a few reads, under the lock; database failures become one sentence."""
        with self._lock:
            if self.conn is None:
                raise StorageError(f"The library at '{self.path}' is closed.")
            try:
                yield self.conn
            except sqlite3.Error as exc:
                if _wrapped(exc):
                    raise describe_error(self.path, exc) from None
                raise

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        with self.read() as conn:
            return conn.execute(sql, params).fetchall()

    def query_one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Row | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    # -- what search reads (kept as methods: the index holds a Storage) ------------------
    def current_seq(self) -> int:
        from reader.core.storage import changes

        with self.read() as conn:
            return changes.current_seq(conn)

    def changed_since(self, seq: int, limit: int | None = None) -> list[tuple[int, int]]:
        from reader.core.storage import changes

        with self.read() as conn:
            return changes.changed_since(conn, seq, limit)

    def live_article_ids(self) -> list[int]:
        from reader.core.storage import articles

        with self.read() as conn:
            return articles.live_ids(conn)

    def index_records(self, ids: Sequence[int]) -> list[Any]:
        from reader.core.storage import index_feed

        with self.read() as conn:
            return index_feed.index_records(conn, ids)

    def texts(self, ids: Sequence[int]) -> dict[int, str]:
        from reader.core.storage import index_feed

        with self.read() as conn:
            return index_feed.texts(conn, ids)

    def live_titles_and_texts(self, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        from reader.core.storage import index_feed

        with self.read() as conn:
            return index_feed.live_titles_and_texts(conn, ids)

    def highlights_for_results(self, ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
        from reader.core.storage import index_feed

        with self.read() as conn:
            return index_feed.highlights_for_results(conn, ids)
