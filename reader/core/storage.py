"""SQLite storage: the schema, numbered migrations, transactions. The source of truth.

WAL mode and foreign keys on; every user action runs in one ``transaction()``. The
schema version lives in ``PRAGMA user_version``; before a migration runs on an existing
database, a backup copy is written to ``backups/``.

Every change that search must see bumps a library-wide change counter (``meta``) and
stamps the article with it (``articles.change_seq``); the index records the last number
it has seen, so catching up after a crash is "index everything newer than that".
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reader.core.errors import DataDirError, StorageError

# Each entry migrates from version i to i+1 (index 0: empty database -> 1).
MIGRATIONS: list[str] = [
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
    INSERT INTO meta (key, value) VALUES ('change_seq', 0);

    CREATE TABLE articles (
        id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: undo and the index rely on it
        title TEXT NOT NULL,
        author TEXT,
        site TEXT,
        url TEXT,
        source_path TEXT,
        source_key TEXT,                        -- resolved path or URL: re-adding updates
        format TEXT NOT NULL,
        published TEXT,                         -- ISO 8601, as the article states it
        added TEXT NOT NULL,                    -- ISO 8601 UTC
        updated TEXT NOT NULL,
        reading_position INTEGER NOT NULL DEFAULT 0,
        reading_state TEXT NOT NULL DEFAULT 'unread'
            CHECK (reading_state IN ('unread', 'reading', 'done')),
        content_hash TEXT NOT NULL,
        document TEXT NOT NULL,                 -- Document.to_json()
        text TEXT NOT NULL,                     -- the canonical text, for snippets and export
        word_count INTEGER NOT NULL DEFAULT 0,
        change_seq INTEGER NOT NULL DEFAULT 0,
        deleted_at TEXT                         -- soft delete: undo within the session
    );
    CREATE UNIQUE INDEX articles_source_key ON articles(source_key)
        WHERE source_key IS NOT NULL AND deleted_at IS NULL;
    CREATE INDEX articles_change_seq ON articles(change_seq);
    CREATE INDEX articles_added ON articles(added);

    CREATE TABLE highlights (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        start INTEGER,                          -- NULL while orphaned
        end INTEGER,
        exact TEXT NOT NULL,
        prefix TEXT NOT NULL DEFAULT '',
        suffix TEXT NOT NULL DEFAULT '',
        color TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        CHECK ((start IS NULL AND end IS NULL) OR (0 <= start AND start < end))
    );
    CREATE INDEX highlights_article ON highlights(article_id, start);

    CREATE TABLE notes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        body TEXT NOT NULL,
        created TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE INDEX notes_article ON notes(article_id);

    CREATE TABLE tags (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        key TEXT NOT NULL UNIQUE                -- casefolded name: tags are case-insensitive
    );
    CREATE TABLE article_tags (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
        PRIMARY KEY (article_id, tag_id)
    ) WITHOUT ROWID;
    CREATE INDEX article_tags_tag ON article_tags(tag_id);
    CREATE TABLE highlight_tags (
        highlight_id INTEGER NOT NULL REFERENCES highlights(id) ON DELETE CASCADE,
        tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
        PRIMARY KEY (highlight_id, tag_id)
    ) WITHOUT ROWID;
    CREATE INDEX highlight_tags_tag ON highlight_tags(tag_id);

    -- Articles purged for good, so an index that missed the delete can catch up.
    CREATE TABLE tombstones (
        article_id INTEGER PRIMARY KEY,
        change_seq INTEGER NOT NULL
    );
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


def utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class IndexRecord:
    """Everything search needs to know about one article (None fields when deleted)."""

    id: int
    change_seq: int
    deleted: bool
    title: str = ""
    author: str | None = None
    site: str | None = None
    url: str | None = None
    text: str = ""
    published: str | None = None
    added: str | None = None
    tags: tuple[str, ...] = ()
    highlights: tuple[str, ...] = ()
    highlight_starts: tuple[int | None, ...] = ()  # where each highlight starts (None: orphan)
    highlight_notes: tuple[str, ...] = ()
    highlight_tags: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def _describe_operational_error(path: Path, exc: sqlite3.Error) -> StorageError:
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


class Storage:
    """One SQLite connection, guarded by a lock so worker threads can share it."""

    def __init__(self, path: Path, *, backups: Path | None = None, readonly: bool = False):
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
            self._migrate()
        except sqlite3.Error as exc:
            if getattr(self, "conn", None) is not None:
                self.conn.close()
            raise _describe_operational_error(path, exc) from None

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

    def _migrate(self) -> None:
        current = self.version
        if current > SCHEMA_VERSION:
            raise StorageError(
                f"The library at '{self.path}' was written by a newer Reader (schema {current}); "
                f"this one knows schema {SCHEMA_VERSION}."
            )
        if current == SCHEMA_VERSION:
            return
        if self.readonly:
            raise StorageError(f"The library at '{self.path}' needs an upgrade, which a read-only open cannot do.")
        if current > 0:
            self.backup(f"before-v{current + 1}")
        for version in range(current, SCHEMA_VERSION):
            # executescript commits first, so the migration runs as one explicit transaction.
            self.conn.executescript(
                "BEGIN IMMEDIATE;\n" + MIGRATIONS[version] + f"\nPRAGMA user_version = {version + 1};\nCOMMIT;"
            )

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
                raise _describe_operational_error(self.path, exc) from None
            self._depth = 1
            try:
                yield self.conn
            except BaseException as exc:
                self._depth = 0
                try:
                    self.conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
                if isinstance(exc, sqlite3.Error):  # disk full, read-only, busy: one sentence
                    raise _describe_operational_error(self.path, exc) from None
                raise
            self._depth = 0
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                try:
                    self.conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
                raise _describe_operational_error(self.path, exc) from None

    def wrap_errors(self, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except sqlite3.Error as exc:
            raise _describe_operational_error(self.path, exc) from None

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self.conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise _describe_operational_error(self.path, exc) from None

    def query_one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Row | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    # -- the change counter ----------------------------------------------------------
    def next_seq(self, conn: sqlite3.Connection) -> int:
        conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'change_seq'")
        return conn.execute("SELECT value FROM meta WHERE key = 'change_seq'").fetchone()[0]

    def touch(self, conn: sqlite3.Connection, article_ids: Iterable[int]) -> int:
        """Mark articles as changed for search; returns the new sequence number."""
        seq = self.next_seq(conn)
        ids = list(article_ids)
        conn.executemany("UPDATE articles SET change_seq = ? WHERE id = ?", [(seq, i) for i in ids])
        return seq

    def current_seq(self) -> int:
        row = self.query_one("SELECT value FROM meta WHERE key = 'change_seq'")
        return int(row[0]) if row else 0

    def get_meta(self, key: str, default: Any = None) -> Any:
        row = self.query_one("SELECT value FROM meta WHERE key = ?", (key,))
        return default if row is None else row[0]

    def set_meta(self, conn: sqlite3.Connection, key: str, value: Any) -> None:
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # -- tags --------------------------------------------------------------------------
    def tag_id(self, conn: sqlite3.Connection, name: str) -> int:
        """The id of tag ``name`` (case-insensitive), created if new."""
        key = name.casefold()
        row = conn.execute("SELECT id FROM tags WHERE key = ?", (key,)).fetchone()
        if row:
            return row[0]
        return conn.execute("INSERT INTO tags (name, key) VALUES (?, ?)", (name, key)).lastrowid

    def drop_unused_tags(self, conn: sqlite3.Connection) -> None:
        conn.execute(
            "DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM article_tags)"
            " AND id NOT IN (SELECT tag_id FROM highlight_tags)"
        )

    # -- reading for the index ---------------------------------------------------------
    def changed_since(self, seq: int, limit: int | None = None) -> list[tuple[int, int]]:
        """(article_id, change_seq) of every article or tombstone changed after ``seq``, oldest first."""
        sql = (
            "SELECT id, change_seq FROM articles WHERE change_seq > ?"
            " UNION ALL SELECT article_id, change_seq FROM tombstones WHERE change_seq > ?"
            " ORDER BY 2"
        )
        params: list[Any] = [seq, seq]
        if limit:
            sql += " LIMIT ?"
            params.append(limit)
        return [(r[0], r[1]) for r in self.query(sql, params)]

    def live_article_ids(self) -> list[int]:
        return [r[0] for r in self.query("SELECT id FROM articles WHERE deleted_at IS NULL ORDER BY id")]

    def index_records(self, ids: Sequence[int]) -> list[IndexRecord]:
        """Index records for ``ids``, in that order; missing or deleted ones come back deleted."""
        if not ids:
            return []
        with self._lock:
            out: dict[int, IndexRecord] = {}
            for chunk_start in range(0, len(ids), 500):
                chunk = list(ids[chunk_start:chunk_start + 500])
                marks = ",".join("?" * len(chunk))
                rows = self.conn.execute(
                    f"SELECT id, change_seq, deleted_at, title, author, site, url, text, published, added"
                    f" FROM articles WHERE id IN ({marks})",
                    chunk,
                ).fetchall()
                tags = _group(self.conn.execute(
                    f"SELECT at.article_id, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id"
                    f" WHERE at.article_id IN ({marks})", chunk))
                hl = self.conn.execute(
                    f"SELECT article_id, exact, note, start FROM highlights WHERE article_id IN ({marks}) ORDER BY start",
                    chunk,
                ).fetchall()
                htags = _group(self.conn.execute(
                    f"SELECT h.article_id, t.name FROM highlight_tags ht JOIN highlights h ON h.id = ht.highlight_id"
                    f" JOIN tags t ON t.id = ht.tag_id WHERE h.article_id IN ({marks})", chunk))
                notes = _group(self.conn.execute(
                    f"SELECT article_id, body FROM notes WHERE article_id IN ({marks}) ORDER BY id", chunk))
                hl_text: dict[int, list[str]] = {}
                hl_starts: dict[int, list[int | None]] = {}
                hl_notes: dict[int, list[str]] = {}
                for r in hl:
                    hl_text.setdefault(r[0], []).append(r[1])
                    hl_starts.setdefault(r[0], []).append(r[3])
                    if r[2]:
                        hl_notes.setdefault(r[0], []).append(r[2])
                for r in rows:
                    aid = r["id"]
                    if r["deleted_at"] is not None:
                        out[aid] = IndexRecord(aid, r["change_seq"], True)
                        continue
                    out[aid] = IndexRecord(
                        id=aid,
                        change_seq=r["change_seq"],
                        deleted=False,
                        title=r["title"],
                        author=r["author"],
                        site=r["site"],
                        url=r["url"],
                        text=r["text"],
                        published=r["published"],
                        added=r["added"],
                        tags=tuple(tags.get(aid, ())),
                        highlights=tuple(hl_text.get(aid, ())),
                        highlight_starts=tuple(hl_starts.get(aid, ())),
                        highlight_notes=tuple(hl_notes.get(aid, ())),
                        highlight_tags=tuple(sorted(set(htags.get(aid, ())))),
                        notes=tuple(notes.get(aid, ())),
                    )
            tomb_seq = {
                r[0]: r[1]
                for r in self.conn.execute(
                    f"SELECT article_id, change_seq FROM tombstones WHERE article_id IN ({','.join('?' * len(ids))})",
                    list(ids),
                ).fetchall()
            } if len(ids) <= 900 else {}
        return [out.get(i) or IndexRecord(i, tomb_seq.get(i, 0), True) for i in ids]

    def texts(self, ids: Sequence[int]) -> dict[int, str]:
        """Canonical texts of ``ids`` in one query (for search snippets)."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        return {r[0]: r[1] for r in self.query(f"SELECT id, text FROM articles WHERE id IN ({marks})", list(ids))}

    # -- reading for search results (used by reader/core/search/searcher.py) ------------------
    def live_titles_and_texts(self, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """(title, canonical text) of the live articles among ``ids``, in one query."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        return {
            r[0]: (r[1], r[2])
            for r in self.query(f"SELECT id, title, text FROM articles WHERE deleted_at IS NULL AND id IN ({marks})",
                                list(ids))
        }

    def highlights_for_results(self, ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
        """The placed highlights of ``ids`` (id, start, end, note, tags), by article, in text order."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        tags = _group(self.query(
            f"SELECT ht.highlight_id, t.name FROM highlight_tags ht JOIN tags t ON t.id = ht.tag_id"
            f" JOIN highlights h ON h.id = ht.highlight_id WHERE h.article_id IN ({marks})", list(ids)))
        out: dict[int, list[dict[str, Any]]] = {}
        for r in self.query(
            f"SELECT id, article_id, start, end, note FROM highlights WHERE article_id IN ({marks})"
            " AND start IS NOT NULL ORDER BY article_id, start", list(ids)
        ):
            out.setdefault(r[1], []).append(
                {"id": r[0], "start": r[2], "end": r[3], "note": r[4] or "", "tags": tags.get(r[0], [])})
        return out

    def integrity_check(self) -> str:
        return self.query_one("PRAGMA integrity_check")[0]


def _group(cursor: Iterable[Sequence[Any]]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {}
    for key, value in cursor:
        out.setdefault(key, []).append(value)
    return out

