"""The schema: numbered migrations on ``PRAGMA user_version``, a backup taken first.

``MIGRATIONS[i]`` takes a database from version ``i`` to ``i + 1`` (index 0 makes an empty
database version 1). ``migrate()`` runs the missing ones at open, each as one transaction,
after copying an existing database to ``backups/``.

How to add a table (say, review state for highlights):

1. append a migration to ``MIGRATIONS`` (never edit one that has shipped: users' databases
   already ran it). Create the table with ``REFERENCES ... ON DELETE CASCADE`` to its owner,
   so deleting a highlight or an article takes its rows along;
2. if search must see the new data, add triggers that stamp the owning article in
   ``article_changes``, like ``changes.CHANGE_TRIGGERS`` (a migration of their own);
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

# Migration 4 as it shipped (never edit it): triggers that stamped ``articles.change_seq``,
# asking the (change_seq, id) index first so a batch rewrote each article row once.
_PENDING = "(SELECT value + 1 FROM meta WHERE key = 'change_seq')"
_CURRENT = "(SELECT value FROM meta WHERE key = 'change_seq')"


def _row_stamp_trigger(name: str, event: str, article_id: str) -> str:
    return (
        f"CREATE TRIGGER {name} AFTER {event} WHEN NOT EXISTS (SELECT 1 FROM articles INDEXED BY"
        f" articles_change_seq WHERE change_seq = {_PENDING} AND id = {article_id}) BEGIN UPDATE articles"
        f" SET change_seq = {_PENDING} WHERE id = {article_id}; END;\n"
    )


_ROW_STAMP_TRIGGERS = (
    _row_stamp_trigger("highlights_inserted", "INSERT ON highlights", "NEW.article_id")
    + _row_stamp_trigger("highlights_edited", "UPDATE OF exact, note ON highlights", "NEW.article_id")
    + _row_stamp_trigger("highlights_deleted", "DELETE ON highlights", "OLD.article_id")
    + _row_stamp_trigger("notes_inserted", "INSERT ON notes", "NEW.article_id")
    + _row_stamp_trigger("notes_edited", "UPDATE OF body ON notes", "NEW.article_id")
    + _row_stamp_trigger("notes_deleted", "DELETE ON notes", "OLD.article_id")
    + _row_stamp_trigger("article_tags_inserted", "INSERT ON article_tags", "NEW.article_id")
    + _row_stamp_trigger("article_tags_deleted", "DELETE ON article_tags", "OLD.article_id")
    + _row_stamp_trigger("highlight_tags_inserted", "INSERT ON highlight_tags",
                         "(SELECT article_id FROM highlights WHERE id = NEW.highlight_id)")
    + _row_stamp_trigger("highlight_tags_deleted", "DELETE ON highlight_tags",
                         "(SELECT article_id FROM highlights WHERE id = OLD.highlight_id)")
    + f"""
CREATE TRIGGER tags_renamed AFTER UPDATE OF name ON tags BEGIN
    UPDATE articles SET change_seq = {_PENDING} WHERE change_seq <= {_CURRENT} AND id IN (
        SELECT article_id FROM article_tags WHERE tag_id = NEW.id
        UNION SELECT h.article_id FROM highlight_tags ht JOIN highlights h ON h.id = ht.highlight_id
        WHERE ht.tag_id = NEW.id);
END;
CREATE TRIGGER articles_edited AFTER UPDATE OF title, author, site, url, text, published, added, deleted_at
    ON articles WHEN NEW.change_seq <= {_CURRENT} BEGIN UPDATE articles SET change_seq = {_PENDING} WHERE id = NEW.id; END;
"""
)
_ROW_STAMP_TRIGGER_NAMES = (
    "highlights_inserted", "highlights_edited", "highlights_deleted", "notes_inserted", "notes_edited",
    "notes_deleted", "article_tags_inserted", "article_tags_deleted", "highlight_tags_inserted",
    "highlight_tags_deleted", "tags_renamed", "articles_edited",
)

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
    _ROW_STAMP_TRIGGERS,
    # 5: the stamps leave the article row for a table of their own (issue 14: a highlight
    # on a 300-page PDF rewrote megabytes). Numbers are kept, read from the old index rather
    # than the rows, so the search index re-reads nothing.
    """
    CREATE TABLE article_changes (
        article_id INTEGER PRIMARY KEY,         -- no REFERENCES: the articles_purged trigger removes it
        change_seq INTEGER NOT NULL
    );
    INSERT INTO article_changes (article_id, change_seq)
        SELECT id, change_seq FROM articles INDEXED BY articles_change_seq WHERE change_seq >= 0;
    CREATE INDEX article_changes_seq ON article_changes(change_seq);
    CREATE INDEX tombstones_seq ON tombstones(change_seq);  -- asked at every catch-up, beside it
    """
    + "".join(f"DROP TRIGGER {name};\n" for name in _ROW_STAMP_TRIGGER_NAMES)
    + """
    DROP INDEX articles_change_seq;
    ALTER TABLE articles DROP COLUMN change_seq;  -- a stale copy would mislead whoever read it
    """
    + CHANGE_TRIGGERS,
    # 6: "is this article live?" answered from an index: the row's deleted_at comes after its
    # text and document, so reading it walks megabytes of pages for a long PDF (issue 14).
    "CREATE INDEX articles_deleted ON articles(deleted_at);",
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
