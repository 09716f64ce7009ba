"""Putting parsed sources into the library, all in one :meth:`Library.batch`: matching each
source to an article (by address, or by title and author), anchoring its highlights,
notes-only articles for what matches nothing, no duplicates."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from reader.core.annotation_imports.matching import (
    closest,
    main_title,
    normalize_title,
    normalize_url,
    same_author,
)
from reader.core.annotation_imports.model import (
    NOTES_FORMAT,
    AnnotatedSource,
    Cancel,
    Clipping,
    ImportSummary,
    Progress,
)
from reader.core.annotation_imports.sniffing import read_annotations
from reader.core.errors import InvalidInput

if TYPE_CHECKING:
    from reader.core.batch import Batch
    from reader.core.library import Library


def _quote_key(text: str) -> str:
    return " ".join(text.split())


def import_annotations(
    library: Library,
    path: str | os.PathLike[str],
    *,
    fmt: str | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> ImportSummary:
    """Import a file of highlights; all of it in one transaction (cancel: nothing is kept)."""
    found_format, sources = read_annotations(path, fmt)
    return import_sources(library, found_format, sources, progress=progress, cancel=cancel)


def import_sources(
    library: Library,
    fmt: str,
    sources: list[AnnotatedSource],
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> ImportSummary:
    run = _ImportRun(fmt)
    # One transaction through the Library (the only writer); it notifies once, at the end.
    with library.batch(
        progress=progress, cancel=cancel, cancelled="The import was cancelled; nothing was imported."
    ) as batch:
        run.load_articles(batch)
        for i, source in enumerate(sources):
            batch.advance(i, len(sources), source.title)
            run.import_source(batch, source)
    if progress:
        progress(len(sources), len(sources), "")
    return ImportSummary(
        format=fmt,
        highlights=len(run.highlight_ids),
        attached=run.attached,
        orphaned=run.orphaned,
        articles=len(run.articles_with_new),
        created=len(run.created_articles),
        duplicates=run.duplicates,
        notes=run.notes,
    )


@dataclass
class _ArticleInfo:
    id: int
    title: str
    url: str | None
    format: str
    author: str | None = None


class _ImportRun:
    """The state of one import: what the library holds, and what this import added."""

    def __init__(self, fmt: str):
        self.fmt = fmt
        self.articles: dict[int, _ArticleInfo] = {}
        self.by_url: dict[str, int] = {}
        self.by_title: dict[str, list[int]] = {}
        self.by_main_title: dict[str, list[int]] = {}
        self.highlight_ids: list[int] = []
        self.created_articles: set[int] = set()
        self.touched_articles: set[int] = set()
        self.articles_with_new: set[int] = set()
        self.attached = self.orphaned = self.duplicates = self.notes = 0
        self.tags_changed = False

    # -- matching ------------------------------------------------------------------------
    def load_articles(self, batch: Batch) -> None:
        for article_id, title, url, fmt, author in batch.article_briefs():
            self._remember(_ArticleInfo(article_id, title, url, fmt, author))

    def _remember(self, info: _ArticleInfo) -> None:
        self.articles[info.id] = info
        if info.url:
            self.by_url.setdefault(normalize_url(info.url), info.id)
        self.by_title.setdefault(normalize_title(info.title), []).append(info.id)
        main = main_title(info.title)
        if len(main) >= 4:
            self.by_main_title.setdefault(main, []).append(info.id)

    def match(self, source: AnnotatedSource) -> int | None:
        if source.url:
            found = self.by_url.get(normalize_url(source.url))
            if found is not None:
                return found
        if source.reader_article is not None and source.reader_article in self.articles:
            info = self.articles[source.reader_article]
            if not source.title or normalize_title(info.title) == normalize_title(source.title):
                return info.id
        if source.url and self.fmt in ("hypothesis", "w3c"):
            # A web page is known by its address; a title alone only when it is identical.
            return self._preferred(self.by_title.get(normalize_title(source.title)), source.author)
        return self._match_title(source.title, source.author)

    def _match_title(self, title: str, author: str | None) -> int | None:
        key = normalize_title(title)
        if not key:
            return None
        found = self._preferred(self.by_title.get(key), author)
        if found is None:
            found = self._preferred(closest(key, self.by_title), author)
        main = main_title(title)
        if found is None and len(main) >= 4:
            found = self._preferred(self.by_main_title.get(main), author)
            if found is None:
                found = self._preferred(closest(main, self.by_main_title), author)
        return found

    def _preferred(self, ids: list[int] | None, author: str | None) -> int | None:
        """Of the articles with a title, those by the same author (a book is its title and its
        author: two books that share a title are two); then a real one over a notes-only one,
        then the oldest."""
        same = [i for i in ids or () if same_author(self.articles[i].author, author)]
        return min(same, key=lambda i: (self.articles[i].format == NOTES_FORMAT, i)) if same else None

    # -- storing -------------------------------------------------------------------------
    def import_source(self, batch: Batch, source: AnnotatedSource) -> None:
        clippings = [c for c in source.clippings if c.exact.strip() or c.note.strip()]
        if not clippings:
            return
        article_id = self.match(source)
        if article_id is None:
            self._create_notes_article(batch, source, clippings)
        else:
            self._attach(batch, article_id, clippings)

    def _existing(self, batch: Batch, article_id: int) -> tuple[dict[str, tuple[int, str]], set[str]]:
        quotes = {_quote_key(exact): (hid, note) for hid, exact, note in batch.highlight_quotes(article_id)}
        notes = {_quote_key(body) for body in batch.note_bodies(article_id)}
        return quotes, notes

    def _attach(self, batch: Batch, article_id: int, clippings: list[Clipping]) -> None:
        from reader.core import anchoring

        info = self.articles[article_id]
        text = batch.article_text(article_id)
        quotes, notes = self._existing(batch, article_id)
        notes_only = info.format == NOTES_FORMAT
        new_for_text: list[Clipping] = []
        anchorer_text = text
        for clip in clippings:
            if not clip.exact.strip():
                self._add_note(batch, article_id, clip, notes)
                continue
            key = _quote_key(clip.exact)
            if key in quotes:
                self._merge_duplicate(batch, article_id, quotes[key], clip)
                continue
            sel = anchoring.Selector(
                clip.start if clip.start is not None else -1,
                clip.end if clip.end is not None else -1,
                clip.exact, clip.prefix, clip.suffix,
            )
            anchor = anchoring.reanchor(anchorer_text, sel)
            if anchor is None and notes_only:
                new_for_text.append(clip)  # grows the notes-only article instead of orphaning
                quotes[key] = (0, clip.note)
                continue
            if anchor is None:
                hid = self._insert_highlight(batch, article_id, None, clip)
                self.orphaned += 1
            else:
                hid = self._insert_highlight(batch, article_id, anchoring.make_selector(text, anchor.start, anchor.end), clip)
                self.attached += 1
            quotes[key] = (hid, clip.note)
        if new_for_text:
            self._append_to_notes_article(batch, article_id, text, new_for_text)
            self.attached += len(new_for_text)

    def _merge_duplicate(self, batch: Batch, article_id: int, existing: tuple[int, str], clip: Clipping) -> None:
        """Seen before: only a note written since (Kindle appends it later) is worth keeping."""
        hid, old_note = existing
        self.duplicates += 1
        if hid and clip.note.strip() and not old_note.strip():
            batch.set_highlight_note(article_id, hid, clip.note)
            self.notes += 1
            self.touched_articles.add(article_id)
            self.articles_with_new.add(article_id)

    def _add_note(self, batch: Batch, article_id: int, clip: Clipping, notes: set[str]) -> None:
        key = _quote_key(clip.note)
        if key in notes:
            self.duplicates += 1
            return
        notes.add(key)
        created = clip.created or _now()
        batch.add_note(article_id, clip.note.strip(), created=created, updated=clip.updated or created)
        self.notes += 1
        self.touched_articles.add(article_id)
        self.articles_with_new.add(article_id)

    def _insert_highlight(self, batch: Batch, article_id: int, sel: Any, clip: Clipping) -> int:
        from reader.core.library import normalize_color, normalize_tag

        try:
            color = normalize_color(clip.color) if clip.color else "yellow"
        except InvalidInput:
            color = "yellow"  # another tool's colour name we do not have
        created = clip.created or _now()
        if sel is None:
            where = {"start": None, "end": None, "exact": clip.exact.strip(), "prefix": clip.prefix, "suffix": clip.suffix}
        else:
            where = {"start": sel.start, "end": sel.end, "exact": sel.exact, "prefix": sel.prefix, "suffix": sel.suffix}
        tags = []
        for tag in clip.tags:
            try:
                tags.append(normalize_tag(tag))
            except InvalidInput:
                continue
        hid = batch.add_highlight(
            article_id, **where, color=color, note=clip.note.strip(), tags=tags,
            created=created, updated=clip.updated or created,
        )
        self.tags_changed = self.tags_changed or bool(tags)
        self.highlight_ids.append(hid)
        self.touched_articles.add(article_id)
        self.articles_with_new.add(article_id)
        return hid

    def _create_notes_article(self, batch: Batch, source: AnnotatedSource, clippings: list[Clipping]) -> None:
        from reader.core.document import Document
        from reader.core.importers import ImportedArticle
        from reader.core.library import normalize_tag

        unique: list[Clipping] = []
        seen: dict[str, Clipping] = {}
        page_notes: list[Clipping] = []
        for clip in clippings:
            if not clip.exact.strip():
                page_notes.append(clip)
                continue
            key = _quote_key(clip.exact)
            if key in seen:  # the same passage twice: one highlight, keeping what either one says
                kept = seen[key]
                kept.tags = kept.tags + [t for t in clip.tags if t.casefold() not in {k.casefold() for k in kept.tags}]
                kept.note = kept.note or clip.note
                self.duplicates += 1
                continue
            seen[key] = clip
            unique.append(clip)
        blocks, placed = clipping_blocks(unique, 0)
        if not blocks:  # only notes on the whole source: their text is the article
            blocks, placed = clipping_blocks([Clipping(exact=c.note) for c in page_notes], 0)
            placed = []
        if not blocks:
            return
        tags = []
        for tag in source.tags:
            try:
                tags.append(normalize_tag(tag))
            except InvalidInput:
                continue
        imported = ImportedArticle(
            title=" ".join(source.title.split()) or "Untitled",
            document=Document(tuple(blocks)),
            format=NOTES_FORMAT,
            author=source.author,
            site=source.site or (urlsplit(source.url).hostname if source.url else None),
            url=source.url,
        )
        article_id = batch.store_imported(imported, tags).article_id
        self.tags_changed = self.tags_changed or bool(tags)
        self.created_articles.add(article_id)
        self._remember(_ArticleInfo(article_id, imported.title, imported.url, NOTES_FORMAT, imported.author))
        self._place(batch, article_id, imported.document.text, placed)
        _, notes = self._existing(batch, article_id)
        for clip in page_notes:
            self._add_note(batch, article_id, clip, notes)
        self.touched_articles.add(article_id)
        self.articles_with_new.add(article_id)

    def _place(self, batch: Batch, article_id: int, text: str, placed: list[tuple[Clipping, int, int]]) -> None:
        from reader.core import anchoring

        for clip, start, end in placed:
            self._insert_highlight(batch, article_id, anchoring.make_selector(text, start, end), clip)

    def _append_to_notes_article(
        self, batch: Batch, article_id: int, old_text: str, clippings: list[Clipping]
    ) -> None:
        """New clippings of a book imported before: their paragraphs go at the end, so the
        offsets of the highlights already there stay as they are."""
        from reader.core.document import Document
        from reader.core.importers import ImportedArticle
        from reader.core.library import content_hash

        title, old = batch.article_document(article_id)
        blocks, placed = clipping_blocks(clippings, len(old_text) + 1 if old.blocks else 0)
        document = Document(old.blocks + tuple(blocks))
        text = document.text
        digest = content_hash(ImportedArticle(title=title, document=document, format=NOTES_FORMAT))
        batch.replace_document(article_id, document, digest)
        self._place(batch, article_id, text, placed)


def clipping_blocks(clippings: list[Clipping], base: int) -> tuple[list[Any], list[tuple[Clipping, int, int]]]:
    """Blocks of a notes-only article: a paragraph per line of each highlight, its note as
    quote blocks; with where each highlight's text lies (offsets from ``base``)."""
    from reader.core.document import Block

    blocks: list[Block] = []
    placed: list[tuple[Clipping, int, int]] = []
    pos = base
    for clip in clippings:
        lines = [" ".join(line.split()) for line in clip.exact.splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            continue
        start = pos
        for line in lines:
            blocks.append(Block("paragraph", line))
            pos += len(line) + 1
        placed.append((clip, start, pos - 1))
        for line in clip.note.splitlines():
            line = " ".join(line.split())
            if line:
                blocks.append(Block("quote", line, level=1))
                pos += len(line) + 1
    return blocks, placed


def _now() -> str:
    from reader.core.storage import utc_now

    return utc_now()
