"""The change counter that the search index follows, and tombstones of purged articles.

Every change that search must see bumps a library-wide counter (``meta.change_seq``) and
stamps the article with it (``articles.change_seq``); the index records the last number
it has seen, so catching up after a crash is "index everything newer than that".
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any


def next_seq(conn: sqlite3.Connection) -> int:
    conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'change_seq'")
    return conn.execute("SELECT value FROM meta WHERE key = 'change_seq'").fetchone()[0]


def touch(conn: sqlite3.Connection, article_ids: Iterable[int]) -> int:
    """Mark articles as changed for search; returns the new sequence number."""
    seq = next_seq(conn)
    conn.executemany("UPDATE articles SET change_seq = ? WHERE id = ?", [(seq, i) for i in article_ids])
    return seq


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
        "SELECT id, change_seq FROM articles WHERE change_seq > ?"
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

    seq = next_seq(conn)
    conn.execute(
        "INSERT OR REPLACE INTO tombstones (article_id, change_seq)"
        " SELECT id, ? FROM articles WHERE deleted_at IS NOT NULL",
        (seq,),
    )
    conn.execute("DELETE FROM articles WHERE deleted_at IS NOT NULL")
    tags.drop_unused(conn)
