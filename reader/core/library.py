"""The ``Library`` facade: the one door the window, the CLI and the tests go through.

Each mutation is one SQLite transaction, bumps the change counter that the search index
follows, and tells subscribers what it changed (a :class:`Changes`), so views refresh only
that. Destructive actions push an undo step; ``undo()`` takes back the last one.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.core import paths
from reader.core.document import Document
from reader.core.errors import (
    ArticleNotFound,
    HighlightNotFound,
    ImportFailed,
    InvalidInput,
    NoteNotFound,
    NothingToUndo,
    QuoteNotFound,
    ReaderError,
)
from reader.core.importers import ImportedArticle, import_path, is_url
from reader.core.models import (
    COLORS,
    READING_STATES,
    AddResult,
    Article,
    ArticleSummary,
    Changes,
    Highlight,
    Note,
)
from reader.core.storage import Storage, utc_now

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
"""progress(done, total, label): called as long work advances."""
Cancel = Callable[[], bool]
"""cancel(): True when the user asked to stop."""
Listener = Callable[[Changes], None]

MAX_TAG_CHARS = 100
ADD_BATCH = 250  # files stored per transaction by add_many
_HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass
class _UndoStep:
    label: str
    run: Callable[[], Changes]


def content_hash(imported: ImportedArticle) -> str:
    h = hashlib.sha256()
    h.update(imported.title.encode("utf-8", "surrogatepass"))
    h.update(b"\0")
    h.update(imported.document.to_json().encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _source_key(source: str) -> str:
    if is_url(source):
        return source.strip()
    return str(Path(source).expanduser().resolve())


def normalize_tag(tag: str) -> str:
    name = " ".join(str(tag).split()).lstrip("#")
    if not name:
        raise InvalidInput("A tag cannot be empty.")
    if len(name) > MAX_TAG_CHARS:
        raise InvalidInput(f"The tag '{name[:30]}…' is too long (the limit is {MAX_TAG_CHARS} characters).")
    return name


def normalize_color(color: str) -> str:
    value = color.strip().lower()
    if value in COLORS or _HEX_COLOR.match(value):
        return value
    raise InvalidInput(f"'{color}' is not a highlight colour; use one of {', '.join(COLORS)} or #rrggbb.")


class Library:
    """A user's library in ``home`` (the data directory; ``READER_HOME`` by default)."""

    def __init__(
        self, home: Path | str | None = None, *, search: bool = True, auto_index: bool = True,
        background_index: bool = False,
    ):
        self.home = Path(home) if home is not None else paths.data_dir()
        self.storage = Storage(paths.database_path(self.home), backups=paths.backups_dir(self.home))
        self.search_enabled = search
        self.auto_index = auto_index
        # Big imports hand their indexing to a detached process (the CLI; see search/background.py).
        self.background_index = background_index
        self._index: Any = None
        self._listeners: list[Listener] = []
        self._undo: list[_UndoStep] = []
        self._purge_deleted()

    # -- lifecycle ---------------------------------------------------------------------
    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None
        self._purge_deleted()
        self.storage.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def notify(self, changes: Changes) -> Changes:
        """Bring search up to date (when auto_index) and tell subscribers what changed.

        Modules that write through ``storage.transaction()`` themselves (restore, annotation
        imports) call this after their transaction commits.
        """
        if self.auto_index and self.search_enabled and not changes.reading:
            try:
                self._index_after_change()
            except Exception as exc:  # the change is committed; the index catches up next time
                log.warning("the search index could not be updated (%s: %s); it will catch up later",
                            type(exc).__name__, exc)
        for listener in list(self._listeners):
            listener(changes)
        return changes

    def _purge_deleted(self) -> None:
        """Deleted articles stay restorable for the session; the next start removes them."""
        if not self.storage.query_one("SELECT 1 FROM articles WHERE deleted_at IS NOT NULL LIMIT 1"):
            return
        with self.storage.transaction() as conn:
            seq = self.storage.next_seq(conn)
            conn.execute(
                "INSERT OR REPLACE INTO tombstones (article_id, change_seq)"
                " SELECT id, ? FROM articles WHERE deleted_at IS NOT NULL",
                (seq,),
            )
            conn.execute("DELETE FROM articles WHERE deleted_at IS NOT NULL")
            self.storage.drop_unused_tags(conn)

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
                with self.storage.transaction():
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
        doc = imported.document
        text = doc.text
        digest = content_hash(imported)
        now = utc_now()
        published = imported.published.isoformat() if imported.published else None
        with self.storage.transaction() as conn:
            existing = None
            if source_key:
                existing = conn.execute(
                    "SELECT id, content_hash, text FROM articles WHERE source_key = ? AND deleted_at IS NULL",
                    (source_key,),
                ).fetchone()
            orphaned = 0
            if existing is None:
                seq = self.storage.next_seq(conn)
                article_id = conn.execute(
                    "INSERT INTO articles (title, author, site, url, source_path, source_key, format,"
                    " published, added, updated, content_hash, document, text, word_count, change_seq)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        imported.title, imported.author, imported.site, imported.url,
                        imported.source_path, source_key, imported.format, published, now, now,
                        digest, doc.to_json(), text, len(text.split()), seq,
                    ),
                ).lastrowid
                status = "added"
            else:
                article_id = existing["id"]
                if existing["content_hash"] == digest and not tags:
                    return AddResult(article_id, imported.title, "unchanged")
                if existing["content_hash"] != digest:
                    orphaned = self._reanchor(conn, article_id, existing["text"], text)
                    conn.execute(
                        "UPDATE articles SET title = ?, author = ?, site = ?, url = ?, source_path = ?,"
                        " format = ?, published = ?, updated = ?, content_hash = ?, document = ?, text = ?,"
                        " word_count = ?, reading_position = MIN(reading_position, ?) WHERE id = ?",
                        (
                            imported.title, imported.author, imported.site, imported.url,
                            imported.source_path, imported.format, published, now, digest,
                            doc.to_json(), text, len(text.split()), len(text), article_id,
                        ),
                    )
                    status = "updated"
                else:
                    status = "unchanged"
                self.storage.touch(conn, [article_id])
            for tag in tags:
                conn.execute(
                    "INSERT OR IGNORE INTO article_tags (article_id, tag_id) VALUES (?, ?)",
                    (article_id, self.storage.tag_id(conn, tag)),
                )
        return AddResult(article_id, imported.title, status, orphaned)

    def _reanchor(self, conn: Any, article_id: int, old_text: str, new_text: str) -> int:
        """Re-find every highlight in the new text; the ones not found become orphans."""
        from reader.core import anchoring

        rows = conn.execute(
            "SELECT id, start, end, exact, prefix, suffix FROM highlights WHERE article_id = ?", (article_id,)
        ).fetchall()
        if not rows:
            return 0
        selectors = [
            anchoring.Selector(
                r["start"] if r["start"] is not None else -1,
                r["end"] if r["end"] is not None else -1,
                r["exact"], r["prefix"], r["suffix"],
            )
            for r in rows
        ]
        anchors = anchoring.reanchor_all(new_text, selectors)
        orphaned = 0
        now = utc_now()
        for row, anchor in zip(rows, anchors):
            if anchor is None:
                orphaned += 1
                conn.execute("UPDATE highlights SET start = NULL, end = NULL, updated = ? WHERE id = ?", (now, row["id"]))
            else:
                sel = anchoring.make_selector(new_text, anchor.start, anchor.end)
                conn.execute(
                    "UPDATE highlights SET start = ?, end = ?, exact = ?, prefix = ?, suffix = ?, updated = ?"
                    " WHERE id = ?",
                    (sel.start, sel.end, sel.exact, sel.prefix, sel.suffix, now, row["id"]),
                )
        return orphaned

    # -- reading -----------------------------------------------------------------------
    def count(self) -> int:
        return self.storage.query_one("SELECT COUNT(*) FROM articles WHERE deleted_at IS NULL")[0]

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
        order = {"added": "a.added", "published": "COALESCE(a.published, a.added)", "title": "a.title COLLATE NOCASE"}
        if sort not in order:
            raise InvalidInput(f"'{sort}' is not a sort order; use added, published or title.")
        if descending is None:
            descending = sort != "title"
        where = ["a.deleted_at IS NULL"]
        params: list[Any] = []
        if tag:
            where.append(
                "a.id IN (SELECT at.article_id FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE t.key = ?)"
            )
            params.append(normalize_tag(tag).casefold())
        if text:
            where.append("(a.title LIKE ? OR a.author LIKE ? OR a.site LIKE ?)")
            like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            where[-1] = where[-1].replace("?", "? ESCAPE '\\'")
            params += [like, like, like]
        if state:
            if state not in READING_STATES:
                raise InvalidInput(f"'{state}' is not a reading state; use {', '.join(READING_STATES)}.")
            where.append("a.reading_state = ?")
            params.append(state)
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
            f" ORDER BY {order[sort]} {'DESC' if descending else 'ASC'}, a.id {'DESC' if descending else 'ASC'}"
        )
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [
            ArticleSummary(
                aid, title, author, site, url, published, added, state,
                tuple(sorted(tags.split("\x1f"), key=str.casefold)) if tags else (), hl, words,
            )
            for aid, title, author, site, url, published, added, state, words, hl, tags in self.storage.query(sql, params)
        ]

    def _article_row(self, article_id: int) -> Any:
        row = self.storage.query_one("SELECT * FROM articles WHERE id = ? AND deleted_at IS NULL", (int(article_id),))
        if row is None:
            raise ArticleNotFound(article_id)
        return row

    def get(self, article_id: int) -> Article:
        row = self._article_row(article_id)
        return Article(
            id=row["id"], title=row["title"], author=row["author"], site=row["site"], url=row["url"],
            source_path=row["source_path"], format=row["format"], published=row["published"],
            added=row["added"], updated=row["updated"], reading_position=row["reading_position"],
            reading_state=row["reading_state"], document=Document.from_json(row["document"]),
            tags=self.article_tags(article_id), highlights=tuple(self.highlights(article_id)),
            notes=tuple(self.notes(article_id)),
        )

    def article_tags(self, article_id: int) -> tuple[str, ...]:
        rows = self.storage.query(
            "SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = ?"
            " ORDER BY t.key",
            (article_id,),
        )
        return tuple(r[0] for r in rows)

    # -- deleting and undo -------------------------------------------------------------
    def delete(self, article_id: int) -> Changes:
        """Delete an article (and its highlights and notes); ``undo()`` brings it back this session."""
        self._article_row(article_id)
        with self.storage.transaction() as conn:
            conn.execute("UPDATE articles SET deleted_at = ? WHERE id = ?", (utc_now(), article_id))
            self.storage.touch(conn, [article_id])

        def restore() -> Changes:
            with self.storage.transaction() as conn:
                row = conn.execute("SELECT source_key FROM articles WHERE id = ?", (article_id,)).fetchone()
                if row is None:
                    raise ArticleNotFound(article_id)
                clash = row["source_key"] and conn.execute(
                    "SELECT 1 FROM articles WHERE source_key = ? AND deleted_at IS NULL", (row["source_key"],)
                ).fetchone()
                if clash:  # the same file was added again since: keep both, the old one unlinked
                    conn.execute("UPDATE articles SET source_key = NULL WHERE id = ?", (article_id,))
                conn.execute("UPDATE articles SET deleted_at = NULL WHERE id = ?", (article_id,))
                self.storage.touch(conn, [article_id])
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
        rows = self.storage.query(
            "SELECT * FROM highlights WHERE article_id = ? ORDER BY start IS NULL, start, end, id", (article_id,)
        )
        tags = self._highlight_tags([r["id"] for r in rows])
        return [self._highlight_from_row(r, tags.get(r["id"], ())) for r in rows]

    def get_highlight(self, highlight_id: int) -> Highlight:
        row = self.storage.query_one("SELECT * FROM highlights WHERE id = ?", (highlight_id,))
        if row is None:
            raise HighlightNotFound(highlight_id)
        return self._highlight_from_row(row, self._highlight_tags([highlight_id]).get(highlight_id, ()))

    def _highlight_tags(self, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        if not ids:
            return {}
        out: dict[int, list[str]] = {}
        for chunk in range(0, len(ids), 900):
            part = list(ids[chunk:chunk + 900])
            for r in self.storage.query(
                "SELECT ht.highlight_id, t.name FROM highlight_tags ht JOIN tags t ON t.id = ht.tag_id"
                f" WHERE ht.highlight_id IN ({','.join('?' * len(part))}) ORDER BY t.key",
                part,
            ):
                out.setdefault(r[0], []).append(r[1])
        return {k: tuple(v) for k, v in out.items()}

    @staticmethod
    def _highlight_from_row(r: Any, tags: tuple[str, ...]) -> Highlight:
        return Highlight(
            id=r["id"], article_id=r["article_id"], start=r["start"], end=r["end"], exact=r["exact"],
            prefix=r["prefix"], suffix=r["suffix"], color=r["color"], note=r["note"], tags=tags,
            created=r["created"], updated=r["updated"],
        )

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
        from reader.core import anchoring

        row = self._article_row(article_id)
        text = row["text"]
        if not (0 <= start < end <= len(text)):
            raise InvalidInput(
                f"The range {start}-{end} is not inside article {article_id} (0-{len(text)})."
            )
        if not text[start:end].strip():
            raise InvalidInput(f"The range {start}-{end} of article {article_id} holds no text to highlight.")
        color = normalize_color(color)
        tag_names = [normalize_tag(t) for t in tags]
        sel = anchoring.make_selector(text, start, end)
        now = utc_now()
        with self.storage.transaction() as conn:
            hid = conn.execute(
                "INSERT INTO highlights (article_id, start, end, exact, prefix, suffix, color, note, created, updated)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (article_id, sel.start, sel.end, sel.exact, sel.prefix, sel.suffix, color, note, now, now),
            ).lastrowid
            for tag in tag_names:
                conn.execute(
                    "INSERT OR IGNORE INTO highlight_tags (highlight_id, tag_id) VALUES (?, ?)",
                    (hid, self.storage.tag_id(conn, tag)),
                )
            self.storage.touch(conn, [article_id])
        self.notify(Changes(articles=frozenset({article_id}), highlights=frozenset({hid}), tags=bool(tag_names)))
        return self.get_highlight(hid)

    def find_quote(self, article_id: int, quote: str, occurrence: int | None = None) -> tuple[int, int]:
        """Where ``quote`` stands in the article, as ``(start, end)``.

        Exact text first, then ignoring case and how whitespace runs. A quote found more than
        once is an error unless ``occurrence`` (1-based) says which one is meant.
        """
        from reader.core import anchoring

        text = self._article_row(article_id)["text"]
        quote = quote.strip()
        if not quote:
            raise InvalidInput("The quote to highlight is empty.")
        matches = [(s, s + len(quote)) for s in anchoring.find_quote(text, quote)]
        if not matches:
            matches = anchoring.find_quote_loose(text, quote)
        if not matches:
            raise QuoteNotFound(f"The quote '{_short(quote)}' is not in article {article_id}.")
        if occurrence is not None:
            if not 1 <= occurrence <= len(matches):
                raise QuoteNotFound(
                    f"The quote '{_short(quote)}' stands {len(matches)} time(s) in article {article_id},"
                    f" so there is no occurrence {occurrence}."
                )
            return matches[occurrence - 1]
        if len(matches) > 1:
            raise QuoteNotFound(
                f"The quote '{_short(quote)}' stands {len(matches)} times in article {article_id};"
                " quote more words or pick one with --nth."
            )
        return matches[0]

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
        with self.storage.transaction() as conn:
            sets, params = ["updated = ?"], [utc_now()]
            if new_color is not None:
                sets.append("color = ?")
                params.append(new_color)
            if note is not None:
                sets.append("note = ?")
                params.append(note)
            conn.execute(f"UPDATE highlights SET {', '.join(sets)} WHERE id = ?", (*params, highlight_id))
            if tag_names is not None:
                conn.execute("DELETE FROM highlight_tags WHERE highlight_id = ?", (highlight_id,))
                for tag in tag_names:
                    conn.execute(
                        "INSERT OR IGNORE INTO highlight_tags (highlight_id, tag_id) VALUES (?, ?)",
                        (highlight_id, self.storage.tag_id(conn, tag)),
                    )
                self.storage.drop_unused_tags(conn)
            if note is not None or tag_names is not None:
                self.storage.touch(conn, [old.article_id])
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
        with self.storage.transaction() as conn:
            conn.execute("DELETE FROM highlights WHERE id = ?", (highlight_id,))
            self.storage.drop_unused_tags(conn)
            self.storage.touch(conn, [old.article_id])

        def restore() -> Changes:
            self._restore_highlight(old)
            return self.notify(
                Changes(articles=frozenset({old.article_id}), highlights=frozenset({old.id}), tags=bool(old.tags))
            )

        self._undo.append(_UndoStep("delete highlight", restore))
        return self.notify(
            Changes(articles=frozenset({old.article_id}), highlights=frozenset({highlight_id}), tags=bool(old.tags))
        )

    def _restore_highlight(self, h: Highlight) -> None:
        with self.storage.transaction() as conn:
            if conn.execute("SELECT 1 FROM articles WHERE id = ? AND deleted_at IS NULL", (h.article_id,)).fetchone() is None:
                raise ArticleNotFound(h.article_id)
            conn.execute(
                "INSERT INTO highlights (id, article_id, start, end, exact, prefix, suffix, color, note, created, updated)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (h.id, h.article_id, h.start, h.end, h.exact, h.prefix, h.suffix, h.color, h.note, h.created, h.updated),
            )
            for tag in h.tags:
                conn.execute(
                    "INSERT OR IGNORE INTO highlight_tags (highlight_id, tag_id) VALUES (?, ?)",
                    (h.id, self.storage.tag_id(conn, tag)),
                )
            self.storage.touch(conn, [h.article_id])

    # -- notes -------------------------------------------------------------------------
    def notes(self, article_id: int) -> list[Note]:
        rows = self.storage.query("SELECT * FROM notes WHERE article_id = ? ORDER BY id", (article_id,))
        return [Note(r["id"], r["article_id"], r["body"], r["created"], r["updated"]) for r in rows]

    def get_note(self, note_id: int) -> Note:
        r = self.storage.query_one("SELECT * FROM notes WHERE id = ?", (note_id,))
        if r is None:
            raise NoteNotFound(note_id)
        return Note(r["id"], r["article_id"], r["body"], r["created"], r["updated"])

    def add_note(self, article_id: int, body: str) -> Note:
        """An article's own note (Markdown)."""
        self._article_row(article_id)
        now = utc_now()
        with self.storage.transaction() as conn:
            nid = conn.execute(
                "INSERT INTO notes (article_id, body, created, updated) VALUES (?, ?, ?, ?)",
                (article_id, body, now, now),
            ).lastrowid
            self.storage.touch(conn, [article_id])
        self.notify(Changes(articles=frozenset({article_id}), notes=True))
        return self.get_note(nid)

    def update_note(self, note_id: int, body: str) -> Note:
        old = self.get_note(note_id)
        if old.body == body:
            return old
        with self.storage.transaction() as conn:
            conn.execute("UPDATE notes SET body = ?, updated = ? WHERE id = ?", (body, utc_now(), note_id))
            self.storage.touch(conn, [old.article_id])
        self.notify(Changes(articles=frozenset({old.article_id}), notes=True))
        return self.get_note(note_id)

    def delete_note(self, note_id: int) -> Changes:
        old = self.get_note(note_id)
        with self.storage.transaction() as conn:
            conn.execute("DELETE FROM notes WHERE id = ?", (note_id,))
            self.storage.touch(conn, [old.article_id])

        def restore() -> Changes:
            with self.storage.transaction() as conn:
                conn.execute(
                    "INSERT INTO notes (id, article_id, body, created, updated) VALUES (?, ?, ?, ?, ?)",
                    (old.id, old.article_id, old.body, old.created, old.updated),
                )
                self.storage.touch(conn, [old.article_id])
            return self.notify(Changes(articles=frozenset({old.article_id}), notes=True))

        self._undo.append(_UndoStep("delete note", restore))
        return self.notify(Changes(articles=frozenset({old.article_id}), notes=True))

    # -- tags --------------------------------------------------------------------------
    def tag(self, article_id: int, *tags: str) -> tuple[str, ...]:
        self._article_row(article_id)
        names = [normalize_tag(t) for t in tags]
        with self.storage.transaction() as conn:
            for name in names:
                conn.execute(
                    "INSERT OR IGNORE INTO article_tags (article_id, tag_id) VALUES (?, ?)",
                    (article_id, self.storage.tag_id(conn, name)),
                )
            self.storage.touch(conn, [article_id])
        self.notify(Changes(articles=frozenset({article_id}), tags=True))
        return self.article_tags(article_id)

    def untag(self, article_id: int, *tags: str) -> tuple[str, ...]:
        self._article_row(article_id)
        keys = [normalize_tag(t).casefold() for t in tags]
        with self.storage.transaction() as conn:
            for key in keys:
                conn.execute(
                    "DELETE FROM article_tags WHERE article_id = ? AND tag_id = (SELECT id FROM tags WHERE key = ?)",
                    (article_id, key),
                )
            self.storage.drop_unused_tags(conn)
            self.storage.touch(conn, [article_id])
        self.notify(Changes(articles=frozenset({article_id}), tags=True))
        return self.article_tags(article_id)

    def all_tags(self) -> list[tuple[str, int]]:
        """Every tag with the number of articles and highlights that carry it, by name."""
        rows = self.storage.query(
            "SELECT t.name,"
            " (SELECT COUNT(*) FROM article_tags at JOIN articles a ON a.id = at.article_id"
            "   WHERE at.tag_id = t.id AND a.deleted_at IS NULL)"
            " + (SELECT COUNT(*) FROM highlight_tags ht WHERE ht.tag_id = t.id) AS n"
            " FROM tags t ORDER BY t.key"
        )
        return [(r[0], r[1]) for r in rows]

    def rename_tag(self, old: str, new: str) -> Changes:
        """Rename a tag everywhere; renaming onto an existing tag merges the two."""
        old_key = normalize_tag(old).casefold()
        new_name = normalize_tag(new)
        with self.storage.transaction() as conn:
            src = conn.execute("SELECT id FROM tags WHERE key = ?", (old_key,)).fetchone()
            if src is None:
                raise InvalidInput(f"There is no tag '{old}'.")
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
            self.storage.touch(conn, affected)
        return self.notify(Changes(articles=frozenset(affected), tags=True))

    merge_tags = rename_tag

    def tag_highlight(self, highlight_id: int, *tags: str) -> Highlight:
        h = self.get_highlight(highlight_id)
        return self.update_highlight(highlight_id, tags=[*h.tags, *tags])

    def untag_highlight(self, highlight_id: int, *tags: str) -> Highlight:
        h = self.get_highlight(highlight_id)
        drop = {normalize_tag(t).casefold() for t in tags}
        return self.update_highlight(highlight_id, tags=[t for t in h.tags if t.casefold() not in drop])

    # -- reading position and state ------------------------------------------------------
    def set_reading_position(self, article_id: int, position: int) -> None:
        row = self._article_row(article_id)
        position = max(0, min(int(position), len(row["text"])))
        state = row["reading_state"]
        if state == "unread" and position > 0:
            state = "reading"
        with self.storage.transaction() as conn:
            conn.execute(
                "UPDATE articles SET reading_position = ?, reading_state = ? WHERE id = ?",
                (position, state, article_id),
            )
        # A position alone changes nothing any list shows; a new state does.
        shown = frozenset({article_id}) if state != row["reading_state"] else frozenset()
        self.notify(Changes(articles=shown, reading=True))

    def set_reading_state(self, article_id: int, state: str) -> None:
        self._article_row(article_id)
        if state not in READING_STATES:
            raise InvalidInput(f"'{state}' is not a reading state; use {', '.join(READING_STATES)}.")
        with self.storage.transaction() as conn:
            conn.execute("UPDATE articles SET reading_state = ? WHERE id = ?", (state, article_id))
        self.notify(Changes(articles=frozenset({article_id}), reading=True))

    # -- search ------------------------------------------------------------------------
    @property
    def index(self) -> Any:
        """The search index, opened (and repaired if needed) on first use."""
        if self._index is None:
            from reader.core.search import SearchIndex

            self._index = SearchIndex(paths.index_dir(self.home), self.storage)
        return self._index

    def index_catch_up(self, progress: Progress | None = None, cancel: Cancel | None = None) -> int:
        """Bring the index up to date with SQLite; returns how many articles it (re)indexed."""
        if not self.search_enabled:
            return 0
        return self.index.catch_up(progress=progress, cancel=cancel)

    def index_status(self) -> Any:
        """How many articles wait to be indexed and whether a background indexer is at work
        on them (``IndexStatus``), without opening the index: cheap enough for a status bar."""
        from reader.core.search.status import index_status

        return index_status(self.home, self.storage)

    def _index_after_change(self) -> None:
        from reader.core.search.follow import index_after_change

        index_after_change(self)

    def search(self, query: str, limit: int = 20) -> list[Any]:
        """Ranked results (``SearchResults``); ``results.pending`` and ``results.notice`` say
        what is not in the index yet and why (see search/follow.py)."""
        from reader.core.search.follow import search

        return search(self, query, limit)

    def reindex(self, progress: Progress | None = None, cancel: Cancel | None = None) -> int:
        return self.index.rebuild(progress=progress, cancel=cancel)


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["Library", "ImportFailed", "normalize_tag", "normalize_color"]
