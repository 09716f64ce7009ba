"""An article's own notes (Markdown), apart from the notes on its highlights."""

from __future__ import annotations

import sqlite3
from typing import Any

from reader.core.models import Note


def _from_row(r: Any) -> Note:
    return Note(r["id"], r["article_id"], r["body"], r["created"], r["updated"])


def of_article(conn: sqlite3.Connection, article_id: int) -> list[Note]:
    return [_from_row(r) for r in conn.execute("SELECT * FROM notes WHERE article_id = ? ORDER BY id", (article_id,))]


def get(conn: sqlite3.Connection, note_id: int) -> Note | None:
    row = conn.execute("SELECT * FROM notes WHERE id = ?", (note_id,)).fetchone()
    return None if row is None else _from_row(row)


def insert(
    conn: sqlite3.Connection, article_id: int, body: str, created: str, updated: str, *, note_id: int | None = None
) -> int:
    """Insert a note (``note_id`` given: keep that id, as undo and restore do); returns its id."""
    return conn.execute(
        "INSERT INTO notes (id, article_id, body, created, updated) VALUES (?, ?, ?, ?, ?)",
        (note_id, article_id, body, created, updated),
    ).lastrowid


def update(conn: sqlite3.Connection, note_id: int, body: str, updated: str) -> None:
    conn.execute("UPDATE notes SET body = ?, updated = ? WHERE id = ?", (body, updated, note_id))


def delete(conn: sqlite3.Connection, note_id: int) -> None:
    conn.execute("DELETE FROM notes WHERE id = ?", (note_id,))
