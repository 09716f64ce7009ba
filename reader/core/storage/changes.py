"""The change counter that the search index follows, and tombstones of purged articles.

Every change that search must see stamps the article with a sequence number, kept in a
small table of its own (``article_changes``: one row per article, indexed by number); the
library-wide counter (``meta.change_seq``) is the last number published. The index records
the last number it has seen, so catching up after a crash is "index everything newer than
that".

The stamp is not a column of ``articles`` (it was, until schema migration 5): SQLite
rewrites a whole row on any UPDATE, and an article row carries its whole text and
document, megabytes for a long PDF, so each highlight on it cost milliseconds (issue 14).
A row of ``article_changes`` costs the same for a tweet and for a book.

One number per transaction: a write stamps its article with the *pending* number (the
counter + 1), and ``publish()`` makes it the counter just before the transaction commits
(``Storage.transaction`` calls it), so a commit is seen whole or not at all. Triggers
(``CHANGE_TRIGGERS``, schema migration 5) stamp the article whenever it is added, its
searchable columns change, or its highlights, notes or tags change, so no writer can forget
to; they remove its stamp when it is purged (the tombstone takes over).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

PENDING = "(SELECT value + 1 FROM meta WHERE key = 'change_seq')"
"""SQL for the number this transaction's changes carry."""
_CURRENT = "(SELECT value FROM meta WHERE key = 'change_seq')"


def _stamp(article_id: str) -> str:
    # Only an article that still exists gets a stamp: the rows its purge cascades to fire
    # triggers too. ``SELECT id`` is the rowid, so the article's text is not read.
    return (
        f"INSERT INTO article_changes (article_id, change_seq) SELECT id, {PENDING} FROM articles"
        f" WHERE id = {article_id} ON CONFLICT (article_id) DO UPDATE SET change_seq = excluded.change_seq"
        " WHERE change_seq <> excluded.change_seq;"
    )


def _trigger(name: str, event: str, article_id: str) -> str:
    return f"CREATE TRIGGER {name} AFTER {event} BEGIN {_stamp(article_id)} END;\n"


# Created by schema migration 5 (migration 4 made earlier ones that stamped the article row).
CHANGE_TRIGGERS = (
    _trigger("highlights_inserted", "INSERT ON highlights", "NEW.article_id")
    + _trigger("highlights_edited", "UPDATE OF exact, note ON highlights", "NEW.article_id")
    + _trigger("highlights_deleted", "DELETE ON highlights", "OLD.article_id")
    + _trigger("notes_inserted", "INSERT ON notes", "NEW.article_id")
    + _trigger("notes_edited", "UPDATE OF body ON notes", "NEW.article_id")
    + _trigger("notes_deleted", "DELETE ON notes", "OLD.article_id")
    + _trigger("article_tags_inserted", "INSERT ON article_tags", "NEW.article_id")
    + _trigger("article_tags_deleted", "DELETE ON article_tags", "OLD.article_id")
    + _trigger("highlight_tags_inserted", "INSERT ON highlight_tags",
               "(SELECT article_id FROM highlights WHERE id = NEW.highlight_id)")
    + _trigger("highlight_tags_deleted", "DELETE ON highlight_tags",
               "(SELECT article_id FROM highlights WHERE id = OLD.highlight_id)")
    + _trigger("articles_inserted", "INSERT ON articles", "NEW.id")
    + _trigger("articles_edited",
               "UPDATE OF title, author, site, url, text, published, added, deleted_at ON articles", "NEW.id")
    + f"""
CREATE TRIGGER articles_purged AFTER DELETE ON articles BEGIN
    DELETE FROM article_changes WHERE article_id = OLD.id;
END;
CREATE TRIGGER tags_renamed AFTER UPDATE OF name ON tags BEGIN
    UPDATE article_changes SET change_seq = {PENDING} WHERE change_seq <= {_CURRENT} AND article_id IN (
        SELECT article_id FROM article_tags WHERE tag_id = NEW.id
        UNION SELECT h.article_id FROM highlight_tags ht JOIN highlights h ON h.id = ht.highlight_id
        WHERE ht.tag_id = NEW.id);
END;
"""
)

def touch(conn: sqlite3.Connection, article_ids: Iterable[int]) -> None:
    """Mark articles as changed for search (the triggers do this for most writes)."""
    conn.executemany(_stamp("?"), [(i,) for i in article_ids])


def publish(conn: sqlite3.Connection) -> None:
    """Make the pending number the counter, if this transaction stamped anything."""
    conn.execute(
        "UPDATE meta SET value = value + 1 WHERE key = 'change_seq' AND ("
        " EXISTS (SELECT 1 FROM article_changes WHERE change_seq > meta.value)"
        " OR EXISTS (SELECT 1 FROM tombstones WHERE change_seq > meta.value))"
    )


def current_seq(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = 'change_seq'").fetchone()
    return int(row[0]) if row else 0


def get_meta(conn: sqlite3.Connection, key: str, default: Any = None) -> Any:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return default if row is None else row[0]


def set_meta(conn: sqlite3.Connection, key: str, value: Any) -> None:
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


def changed_since(conn: sqlite3.Connection, seq: int, limit: int | None = None) -> list[tuple[int, int]]:
    """(article_id, change_seq) of every article or tombstone changed after ``seq``, oldest first."""
    sql = (
        "SELECT article_id, change_seq FROM article_changes WHERE change_seq > ?"
        " UNION ALL SELECT article_id, change_seq FROM tombstones WHERE change_seq > ?"
        " ORDER BY 2"
    )
    params: list[Any] = [seq, seq]
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    return [(r[0], r[1]) for r in conn.execute(sql, params)]


def has_soft_deleted(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM articles WHERE deleted_at IS NOT NULL LIMIT 1").fetchone() is not None


def purge_soft_deleted(conn: sqlite3.Connection) -> None:
    """Remove soft-deleted articles for good, leaving a tombstone so the index drops them too."""
    from reader.core.storage import tags

    conn.execute(
        "INSERT OR REPLACE INTO tombstones (article_id, change_seq)"
        f" SELECT id, {PENDING} FROM articles WHERE deleted_at IS NOT NULL"
    )
    conn.execute("DELETE FROM articles WHERE deleted_at IS NOT NULL")
    tags.drop_unused(conn)
