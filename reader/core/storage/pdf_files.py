"""PDF articles: which kept file an article uses (``pdf_files``) and its pages with their
character maps (``pdf_pages``). The files themselves are handled by ``reader.core.pdf_store``."""

from __future__ import annotations

import sqlite3
from typing import Any


def save(conn: sqlite3.Connection, article_id: int, sha256: str, size: int, pages: tuple[Any, ...]) -> None:
    """Record (or replace) an article's file and pages (``PdfPage`` s)."""
    conn.execute(
        "INSERT OR REPLACE INTO pdf_files (article_id, sha256, bytes) VALUES (?, ?, ?)", (article_id, sha256, size)
    )
    conn.execute("DELETE FROM pdf_pages WHERE article_id = ?", (article_id,))
    conn.executemany(
        "INSERT INTO pdf_pages (article_id, number, start, end, width, height, char_map) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(article_id, p.number, p.start, p.end, p.width, p.height, p.runs_json()) for p in pages],
    )


def forget(conn: sqlite3.Connection, article_id: int) -> None:
    """The article is no PDF any more (re-added from another format)."""
    conn.execute("DELETE FROM pdf_files WHERE article_id = ?", (article_id,))
    conn.execute("DELETE FROM pdf_pages WHERE article_id = ?", (article_id,))


def sha256_of(conn: sqlite3.Connection, article_id: int) -> str | None:
    row = conn.execute("SELECT sha256 FROM pdf_files WHERE article_id = ?", (article_id,)).fetchone()
    return row[0] if row else None


def page_rows(conn: sqlite3.Connection, article_id: int) -> list[sqlite3.Row]:
    """(number, start, end, width, height, char_map) of each page, in order."""
    return conn.execute(
        "SELECT number, start, end, width, height, char_map FROM pdf_pages WHERE article_id = ? ORDER BY number",
        (article_id,),
    ).fetchall()


def files_of_deleted(conn: sqlite3.Connection) -> set[str]:
    """The files of articles deleted this session (about to be purged)."""
    return {r[0] for r in conn.execute(
        "SELECT f.sha256 FROM pdf_files f JOIN articles a ON a.id = f.article_id WHERE a.deleted_at IS NOT NULL"
    )}


def is_used(conn: sqlite3.Connection, sha256: str) -> bool:
    return conn.execute("SELECT 1 FROM pdf_files WHERE sha256 = ? LIMIT 1", (sha256,)).fetchone() is not None


def used_files(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT DISTINCT sha256 FROM pdf_files")}
