"""Tags: shared across the library, case-insensitive (``key`` is the casefolded name).

Articles and highlights carry tags through ``article_tags`` and ``highlight_tags``; a tag
no longer carried by anything is dropped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence


def tag_id(conn: sqlite3.Connection, name: str) -> int:
    """The id of tag ``name`` (case-insensitive), created if new."""
    key = name.casefold()
    row = conn.execute("SELECT id FROM tags WHERE key = ?", (key,)).fetchone()
    if row:
        return row[0]
    return conn.execute("INSERT INTO tags (name, key) VALUES (?, ?)", (name, key)).lastrowid


def drop_unused(conn: sqlite3.Connection) -> None:
    conn.execute(
        "DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM article_tags)"
        " AND id NOT IN (SELECT tag_id FROM highlight_tags)"
    )


# -- articles' tags ------------------------------------------------------------------------
def of_article(conn: sqlite3.Connection, article_id: int) -> tuple[str, ...]:
    rows = conn.execute(
        "SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = ?"
        " ORDER BY t.key",
        (article_id,),
    )
    return tuple(r[0] for r in rows)


def tag_article(conn: sqlite3.Connection, article_id: int, names: Iterable[str]) -> None:
    for name in names:
        conn.execute(
            "INSERT OR IGNORE INTO article_tags (article_id, tag_id) VALUES (?, ?)",
            (article_id, tag_id(conn, name)),
        )


def untag_article(conn: sqlite3.Connection, article_id: int, names: Iterable[str]) -> None:
    for name in names:
        conn.execute(
            "DELETE FROM article_tags WHERE article_id = ? AND tag_id = (SELECT id FROM tags WHERE key = ?)",
            (article_id, name.casefold()),
        )
    drop_unused(conn)


# -- highlights' tags ------------------------------------------------------------------------
def of_highlights(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """Each highlight's tags, by name order (highlights without tags are absent)."""
    out: dict[int, list[str]] = {}
    for chunk in range(0, len(ids), 900):
        part = list(ids[chunk:chunk + 900])
        for r in conn.execute(
            "SELECT ht.highlight_id, t.name FROM highlight_tags ht JOIN tags t ON t.id = ht.tag_id"
            f" WHERE ht.highlight_id IN ({','.join('?' * len(part))}) ORDER BY t.key",
            part,
        ):
            out.setdefault(r[0], []).append(r[1])
    return {k: tuple(v) for k, v in out.items()}


def tag_highlight(conn: sqlite3.Connection, highlight_id: int, names: Iterable[str]) -> None:
    for name in names:
        conn.execute(
            "INSERT OR IGNORE INTO highlight_tags (highlight_id, tag_id) VALUES (?, ?)",
            (highlight_id, tag_id(conn, name)),
        )


def set_highlight_tags(conn: sqlite3.Connection, highlight_id: int, names: Iterable[str]) -> None:
    conn.execute("DELETE FROM highlight_tags WHERE highlight_id = ?", (highlight_id,))
    tag_highlight(conn, highlight_id, names)
    drop_unused(conn)


# -- the library's tags ----------------------------------------------------------------------
def all_with_counts(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """Every tag with the number of live articles and highlights that carry it, by name."""
    rows = conn.execute(
        "SELECT t.name,"
        " (SELECT COUNT(*) FROM article_tags at JOIN articles a ON a.id = at.article_id"
        "   WHERE at.tag_id = t.id AND a.deleted_at IS NULL)"
        " + (SELECT COUNT(*) FROM highlight_tags ht WHERE ht.tag_id = t.id) AS n"
        " FROM tags t ORDER BY t.key"
    )
    return [(r[0], r[1]) for r in rows]


def rename(conn: sqlite3.Connection, old_key: str, new_name: str) -> set[int] | None:
    """Rename the tag keyed ``old_key``; onto an existing tag, merge the two.

    Returns the ids of the articles whose tags (or whose highlights' tags) changed, or
    None when there is no such tag.
    """
    src = conn.execute("SELECT id FROM tags WHERE key = ?", (old_key,)).fetchone()
    if src is None:
        return None
    src_id = src[0]
    dest = conn.execute("SELECT id FROM tags WHERE key = ?", (new_name.casefold(),)).fetchone()
    affected = {
        r[0]
        for r in conn.execute(
            "SELECT article_id FROM article_tags WHERE tag_id = ?"
            " UNION SELECT h.article_id FROM highlight_tags ht JOIN highlights h ON h.id = ht.highlight_id"
            " WHERE ht.tag_id = ?",
            (src_id, src_id),
        )
    }
    if dest is None or dest[0] == src_id:
        conn.execute("UPDATE tags SET name = ?, key = ? WHERE id = ?", (new_name, new_name.casefold(), src_id))
    else:
        dest_id = dest[0]
        conn.execute(
            "INSERT OR IGNORE INTO article_tags (article_id, tag_id) SELECT article_id, ? FROM article_tags"
            " WHERE tag_id = ?",
            (dest_id, src_id),
        )
        conn.execute(
            "INSERT OR IGNORE INTO highlight_tags (highlight_id, tag_id) SELECT highlight_id, ?"
            " FROM highlight_tags WHERE tag_id = ?",
            (dest_id, src_id),
        )
        conn.execute("DELETE FROM tags WHERE id = ?", (src_id,))
    return affected
