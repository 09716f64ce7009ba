"""Articles: metadata, the ``Document`` (as JSON) and its canonical text, reading state.

Deleting is soft (``deleted_at``) so undo works within the session; the next start purges
them (``changes.purge_soft_deleted``). The change stamp search follows is not in the row
(see ``changes.py``): triggers stamp an added, edited, deleted or undeleted article, and
``update_content`` stamps whatever columns it sets.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from reader.core.models import ArticleSummary
from reader.core.storage import changes

# The columns a caller may set when it stores an article (everything but the bookkeeping).
COLUMNS = (
    "id", "title", "author", "site", "url", "source_path", "source_key", "format", "published",
    "added", "updated", "reading_position", "reading_state", "content_hash", "document", "text", "word_count",
)
_CONTENT = (
    "title", "author", "site", "url", "source_path", "format", "published", "updated", "content_hash",
    "document", "text", "word_count",
)


def _check(values: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(values) - set(allowed)
    if unknown:  # column names go into the SQL text: only ours
        raise ValueError(f"not article columns: {', '.join(sorted(unknown))}")


# -- reading -------------------------------------------------------------------------------
def get_row(conn: sqlite3.Connection, article_id: int) -> sqlite3.Row | None:
    """The live article's whole row (None when missing or deleted)."""
    return conn.execute("SELECT * FROM articles WHERE id = ? AND deleted_at IS NULL", (int(article_id),)).fetchone()


def is_live(conn: sqlite3.Connection, article_id: int) -> bool:
    """Whether the article exists and is not deleted, without reading its row (``deleted_at``
    lies after the text and document: walking to it reads them)."""
    return conn.execute(
        "SELECT 1 FROM articles INDEXED BY articles_deleted WHERE deleted_at IS NULL AND id = ?", (int(article_id),)
    ).fetchone() is not None


def text_around(conn: sqlite3.Connection, article_id: int, start: int, end: int, context: int) -> tuple[int, str] | None:
    """The live article's text length and ``text[start - context : end + context]``, without
    the rest of the row in Python (None when missing or deleted). SQLite counts characters
    (code points) as Python does; its ``length`` stops at a NUL, which importers never store."""
    lo = max(0, start - context)
    row = conn.execute(
        "SELECT length(text), substr(text, ?, ?) FROM articles WHERE id = ? AND deleted_at IS NULL",
        (lo + 1, end + context - lo, int(article_id)),
    ).fetchone()
    return None if row is None else (row[0], row[1])


def find_by_source(conn: sqlite3.Connection, source_key: str) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT id, content_hash, text FROM articles WHERE source_key = ? AND deleted_at IS NULL", (source_key,)
    ).fetchone()


def source_key(conn: sqlite3.Connection, article_id: int) -> str | None:
    row = conn.execute("SELECT source_key FROM articles WHERE id = ?", (article_id,)).fetchone()
    return row[0] if row else None


def count(conn: sqlite3.Connection, *, with_deleted: bool = False) -> int:
    sql = "SELECT COUNT(*) FROM articles" + ("" if with_deleted else " WHERE deleted_at IS NULL")
    return conn.execute(sql).fetchone()[0]


def live_ids(conn: sqlite3.Connection) -> list[int]:
    return [r[0] for r in conn.execute("SELECT id FROM articles WHERE deleted_at IS NULL ORDER BY id")]


def briefs(conn: sqlite3.Connection) -> list[tuple[int, str, str | None, str, str | None]]:
    """(id, title, url, format, author) of every live article, oldest first: what matching
    needs (a book is its title and its author)."""
    rows = conn.execute("SELECT id, title, url, format, author FROM articles WHERE deleted_at IS NULL ORDER BY id")
    return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]


def summaries(
    conn: sqlite3.Connection,
    *,
    tag_key: str | None = None,
    text: str | None = None,
    state: str | None = None,
    sort: str = "added",
    descending: bool = True,
    limit: int | None = None,
) -> list[ArticleSummary]:
    """Articles for the library list; ``text`` filters on title, author and site (the
    caller has checked ``sort`` and ``state``)."""
    order = {"added": "a.added", "published": "COALESCE(a.published, a.added)", "title": "a.title COLLATE NOCASE"}
    where = ["a.deleted_at IS NULL"]
    params: list[Any] = []
    if tag_key:
        where.append(
            "a.id IN (SELECT at.article_id FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE t.key = ?)"
        )
        params.append(tag_key)
    if text:
        like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append("(a.title LIKE ? ESCAPE '\\' OR a.author LIKE ? ESCAPE '\\' OR a.site LIKE ? ESCAPE '\\')")
        params += [like, like, like]
    if state:
        where.append("a.reading_state = ?")
        params.append(state)
    direction = "DESC" if descending else "ASC"
    # Grouped joins, not a subquery per row: the window lists 10,000 articles at start.
    sql = (
        "SELECT a.id, a.title, a.author, a.site, a.url, a.published, a.added, a.reading_state, a.word_count,"
        " COALESCE(hc.n, 0) AS hl, tg.names AS tags"
        " FROM articles a"
        " LEFT JOIN (SELECT article_id, COUNT(*) AS n FROM highlights GROUP BY article_id) hc"
        "   ON hc.article_id = a.id"
        " LEFT JOIN (SELECT at.article_id, group_concat(t.name, char(31)) AS names"
        "   FROM article_tags at JOIN tags t ON t.id = at.tag_id GROUP BY at.article_id) tg"
        "   ON tg.article_id = a.id"
        f" WHERE {' AND '.join(where)}"
        f" ORDER BY {order[sort]} {direction}, a.id {direction}"
    )
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [
        ArticleSummary(
            aid, title, author, site, url, published, added, state,
            tuple(sorted(tags.split("\x1f"), key=str.casefold)) if tags else (), hl, words,
        )
        for aid, title, author, site, url, published, added, state, words, hl, tags in conn.execute(sql, params)
    ]


# -- writing -------------------------------------------------------------------------------
def insert(conn: sqlite3.Connection, values: dict[str, Any]) -> int:
    """Insert an article (``values`` keyed by column; with ``id`` to keep one); returns its id."""
    _check(values, COLUMNS)
    cols = list(values)
    return conn.execute(
        f"INSERT INTO articles ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        tuple(values.values()),
    ).lastrowid


def update_content(conn: sqlite3.Connection, article_id: int, values: dict[str, Any]) -> None:
    """New content for an article; the reading position is kept inside the new text."""
    _check(values, _CONTENT)
    sets = ", ".join(f"{c} = ?" for c in values)
    params: list[Any] = list(values.values())
    if "text" in values:
        sets += ", reading_position = MIN(reading_position, ?)"
        params.append(len(values["text"]))
    conn.execute(f"UPDATE articles SET {sets} WHERE id = ?", (*params, article_id))
    changes.touch(conn, [article_id])  # the trigger covers only the columns search reads


def set_reading(conn: sqlite3.Connection, article_id: int, *, state: str, position: int | None = None) -> None:
    """Reading state (and position): nothing search sees, so no change stamp."""
    if position is None:
        conn.execute("UPDATE articles SET reading_state = ? WHERE id = ?", (state, article_id))
    else:
        conn.execute(
            "UPDATE articles SET reading_position = ?, reading_state = ? WHERE id = ?", (position, state, article_id)
        )


def soft_delete(conn: sqlite3.Connection, article_id: int, when: str) -> None:
    conn.execute("UPDATE articles SET deleted_at = ? WHERE id = ?", (when, article_id))  # stamped by trigger


def undelete(conn: sqlite3.Connection, article_id: int) -> bool:
    """Bring a soft-deleted article back; False when it is gone for good."""
    row = conn.execute("SELECT source_key FROM articles WHERE id = ?", (article_id,)).fetchone()
    if row is None:
        return False
    clash = row["source_key"] and conn.execute(
        "SELECT 1 FROM articles WHERE source_key = ? AND deleted_at IS NULL", (row["source_key"],)
    ).fetchone()
    if clash:  # the same file was added again since: keep both, the old one unlinked
        conn.execute("UPDATE articles SET source_key = NULL WHERE id = ?", (article_id,))
    conn.execute("UPDATE articles SET deleted_at = NULL WHERE id = ?", (article_id,))  # stamped by trigger
    return True
