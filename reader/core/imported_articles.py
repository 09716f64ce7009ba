"""Storing an imported article: a new one is inserted; a re-added source is updated in
place, and its highlights are re-anchored in the new text (the ones not found become
orphans, never deleted)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from reader.core.importers import ImportedArticle, is_url
from reader.core.models import AddResult
from reader.core.storage import articles, highlights, tags, utc_now


def content_hash(imported: ImportedArticle) -> str:
    h = hashlib.sha256()
    h.update(imported.title.encode("utf-8", "surrogatepass"))
    h.update(b"\0")
    h.update(imported.document.to_json().encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def source_key(source: str) -> str:
    """What identifies a source across re-adds: the URL, or the resolved path."""
    if is_url(source):
        return source.strip()
    return str(Path(source).expanduser().resolve())


def store(
    conn: sqlite3.Connection, imported: ImportedArticle, tag_names: list[str], key: str | None, *, home: Path
) -> AddResult:
    """Insert or update one imported article (inside the caller's transaction); a PDF's
    file is kept in ``home`` (the data folder)."""
    doc = imported.document
    text = doc.text
    digest = content_hash(imported)
    now = utc_now()
    published = imported.published.isoformat() if imported.published else None
    content = {
        "title": imported.title, "author": imported.author, "site": imported.site, "url": imported.url,
        "source_path": imported.source_path, "format": imported.format, "published": published,
        "updated": now, "content_hash": digest, "document": doc.to_json(), "text": text,
        "word_count": len(text.split()),
    }
    existing = articles.find_by_source(conn, key) if key else None
    orphaned = 0
    if existing is None:
        article_id = articles.insert(conn, {**content, "source_key": key, "added": now})
        status = "added"
    else:
        article_id = existing["id"]
        if existing["content_hash"] == digest and not tag_names:
            return AddResult(article_id, imported.title, "unchanged")
        if existing["content_hash"] != digest:
            orphaned = reanchor(conn, article_id, text)
            articles.update_content(conn, article_id, content)
            status = "updated"
        else:
            status = "unchanged"
    tags.tag_article(conn, article_id, tag_names)
    if status != "unchanged":
        _store_pdf(conn, home, article_id, imported)
    return AddResult(article_id, imported.title, status, orphaned)


def _store_pdf(conn: sqlite3.Connection, home: Path, article_id: int, imported: ImportedArticle) -> None:
    """A PDF's own copy of its file and its pages (see ``reader.core.pdf_store``)."""
    from reader.core import pdf_store

    source = imported.extra.get("pdf")
    if source is None:
        pdf_store.forget(conn, article_id)
        return
    pdf_store.write_file(home, source.sha256, source.data)
    pdf_store.save(conn, article_id, source.sha256, len(source.data), source.pages)


def reanchor(conn: sqlite3.Connection, article_id: int, new_text: str) -> int:
    """Re-find every highlight of the article in ``new_text``; returns how many became orphans."""
    from reader.core import anchoring, selectors

    rows = highlights.anchors(conn, article_id)
    if not rows:
        return 0
    old = [
        selectors.Selector(
            r["start"] if r["start"] is not None else -1,
            r["end"] if r["end"] is not None else -1,
            r["exact"], r["prefix"], r["suffix"],
        )
        for r in rows
    ]
    orphaned = 0
    now = utc_now()
    for row, anchor in zip(rows, anchoring.reanchor_all(new_text, old)):
        if anchor is None:
            orphaned += 1
            highlights.move(conn, row["id"], None, now)
        else:
            highlights.move(conn, row["id"], selectors.make_selector(new_text, anchor.start, anchor.end), now)
    return orphaned
