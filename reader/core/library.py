"""The ``Library`` facade: the one door the window, the CLI and the tests go through, and
the only writer.

Each mutation is one SQLite transaction, bumps the change counter that the search index
follows, and tells subscribers what it changed (a :class:`Changes`), so views refresh only
that. Tags, search and review are mixins of their own (``library_tags``, ``library_search``,
``library_review``). Destructive actions push an undo step; ``undo()`` takes back the last one. Work that
writes a lot at once (a restore, an annotation import) goes through ``batch()``: one
transaction, one notification. The SQL is in ``reader.core.storage``; storing an imported
article is in ``imported_articles``; the input rules are in ``validation``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.core import paths
from reader.core.batch import Batch
from reader.core.document import Document
from reader.core.errors import (
    ArticleNotFound,
    HighlightNotFound,
    ImportFailed,
    InvalidInput,
    NoteNotFound,
    NothingToUndo,
    ReaderError,
)
from reader.core.imported_articles import content_hash
from reader.core.imported_articles import source_key as _source_key
from reader.core.importers import ImportedArticle, import_path, is_url
from reader.core.library_review import LibraryReview
from reader.core.library_search import LibrarySearch
from reader.core.library_tags import LibraryTags
from reader.core.models import (
    READING_STATES,
    AddResult,
    Article,
    ArticleSummary,
    Changes,
    Highlight,
    Note,
)
from reader.core.review import Review
from reader.core.storage import Storage, articles, changes, highlights, notes, utc_now
from reader.core.storage import tags as tags_of
from reader.core.validation import MAX_TAG_CHARS, locate_quote, normalize_color, normalize_tag

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
"""progress(done, total, label): called as long work advances."""
Cancel = Callable[[], bool]
"""cancel(): True when the user asked to stop."""
Listener = Callable[[Changes], None]

ADD_BATCH = 250  # files stored per transaction by add_many


@dataclass
class _UndoStep:
    label: str
    run: Callable[[], Changes]


class Library(LibraryTags, LibrarySearch, LibraryReview):
    """A user's library in ``home`` (the data directory; ``READER_HOME`` by default)."""

    def __init__(
        self, home: Path | str | None = None, *, search: bool = True, auto_index: bool = True,
        background_index: bool = False,
    ):
        self.home = Path(home) if home is not None else paths.data_dir()
        self._storage = Storage(paths.database_path(self.home), backups=paths.backups_dir(self.home))
        self.search_enabled = search
        self.auto_index = auto_index
        # Big imports hand their indexing to a detached process (the CLI; see search/background.py).
        self.background_index = background_index
        self._index: Any = None
        self._listeners: list[Listener] = []
        self._undo: list[_UndoStep] = []
        self._batch: Batch | None = None
        self.reviews = Review(self._storage)  # daily review: reader/core/review.py
        self._purge_deleted()

    # -- lifecycle ---------------------------------------------------------------------
    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None
        self._purge_deleted()
        from reader.core import pdf_store

        pdf_store.collect_garbage(self._storage, self.home)
        self._storage.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def changes_since(self, seq: int) -> tuple[int, Changes]:
        """The change counter now, and the articles any process (CLI, capture) changed after ``seq``."""
        now, ids = self._storage.current_seq(), frozenset(a for a, _ in self._storage.changed_since(seq))
        return now, Changes(articles=ids, tags=bool(ids), notes=bool(ids))

    def notify(self, changes: Changes) -> Changes:
        """Bring search up to date (when auto_index) and tell subscribers what changed.

        Inside ``batch()`` it only remembers the change: the batch notifies once, at its end.
        """
        if self._batch is not None:
            self._batch.other.append(changes)
            return changes
        if self.auto_index and self.search_enabled and not changes.reading and not changes.review:
            try:
                self._index_after_change()
            except Exception as exc:  # the change is committed; the index catches up next time
                log.warning("the search index could not be updated (%s: %s); it will catch up later",
                            type(exc).__name__, exc)
        for listener in list(self._listeners):
            listener(changes)
        return changes

    @contextmanager
    def batch(
        self,
        *,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
        cancelled: str = "The work was cancelled; nothing was changed.",
    ) -> Iterator[Batch]:
        """Many writes as one transaction, notified once when it commits.

        The :class:`Batch` it yields writes what restores and imports need; ``Library``'s
        own methods may be called inside too. ``batch.advance(done, total, label)`` reports
        progress and raises ``Cancelled`` (message: ``cancelled``) when ``cancel()`` is true;
        any error rolls all of it back.
        """
        if self._batch is not None:
            raise RuntimeError("Library.batch() does not nest")
        with self._storage.transaction() as conn:
            batch = Batch(conn, self.home, progress, cancel, cancelled)
            self._batch = batch
            try:
                yield batch
                batch.finish()
            finally:
                self._batch = None
        if not batch.empty:
            self.notify(batch.changes())

    def _purge_deleted(self) -> None:
        """Deleted articles stay restorable for the session; the next start removes them."""
        from reader.core import pdf_store

        with self._storage.read() as conn:
            if not changes.has_soft_deleted(conn):
                return
        kept_files = pdf_store.files_of_deleted(self._storage)
        with self._storage.transaction() as conn:
            changes.purge_soft_deleted(conn)
        pdf_store.release(self._storage, self.home, kept_files)

    # -- health (what tests and `reader doctor`-style checks read) ----------------------
    def schema_version(self) -> int:
        return self._storage.version

    def integrity_check(self) -> str:
        """SQLite's own check of the database file: "ok" when sound."""
        return self._storage.integrity_check()

    def change_seq(self) -> int:
        """The library's change counter (the search index follows it)."""
        return self._storage.current_seq()

    # -- adding ------------------------------------------------------------------------
    def add(self, source: str | os.PathLike[str], tags: Iterable[str] = ()) -> AddResult:
        """Import a file path or an http(s) URL; re-adding the same source updates it."""
        source = os.fspath(source)
        if is_url(source):
            from reader.core.importers import import_url

            imported = import_url(source)
        else:
            imported = import_path(source)
        return self.add_imported(imported, tags, source_key=_source_key(source))

    def add_text(self, text: str, *, name: str = "Pasted text", tags: Iterable[str] = ()) -> AddResult:
        """Import text pasted by the user (plain text or Markdown or HTML, by content)."""
        from reader.core.importers import import_bytes

        imported = import_bytes(text.encode("utf-8"), name)
        return self.add_imported(imported, tags, source_key=None)

    def add_imported(
        self, imported: ImportedArticle, tags: Iterable[str] = (), *, source_key: str | None = None
    ) -> AddResult:
        tag_names = [normalize_tag(t) for t in tags]
        result = self.store_imported(imported, tag_names, source_key)
        ids = frozenset({result.article_id})
        self.notify(
            Changes(
                added=ids if result.status == "added" else frozenset(),
                articles=ids if result.status != "added" else frozenset(),
                tags=bool(tag_names),
            )
        )
        return result

    def add_many(
        self,
        sources: Sequence[str | os.PathLike[str]],
        tags: Iterable[str] = (),
        *,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> list[AddResult | ReaderError]:
        """Import many inputs, stored a batch per transaction; a bad file spoils nothing else.

        Returns one entry per source handled: its result or the error that stopped it.
        Stops early when ``cancel()`` is true (already imported articles stay).
        """
        tag_names = [normalize_tag(t) for t in tags]
        results: list[Any] = []  # AddResult | ReaderError, None until its batch is stored
        added: set[int] = set()
        updated: set[int] = set()
        total = len(sources)
        parsed: list[tuple[int, ImportedArticle, str]] = []  # (slot in results, article, source key)

        def store(batch: list[tuple[int, ImportedArticle, str]]) -> None:
            # One transaction per batch: a commit waits for the disk (~20 ms), a file's
            # import does not. A batch that fails is stored again file by file, so a bad
            # one spoils nothing else and each failure names its file.
            try:
                with self._storage.transaction():
                    stored = [(slot, self.store_imported(imp, tag_names, key)) for slot, imp, key in batch]
            except ReaderError as exc:
                if len(batch) == 1:
                    results[batch[0][0]] = exc
                else:
                    for item in batch:
                        store([item])
                return
            for slot, result in stored:
                results[slot] = result
                (added if result.status == "added" else updated).add(result.article_id)

        for i, source in enumerate(sources):
            if cancel is not None and cancel():
                break
            name = os.fspath(source)
            if progress:
                progress(i, total, name)
            try:
                if is_url(name):
                    from reader.core.importers import import_url

                    imported = import_url(name)
                else:
                    imported = import_path(name)
            except ReaderError as exc:
                results.append(exc)
                continue
            results.append(None)  # filled in when its batch is stored
            parsed.append((len(results) - 1, imported, _source_key(name)))
            if len(parsed) >= ADD_BATCH:
                store(parsed)
                parsed = []
        if parsed:
            store(parsed)
        if progress:
            progress(len(results), total, "")
        if added or updated:
            self.notify(Changes(added=frozenset(added), articles=frozenset(updated), tags=bool(tag_names)))
        return results

    def store_imported(self, imported: ImportedArticle, tags: list[str], source_key: str | None) -> AddResult:
        """Insert or update one imported article in one transaction (joins an open one).

        Does not notify: the caller does, once, after all its writes.
        """
        from reader.core import imported_articles

        with self._storage.transaction() as conn:
            return imported_articles.store(conn, imported, tags, source_key, home=self.home)

    def pdf_layout(self, article_id: int) -> Any:
        """A PDF article's pages and file (a ``PdfLayout``), or None for other articles."""
        from reader.core import pdf_store

        return pdf_store.load(self._storage, self.home, article_id)

    # -- reading -----------------------------------------------------------------------
    def count(self) -> int:
        with self._storage.read() as conn:
            return articles.count(conn)

    def article_ids(self) -> list[int]:
        """Ids of every article, oldest first."""
        return self._storage.live_article_ids()

    def list_articles(
        self,
        *,
        tag: str | None = None,
        text: str | None = None,
        state: str | None = None,
        sort: str = "added",
        descending: bool | None = None,
        limit: int | None = None,
    ) -> list[ArticleSummary]:
        """Articles for the library list. ``text`` filters on title, author and site."""
        if sort not in ("added", "published", "title"):
            raise InvalidInput(f"'{sort}' is not a sort order; use added, published or title.")
        if descending is None:
            descending = sort != "title"
        if state and state not in READING_STATES:
            raise InvalidInput(f"'{state}' is not a reading state; use {', '.join(READING_STATES)}.")
        tag_key = normalize_tag(tag).casefold() if tag else None
        with self._storage.read() as conn:
            return articles.summaries(
                conn, tag_key=tag_key, text=text, state=state, sort=sort, descending=descending, limit=limit
            )

    def _article_row(self, article_id: int) -> Any:
        with self._storage.read() as conn:
            row = articles.get_row(conn, article_id)
        if row is None:
            raise ArticleNotFound(article_id)
        return row

    def _require_article(self, article_id: int) -> None:
        """ArticleNotFound unless the article is live; its row (megabytes for a PDF) is not read."""
        with self._storage.read() as conn:
            if not articles.is_live(conn, article_id):
                raise ArticleNotFound(article_id)

    def get(self, article_id: int) -> Article:
        row = self._article_row(article_id)
        return Article(
            id=row["id"], title=row["title"], author=row["author"], site=row["site"], url=row["url"],
            source_path=row["source_path"], format=row["format"], published=row["published"],
            added=row["added"], updated=row["updated"], reading_position=row["reading_position"],
            reading_state=row["reading_state"], document=Document.from_json(row["document"]),
            tags=self.article_tags(article_id), highlights=tuple(self.highlights(article_id)),
            notes=tuple(self.notes(article_id)),
            pdf=self.pdf_layout(article_id) if row["format"] == "pdf" else None,
        )

    def source_key(self, article_id: int) -> str | None:
        """What identifies the article's source across re-adds (resolved path or URL)."""
        with self._storage.read() as conn:
            return articles.source_key(conn, article_id)

    def article_tags(self, article_id: int) -> tuple[str, ...]:
        with self._storage.read() as conn:
            return tags_of.of_article(conn, article_id)

    # -- deleting and undo -------------------------------------------------------------
    def delete(self, article_id: int) -> Changes:
        """Delete an article (and its highlights and notes); ``undo()`` brings it back this session."""
        self._require_article(article_id)
        with self._storage.transaction() as conn:
            articles.soft_delete(conn, article_id, utc_now())

        def restore() -> Changes:
            with self._storage.transaction() as conn:
                if not articles.undelete(conn, article_id):
                    raise ArticleNotFound(article_id)
            return self.notify(Changes(added=frozenset({article_id}), tags=True))

        self._undo.append(_UndoStep(f"delete article {article_id}", restore))
        return self.notify(Changes(deleted=frozenset({article_id}), tags=True))

    def can_undo(self) -> str | None:
        """The label of the step ``undo()`` would take back, or None."""
        return self._undo[-1].label if self._undo else None

    def undo(self) -> Changes:
        if not self._undo:
            raise NothingToUndo()
        return self._undo.pop().run()

    # -- highlights --------------------------------------------------------------------
    def highlights(self, article_id: int) -> list[Highlight]:
        """The article's highlights in text order, orphans last."""
        with self._storage.read() as conn:
            return highlights.of_article(conn, article_id)

    def get_highlight(self, highlight_id: int) -> Highlight:
        with self._storage.read() as conn:
            found = highlights.get(conn, highlight_id)
        if found is None:
            raise HighlightNotFound(highlight_id)
        return found

    def add_highlight(
        self,
        article_id: int,
        start: int,
        end: int,
        *,
        color: str = "yellow",
        note: str = "",
        tags: Iterable[str] = (),
    ) -> Highlight:
        """Highlight ``[start, end)`` of the article's canonical text (Python str offsets)."""
        from reader.core import selectors

        # Only the quote and its context are read: a 300-page PDF's text is megabytes.
        lo, got = max(0, start - selectors.CONTEXT_CHARS), None
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end:
            with self._storage.read() as conn:
                got = articles.text_around(conn, article_id, start, end, selectors.CONTEXT_CHARS)
        if got is None or end > got[0]:
            text = self._article_row(article_id)["text"]  # not found, or the error needs the length
            lo, got = 0, (len(text), text)
        length, around = got
        if not (0 <= start < end <= length):
            raise InvalidInput(
                f"The range {start}-{end} is not inside article {article_id} (0-{length})."
            )
        if not around[start - lo:end - lo].strip():
            raise InvalidInput(f"The range {start}-{end} of article {article_id} holds no text to highlight.")
        color = normalize_color(color)
        tag_names = [normalize_tag(t) for t in tags]
        near = selectors.make_selector(around, start - lo, end - lo)
        sel = selectors.Selector(start, end, near.exact, near.prefix, near.suffix)
        now = utc_now()
        with self._storage.transaction() as conn:
            hid = highlights.insert(
                conn, article_id, sel.start, sel.end, sel.exact, sel.prefix, sel.suffix,
                color=color, note=note, created=now, updated=now, tags=tag_names,
            )
        self.notify(Changes(articles=frozenset({article_id}), highlights=frozenset({hid}), tags=bool(tag_names)))
        return self.get_highlight(hid)

    def find_quote(self, article_id: int, quote: str, occurrence: int | None = None) -> tuple[int, int]:
        """Where ``quote`` stands in the article, as ``(start, end)`` (see ``validation.locate_quote``)."""
        return locate_quote(self._article_row(article_id)["text"], quote, article_id, occurrence)

    def highlight_quote(self, article_id: int, quote: str, *, occurrence: int | None = None, **kwargs: Any) -> Highlight:
        start, end = self.find_quote(article_id, quote, occurrence)
        return self.add_highlight(article_id, start, end, **kwargs)

    def update_highlight(
        self,
        highlight_id: int,
        *,
        color: str | None = None,
        note: str | None = None,
        tags: Iterable[str] | None = None,
    ) -> Highlight:
        old = self.get_highlight(highlight_id)
        new_color = normalize_color(color) if color is not None else None
        tag_names = [normalize_tag(t) for t in tags] if tags is not None else None
        with self._storage.transaction() as conn:
            highlights.update(conn, highlight_id, utc_now(), color=new_color, note=note)
            if tag_names is not None:
                tags_of.set_highlight_tags(conn, highlight_id, tag_names)
        self.notify(
            Changes(
                articles=frozenset({old.article_id}),
                highlights=frozenset({highlight_id}),
                tags=tag_names is not None,
            )
        )
        return self.get_highlight(highlight_id)

    def delete_highlight(self, highlight_id: int) -> Changes:
        """Delete a highlight with its note and tags; ``undo()`` restores it exactly."""
        old = self.get_highlight(highlight_id)
        review = self.reviews.state(highlight_id)  # goes with the highlight (cascade), comes back with it
        with self._storage.transaction() as conn:
            highlights.delete(conn, highlight_id)

        def restore() -> Changes:
            with self._storage.transaction():
                self._restore_highlight(old)
                if review is not None:
                    self.reviews.put_back(old.id, review)
            return self.notify(
                Changes(articles=frozenset({old.article_id}), highlights=frozenset({old.id}), tags=bool(old.tags))
            )

        self._undo.append(_UndoStep("delete highlight", restore))
        return self.notify(
            Changes(articles=frozenset({old.article_id}), highlights=frozenset({highlight_id}), tags=bool(old.tags))
        )

    def _restore_highlight(self, h: Highlight) -> None:
        with self._storage.transaction() as conn:
            if articles.get_row(conn, h.article_id) is None:
                raise ArticleNotFound(h.article_id)
            highlights.insert(
                conn, h.article_id, h.start, h.end, h.exact, h.prefix, h.suffix, color=h.color, note=h.note,
                created=h.created, updated=h.updated, tags=h.tags, highlight_id=h.id,
            )

    # -- notes -------------------------------------------------------------------------
    def notes(self, article_id: int) -> list[Note]:
        with self._storage.read() as conn:
            return notes.of_article(conn, article_id)

    def get_note(self, note_id: int) -> Note:
        with self._storage.read() as conn:
            found = notes.get(conn, note_id)
        if found is None:
            raise NoteNotFound(note_id)
        return found

    def add_note(self, article_id: int, body: str) -> Note:
        """An article's own note (Markdown)."""
        self._require_article(article_id)
        now = utc_now()
        with self._storage.transaction() as conn:
            nid = notes.insert(conn, article_id, body, now, now)
        self.notify(Changes(articles=frozenset({article_id}), notes=True))
        return self.get_note(nid)

    def update_note(self, note_id: int, body: str) -> Note:
        old = self.get_note(note_id)
        if old.body == body:
            return old
        with self._storage.transaction() as conn:
            notes.update(conn, note_id, body, utc_now())
        self.notify(Changes(articles=frozenset({old.article_id}), notes=True))
        return self.get_note(note_id)

    def delete_note(self, note_id: int) -> Changes:
        old = self.get_note(note_id)
        with self._storage.transaction() as conn:
            notes.delete(conn, note_id)

        def restore() -> Changes:
            with self._storage.transaction() as conn:
                notes.insert(conn, old.article_id, old.body, old.created, old.updated, note_id=old.id)
            return self.notify(Changes(articles=frozenset({old.article_id}), notes=True))

        self._undo.append(_UndoStep("delete note", restore))
        return self.notify(Changes(articles=frozenset({old.article_id}), notes=True))

    # -- reading position and state ------------------------------------------------------
    def set_reading_position(self, article_id: int, position: int) -> None:
        row = self._article_row(article_id)
        position = max(0, min(int(position), len(row["text"])))
        state = row["reading_state"]
        if state == "unread" and position > 0:
            state = "reading"
        with self._storage.transaction() as conn:
            articles.set_reading(conn, article_id, state=state, position=position)
        # A position alone changes nothing any list shows; a new state does.
        shown = frozenset({article_id}) if state != row["reading_state"] else frozenset()
        self.notify(Changes(articles=shown, reading=True))

    def set_reading_state(self, article_id: int, state: str) -> None:
        self._require_article(article_id)
        if state not in READING_STATES:
            raise InvalidInput(f"'{state}' is not a reading state; use {', '.join(READING_STATES)}.")
        with self._storage.transaction() as conn:
            articles.set_reading(conn, article_id, state=state)
        self.notify(Changes(articles=frozenset({article_id}), reading=True))


__all__ = ["MAX_TAG_CHARS", "ImportFailed", "Library", "content_hash", "normalize_color", "normalize_tag"]
