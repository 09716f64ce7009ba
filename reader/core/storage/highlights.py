"""Highlights: a range of an article's canonical text with its quote selector, colour and note.

``start``/``end`` are NULL while a highlight is orphaned (its quote was not re-found after
the text changed). Tags live in ``tags.py``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from reader.core.models import Highlight
from reader.core.storage import tags as tag_rows


def _from_row(r: Any, tags: tuple[str, ...]) -> Highlight:
    return Highlight(
        id=r["id"], article_id=r["article_id"], start=r["start"], end=r["end"], exact=r["exact"],
        prefix=r["prefix"], suffix=r["suffix"], color=r["color"], note=r["note"], tags=tags,
        created=r["created"], updated=r["updated"],
    )


def of_article(conn: sqlite3.Connection, article_id: int) -> list[Highlight]:
    """The article's highlights in text order, orphans last."""
    rows = conn.execute(
        "SELECT * FROM highlights WHERE article_id = ? ORDER BY start IS NULL, start, end, id", (article_id,)
    ).fetchall()
    tags = tag_rows.of_highlights(conn, [r["id"] for r in rows])
    return [_from_row(r, tags.get(r["id"], ())) for r in rows]


def get(conn: sqlite3.Connection, highlight_id: int) -> Highlight | None:
    row = conn.execute("SELECT * FROM highlights WHERE id = ?", (highlight_id,)).fetchone()
    if row is None:
        return None
    return _from_row(row, tag_rows.of_highlights(conn, [highlight_id]).get(highlight_id, ()))


def quotes(conn: sqlite3.Connection, article_id: int) -> list[tuple[int, str, str]]:
    """(id, exact, note) of each of the article's highlights, for finding duplicates."""
    rows = conn.execute("SELECT id, exact, note FROM highlights WHERE article_id = ?", (article_id,))
    return [(r[0], r[1], r[2]) for r in rows]


def anchors(conn: sqlite3.Connection, article_id: int) -> list[Any]:
    """Rows (id, start, end, exact, prefix, suffix) to re-anchor after the text changed."""
    return conn.execute(
        "SELECT id, start, end, exact, prefix, suffix FROM highlights WHERE article_id = ?", (article_id,)
    ).fetchall()


def insert(
    conn: sqlite3.Connection,
    article_id: int,
    start: int | None,
    end: int | None,
    exact: str,
    prefix: str,
    suffix: str,
    *,
    color: str,
    note: str,
    created: str,
    updated: str,
    tags: Sequence[str] = (),
    highlight_id: int | None = None,
) -> int:
    """Insert one highlight with its tags (``highlight_id`` given: keep that id, as undo and
    restore do); returns its id."""
    hid = conn.execute(
        "INSERT INTO highlights (id, article_id, start, end, exact, prefix, suffix, color, note, created, updated)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (highlight_id, article_id, start, end, exact, prefix, suffix, color, note, created, updated),
    ).lastrowid
    tag_rows.tag_highlight(conn, hid, tags)
    return hid


def update(
    conn: sqlite3.Connection, highlight_id: int, updated: str, *, color: str | None = None, note: str | None = None
) -> None:
    sets, params = ["updated = ?"], [updated]
    if color is not None:
        sets.append("color = ?")
        params.append(color)
    if note is not None:
        sets.append("note = ?")
        params.append(note)
    conn.execute(f"UPDATE highlights SET {', '.join(sets)} WHERE id = ?", (*params, highlight_id))


def move(conn: sqlite3.Connection, highlight_id: int, selector: Any | None, updated: str) -> None:
    """Put a highlight where re-anchoring found it (a selector), or orphan it (None)."""
    if selector is None:
        conn.execute("UPDATE highlights SET start = NULL, end = NULL, updated = ? WHERE id = ?", (updated, highlight_id))
    else:
        conn.execute(
            "UPDATE highlights SET start = ?, end = ?, exact = ?, prefix = ?, suffix = ?, updated = ? WHERE id = ?",
            (selector.start, selector.end, selector.exact, selector.prefix, selector.suffix, updated, highlight_id),
        )


def delete(conn: sqlite3.Connection, highlight_id: int) -> None:
    conn.execute("DELETE FROM highlights WHERE id = ?", (highlight_id,))
    tag_rows.drop_unused(conn)
