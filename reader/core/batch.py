"""``Library.batch()``: many writes in one transaction, one notification at the end.

The JSON restore and the annotation imports write through a :class:`Batch`: it checks
what they write the way ``Library`` checks a user's input (tags, colours), reports
progress, stops on cancel (nothing is kept), and adds up what changed so the views hear
about it once. (Search hears through the change counter, which storage's triggers keep.)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.core.document import Document
from reader.core.errors import ArticleNotFound, ImportFailed
from reader.core.models import AddResult, Changes
from reader.core.storage import articles, highlights, notes, utc_now
from reader.core.validation import normalize_color, normalize_tag

if TYPE_CHECKING:
    from reader.core.importers import ImportedArticle

Progress = Callable[[int, int, str], None]
Cancel = Callable[[], bool]


class Cancelled(ImportFailed):
    """The user stopped a batch; nothing of it was kept."""


def merge_changes(parts: Iterable[Changes]) -> Changes:
    """One ``Changes`` that says everything ``parts`` say."""
    parts = list(parts)
    if not parts:
        return Changes()
    return Changes(
        articles=frozenset().union(*(c.articles for c in parts)),
        added=frozenset().union(*(c.added for c in parts)),
        deleted=frozenset().union(*(c.deleted for c in parts)),
        highlights=frozenset().union(*(c.highlights for c in parts)),
        notes=any(c.notes for c in parts),
        tags=any(c.tags for c in parts),
        reading=all(c.reading for c in parts),
    )


class Batch:
    """The writer handed out by ``Library.batch()``; valid only inside its ``with``."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        home: Path,
        progress: Progress | None,
        cancel: Cancel | None,
        cancelled: str,
    ):
        self._conn = conn
        self._home = home
        self._progress = progress
        self._cancel = cancel
        self._cancelled = cancelled
        self.added: set[int] = set()
        self.articles: set[int] = set()
        self.highlights: set[int] = set()
        self.notes = False
        self.tags = False
        self.other: list[Changes] = []  # from Library's own methods called inside the batch

    # -- progress and cancel -----------------------------------------------------------
    def advance(self, done: int, total: int, label: str = "") -> None:
        """Report progress; raise :class:`Cancelled` (the batch rolls back) if asked to stop."""
        if self._cancel is not None and self._cancel():
            raise Cancelled(self._cancelled)
        if self._progress is not None:
            self._progress(done, total, label)

    # -- reading what the batch needs --------------------------------------------------
    def count_articles(self, *, with_deleted: bool = False) -> int:
        return articles.count(self._conn, with_deleted=with_deleted)

    def article_briefs(self) -> list[tuple[int, str, str | None, str, str | None]]:
        """(id, title, url, format, author) of every live article."""
        return articles.briefs(self._conn)

    def article_text(self, article_id: int) -> str:
        return self._row(article_id)["text"]

    def article_document(self, article_id: int) -> tuple[str, Document]:
        row = self._row(article_id)
        return row["title"], Document.from_json(row["document"])

    def highlight_quotes(self, article_id: int) -> list[tuple[int, str, str]]:
        """(id, exact, note) of the article's highlights."""
        return highlights.quotes(self._conn, article_id)

    def note_bodies(self, article_id: int) -> list[str]:
        return [n.body for n in notes.of_article(self._conn, article_id)]

    def _row(self, article_id: int) -> Any:
        row = articles.get_row(self._conn, article_id)
        if row is None:
            raise ArticleNotFound(article_id)
        return row

    # -- writing -------------------------------------------------------------------------
    def store_imported(
        self, imported: ImportedArticle, tags: Iterable[str] = (), source_key: str | None = None
    ) -> AddResult:
        from reader.core import imported_articles

        names = [normalize_tag(t) for t in tags]
        result = imported_articles.store(self._conn, imported, names, source_key, home=self._home)
        if result.status == "added":
            self.added.add(result.article_id)
        elif result.status == "updated" or names:
            self.articles.add(result.article_id)
        self.tags = self.tags or bool(names)
        return result

    def restore_article(self, values: dict[str, Any], tags: Iterable[str] = ()) -> int:
        """Insert an article as an export recorded it (its id kept when ``values`` has one)."""
        from reader.core.storage import tags as tag_rows

        names = [normalize_tag(t) for t in tags]
        article_id = articles.insert(self._conn, values)
        tag_rows.tag_article(self._conn, article_id, names)
        self.added.add(article_id)
        self.tags = self.tags or bool(names)
        return article_id

    def restore_pdf(self, article_id: int, record: dict[str, Any], text_length: int) -> None:
        """Bring back a PDF's file and pages from an export record (ValueError when malformed)."""
        from reader.core import pdf_store

        pdf_store.restore_record(self._conn, self._home, article_id, record, text_length)

    def replace_document(self, article_id: int, document: Document, digest: str) -> None:
        """New content for an article whose highlights keep their offsets (text only appended)."""
        text = document.text
        articles.update_content(
            self._conn, article_id,
            {"document": document.to_json(), "text": text, "word_count": len(text.split()),
             "content_hash": digest, "updated": utc_now()},
        )
        self._changed(article_id)

    def add_highlight(
        self,
        article_id: int,
        *,
        start: int | None,
        end: int | None,
        exact: str,
        prefix: str = "",
        suffix: str = "",
        color: str = "yellow",
        note: str = "",
        tags: Iterable[str] = (),
        created: str | None = None,
        updated: str | None = None,
        highlight_id: int | None = None,
    ) -> int:
        """A highlight of ``[start, end)`` (both None: an orphan, known by its quote)."""
        names = [normalize_tag(t) for t in tags]
        created = created or utc_now()
        hid = highlights.insert(
            self._conn, article_id, start, end, exact, prefix, suffix, color=normalize_color(color), note=note,
            created=created, updated=updated or created, tags=names, highlight_id=highlight_id,
        )
        self.highlights.add(hid)
        self.tags = self.tags or bool(names)
        self._changed(article_id)
        return hid

    def set_highlight_note(self, article_id: int, highlight_id: int, note: str) -> None:
        highlights.update(self._conn, highlight_id, utc_now(), note=note)
        self.highlights.add(highlight_id)
        self.notes = True
        self._changed(article_id)

    def add_note(
        self,
        article_id: int,
        body: str,
        *,
        created: str | None = None,
        updated: str | None = None,
        note_id: int | None = None,
    ) -> int:
        created = created or utc_now()
        nid = notes.insert(self._conn, article_id, body, created, updated or created, note_id=note_id)
        self.notes = True
        self._changed(article_id)
        return nid

    def _changed(self, article_id: int) -> None:
        if article_id not in self.added:
            self.articles.add(article_id)

    # -- for Library.batch() -------------------------------------------------------------
    def finish(self) -> None:
        """Called inside the transaction once the caller's writes are done (the articles are
        stamped for search by the storage's triggers as they change)."""

    def changes(self) -> Changes:
        own = Changes(
            added=frozenset(self.added),
            articles=frozenset(self.articles - self.added),
            highlights=frozenset(self.highlights),
            notes=self.notes,
            tags=self.tags,
        )
        return merge_changes([own, *self.other])

    @property
    def empty(self) -> bool:
        return not (self.added or self.articles or self.highlights or self.notes or self.tags or self.other)
