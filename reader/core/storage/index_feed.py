"""What the search index reads: one record per article, and texts for snippets."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class IndexRecord:
    """Everything search needs to know about one article (None fields when deleted)."""

    id: int
    change_seq: int
    deleted: bool
    title: str = ""
    author: str | None = None
    site: str | None = None
    url: str | None = None
    text: str = ""
    published: str | None = None
    added: str | None = None
    tags: tuple[str, ...] = ()
    highlights: tuple[str, ...] = ()
    highlight_starts: tuple[int | None, ...] = ()  # where each highlight starts (None: orphan)
    highlight_notes: tuple[str, ...] = ()
    highlight_tags: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def index_records(conn: sqlite3.Connection, ids: Sequence[int]) -> list[IndexRecord]:
    """Index records for ``ids``, in that order; missing or deleted ones come back deleted."""
    if not ids:
        return []
    out: dict[int, IndexRecord] = {}
    for chunk_start in range(0, len(ids), 500):
        chunk = list(ids[chunk_start:chunk_start + 500])
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT a.id, COALESCE(c.change_seq, 0) AS change_seq, a.deleted_at, a.title, a.author, a.site,"
            f" a.url, a.text, a.published, a.added FROM articles a"
            f" LEFT JOIN article_changes c ON c.article_id = a.id WHERE a.id IN ({marks})",
            chunk,
        ).fetchall()
        tags = _group(conn.execute(
            f"SELECT at.article_id, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id"
            f" WHERE at.article_id IN ({marks})", chunk))
        hl = conn.execute(
            f"SELECT article_id, exact, note, start FROM highlights WHERE article_id IN ({marks}) ORDER BY start",
            chunk,
        ).fetchall()
        htags = _group(conn.execute(
            f"SELECT h.article_id, t.name FROM highlight_tags ht JOIN highlights h ON h.id = ht.highlight_id"
            f" JOIN tags t ON t.id = ht.tag_id WHERE h.article_id IN ({marks})", chunk))
        notes = _group(conn.execute(
            f"SELECT article_id, body FROM notes WHERE article_id IN ({marks}) ORDER BY id", chunk))
        hl_text: dict[int, list[str]] = {}
        hl_starts: dict[int, list[int | None]] = {}
        hl_notes: dict[int, list[str]] = {}
        for r in hl:
            hl_text.setdefault(r[0], []).append(r[1])
            hl_starts.setdefault(r[0], []).append(r[3])
            if r[2]:
                hl_notes.setdefault(r[0], []).append(r[2])
        for r in rows:
            aid = r["id"]
            if r["deleted_at"] is not None:
                out[aid] = IndexRecord(aid, r["change_seq"], True)
                continue
            out[aid] = IndexRecord(
                id=aid,
                change_seq=r["change_seq"],
                deleted=False,
                title=r["title"],
                author=r["author"],
                site=r["site"],
                url=r["url"],
                text=r["text"],
                published=r["published"],
                added=r["added"],
                tags=tuple(tags.get(aid, ())),
                highlights=tuple(hl_text.get(aid, ())),
                highlight_starts=tuple(hl_starts.get(aid, ())),
                highlight_notes=tuple(hl_notes.get(aid, ())),
                highlight_tags=tuple(sorted(set(htags.get(aid, ())))),
                notes=tuple(notes.get(aid, ())),
            )
    tomb_seq = {
        r[0]: r[1]
        for r in conn.execute(
            f"SELECT article_id, change_seq FROM tombstones WHERE article_id IN ({','.join('?' * len(ids))})",
            list(ids),
        ).fetchall()
    } if len(ids) <= 900 else {}
    return [out.get(i) or IndexRecord(i, tomb_seq.get(i, 0), True) for i in ids]


def texts(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, str]:
    """Canonical texts of ``ids`` in one query (for search snippets)."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    return {r[0]: r[1] for r in conn.execute(f"SELECT id, text FROM articles WHERE id IN ({marks})", list(ids))}


def live_titles_and_texts(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """(title, canonical text) of the live articles among ``ids`` (a page of search results)."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    return {
        r[0]: (r[1], r[2])
        for r in conn.execute(
            f"SELECT id, title, text FROM articles WHERE deleted_at IS NULL AND id IN ({marks})", list(ids))
    }


def highlights_for_results(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """The placed highlights of ``ids`` (id, start, end, note, tags), by article, in text order:
    a search match only in a highlight's quote, note or tags points at one of them."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    tags = _group(conn.execute(
        f"SELECT ht.highlight_id, t.name FROM highlight_tags ht JOIN tags t ON t.id = ht.tag_id"
        f" JOIN highlights h ON h.id = ht.highlight_id WHERE h.article_id IN ({marks})", list(ids)))
    out: dict[int, list[dict[str, Any]]] = {}
    for r in conn.execute(
        f"SELECT id, article_id, start, end, note FROM highlights WHERE article_id IN ({marks})"
        " AND start IS NOT NULL ORDER BY article_id, start", list(ids)
    ):
        out.setdefault(r[1], []).append(
            {"id": r[0], "start": r[2], "end": r[3], "note": r[4] or "", "tags": tags.get(r[0], [])})
    return out


def _group(cursor: Iterable[Sequence[Any]]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {}
    for key, value in cursor:
        out.setdefault(key, []).append(value)
    return out

