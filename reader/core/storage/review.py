"""Review state of highlights: the SQL of daily review, and nothing else.

One row per highlight that has been rated or discarded (a highlight without a row is
*new*). The table references ``highlights`` with ``ON DELETE CASCADE``, so the state goes
with its highlight; an article's soft delete hides its rows by the join on ``articles``.
Times are ISO 8601 in UTC with seconds (``2026-03-01T08:00:00+00:00``), so they compare as
strings. Plain functions that take the connection, as the other storage modules do.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

COLUMNS = ("highlight_id", "state", "step", "stability", "difficulty", "due", "last_review", "first_review", "discarded")

_LIVE = "JOIN highlights h ON h.id = r.highlight_id JOIN articles a ON a.id = h.article_id AND a.deleted_at IS NULL"


def get(conn: sqlite3.Connection, highlight_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM highlight_reviews WHERE highlight_id = ?", (highlight_id,)).fetchone()


def of_highlights(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, sqlite3.Row]:
    out: dict[int, sqlite3.Row] = {}
    for chunk in range(0, len(ids), 900):
        part = list(ids[chunk:chunk + 900])
        rows = conn.execute(
            f"SELECT * FROM highlight_reviews WHERE highlight_id IN ({','.join('?' * len(part))})", part
        ).fetchall()
        out.update({r["highlight_id"]: r for r in rows})
    return out


def put(conn: sqlite3.Connection, row: dict[str, Any]) -> None:
    """Insert or replace one highlight's review state (``row`` has every name in COLUMNS)."""
    conn.execute(
        f"INSERT OR REPLACE INTO highlight_reviews ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
        [row[c] for c in COLUMNS],
    )


def remove(conn: sqlite3.Connection, highlight_id: int) -> None:
    conn.execute("DELETE FROM highlight_reviews WHERE highlight_id = ?", (highlight_id,))


def live_highlight(conn: sqlite3.Connection, highlight_id: int) -> bool:
    """True when the highlight exists and its article is not deleted."""
    return conn.execute(
        "SELECT 1 FROM highlights h JOIN articles a ON a.id = h.article_id AND a.deleted_at IS NULL WHERE h.id = ?",
        (highlight_id,),
    ).fetchone() is not None


def due_by(conn: sqlite3.Connection, until: str) -> list[sqlite3.Row]:
    """Rows in review (not discarded, article alive) due at or before ``until``, earliest first."""
    return conn.execute(
        f"SELECT r.* FROM highlight_reviews r {_LIVE}"
        " WHERE r.discarded = 0 AND r.due IS NOT NULL AND r.due <= ? ORDER BY r.due, r.highlight_id",
        (until,),
    ).fetchall()


def next_due_after(conn: sqlite3.Connection, after: str) -> str | None:
    row = conn.execute(
        f"SELECT MIN(r.due) FROM highlight_reviews r {_LIVE} WHERE r.discarded = 0 AND r.due > ?", (after,)
    ).fetchone()
    return row[0] if row else None


def new_highlight_ids(conn: sqlite3.Connection) -> list[int]:
    """Highlights never rated nor discarded, of articles not deleted."""
    rows = conn.execute(
        "SELECT h.id FROM highlights h JOIN articles a ON a.id = h.article_id AND a.deleted_at IS NULL"
        " LEFT JOIN highlight_reviews r ON r.highlight_id = h.id WHERE r.highlight_id IS NULL"
    )
    return [r[0] for r in rows]


def introduced_between(conn: sqlite3.Connection, start: str, end: str) -> int:
    """How many highlights entered review in ``[start, end)`` (they count against the day's new ones)."""
    return conn.execute(
        "SELECT COUNT(*) FROM highlight_reviews WHERE first_review >= ? AND first_review < ?", (start, end)
    ).fetchone()[0]


def details(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """What a review shows of each highlight: quote, note, tags, position, the article's title."""
    out: dict[int, dict[str, Any]] = {}
    for chunk in range(0, len(ids), 900):
        part = list(ids[chunk:chunk + 900])
        marks = ",".join("?" * len(part))
        for r in conn.execute(
            "SELECT h.id, h.article_id, a.title, h.exact, h.note, h.start, h.end FROM highlights h"
            f" JOIN articles a ON a.id = h.article_id WHERE h.id IN ({marks})",
            part,
        ):
            out[r[0]] = {"highlight_id": r[0], "article_id": r[1], "title": r[2], "quote": r[3], "note": r[4],
                         "start": r[5], "end": r[6], "tags": []}
        for hid, name in conn.execute(
            "SELECT ht.highlight_id, t.name FROM highlight_tags ht JOIN tags t ON t.id = ht.tag_id"
            f" WHERE ht.highlight_id IN ({marks}) ORDER BY t.key",
            part,
        ):
            if hid in out:
                out[hid]["tags"].append(name)
    return out


def get_setting(conn: sqlite3.Connection, key: str) -> Any:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else row[0]


def set_setting(conn: sqlite3.Connection, key: str, value: Any) -> None:
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
