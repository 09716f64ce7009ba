"""The schema: numbered migrations on ``PRAGMA user_version``, a backup taken first.

``MIGRATIONS[i]`` takes a database from version ``i`` to ``i + 1`` (index 0 makes an empty
database version 1). ``migrate()`` runs the missing ones at open, each as one transaction,
after copying an existing database to ``backups/``.

How to add a table (say, review state for highlights):

1. append a migration to ``MIGRATIONS`` (never edit one that has shipped: users' databases
   already ran it). Create the table with ``REFERENCES ... ON DELETE CASCADE`` to its owner,
   so deleting a highlight or an article takes its rows along;
2. if search must see the new data, add triggers that stamp the owning article, like
   ``changes.CHANGE_TRIGGERS`` (a migration of their own);
3. put its SQL in a new module beside this one (``storage/review.py``): plain functions
   that take the connection, called by ``Library`` inside ``storage.transaction()``;
4. add a case to ``tests/core/reliability/test_migrations.py`` (old data kept, backup made).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.core.errors import StorageError
from reader.core.storage.changes import CHANGE_TRIGGERS

if TYPE_CHECKING:
    from reader.core.storage.connection import Storage

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
    # 2: PDF articles. The file itself lives in the data folder under its sha256
    # (reader.core.pdf_store); its pages and their character maps live here (storage/pdf_files.py).
    """
    CREATE TABLE pdf_files (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        sha256 TEXT NOT NULL,
        bytes INTEGER NOT NULL
    );
    CREATE INDEX pdf_files_sha256 ON pdf_files(sha256);
    CREATE TABLE pdf_pages (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,                -- 1-based
        start INTEGER NOT NULL,                 -- [start, end) in the canonical text
        end INTEGER NOT NULL,
        width REAL NOT NULL,                    -- points, as the page is shown (after /Rotate)
        height REAL NOT NULL,
        char_map TEXT NOT NULL,                 -- JSON runs [offset, pdfium index, length]
        PRIMARY KEY (article_id, number)
    ) WITHOUT ROWID;
    """,
    # 3: daily review. One row per highlight rated or discarded (none: a new highlight); the
    # state goes with its highlight (cascade). Its SQL: storage/review.py.
    """
    CREATE TABLE highlight_reviews (
        highlight_id INTEGER PRIMARY KEY REFERENCES highlights(id) ON DELETE CASCADE,
        state TEXT NOT NULL CHECK (state IN ('new', 'learning', 'review', 'relearning')),
        step INTEGER,                           -- learning or relearning step (FSRS), else NULL
        stability REAL,
        difficulty REAL,
        due TEXT,                               -- NULL while never rated
        last_review TEXT,
        first_review TEXT,                      -- when it entered review: the daily quota of new ones
        discarded INTEGER NOT NULL DEFAULT 0 CHECK (discarded IN (0, 1))
    );
    CREATE INDEX highlight_reviews_due ON highlight_reviews(due) WHERE discarded = 0;
    """,
    # 4: the change counter kept by triggers, so no writer can forget to stamp an article.
    CHANGE_TRIGGERS,
]

SCHEMA_VERSION = len(MIGRATIONS)


def migrate(storage: Storage) -> None:
    """Bring the database to ``SCHEMA_VERSION`` (a backup copy first, when it holds data)."""
    current = storage.version
    if current > SCHEMA_VERSION:
        raise StorageError(
            f"The library at '{storage.path}' was written by a newer Reader (schema {current}); "
            f"this one knows schema {SCHEMA_VERSION}."
        )
    if current == SCHEMA_VERSION:
        return
    if storage.readonly:
        raise StorageError(f"The library at '{storage.path}' needs an upgrade, which a read-only open cannot do.")
    if current > 0:
        storage.backup(f"before-v{current + 1}")
    for version in range(current, SCHEMA_VERSION):
        # executescript commits first, so the migration runs as one explicit transaction.
        storage.conn.executescript(
            "BEGIN IMMEDIATE;\n" + MIGRATIONS[version] + f"\nPRAGMA user_version = {version + 1};\nCOMMIT;"
        )
