"""Highlights and notes made in other tools: Kindle, Readwise, Hypothesis, W3C Web Annotations.

A parser turns a file into :class:`AnnotatedSource` s (a book or a web page with its
clippings); :func:`import_annotations` puts them into the library in one transaction:

- a source that matches an article (by URL for Hypothesis and W3C, by title for Kindle
  and Readwise) gets its highlights anchored by quote; a quote not found there is kept as
  an orphan on that article;
- a source that matches nothing becomes a *notes-only* article whose text is built from
  the clippings (a paragraph per highlight, its note as a quote block), with the
  highlights anchored on that text: nothing is lost, and all of it is searchable;
- importing the same file again adds nothing (dedupe by article and exact quote).
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from reader.core.errors import ImportFailed, InvalidInput

if TYPE_CHECKING:
    from reader.core.batch import Batch
    from reader.core.library import Library

Progress = Callable[[int, int, str], None]
Cancel = Callable[[], bool]

FORMATS = ("kindle", "readwise", "hypothesis", "w3c")
FORMAT_NAMES = {
    "kindle": "Kindle 'My Clippings.txt' file",
    "readwise": "Readwise CSV export",
    "hypothesis": "Hypothesis JSON export",
    "w3c": "file of W3C Web Annotations",
}
NOTES_FORMAT = "annotations"
"""``Article.format`` of a notes-only article built from imported clippings."""
TITLE_MATCH_MIN = 90
"""rapidfuzz ratio (0-100) two normalised titles need to be taken for the same book."""
MAX_ANNOTATION_BYTES = 200 * 1024 * 1024


@dataclass
class Clipping:
    """One highlight (or, with ``exact`` empty, a note on the whole source)."""

    exact: str
    note: str = ""
    tags: list[str] = field(default_factory=list)
    color: str | None = None
    created: str | None = None
    updated: str | None = None
    prefix: str = ""
    suffix: str = ""
    start: int | None = None
    end: int | None = None
    location: str = ""  # "page 12, location 150-152", as the source tells it


@dataclass
class AnnotatedSource:
    """A book or a web page as another tool knows it, with its clippings."""

    title: str
    author: str | None = None
    url: str | None = None
    site: str | None = None
    tags: list[str] = field(default_factory=list)
    clippings: list[Clipping] = field(default_factory=list)
    reader_article: int | None = None  # from a reader://article/ID target


@dataclass(frozen=True)
class ImportSummary:
    format: str
    highlights: int  # new highlights stored
    attached: int  # of them, anchored in articles that were already in the library
    orphaned: int  # of them, kept as orphans on an existing article (quote not found)
    articles: int  # articles that received highlights or notes (existing and new)
    created: int  # notes-only articles made for sources that matched nothing
    duplicates: int  # clippings already in the library, skipped
    notes: int  # article notes stored (clippings without a quote, or notes added to a known highlight)

    def message(self) -> str:
        text = (
            f"imported {self.highlights} highlights ({self.attached} attached to existing articles, "
            f"{self.orphaned} orphaned) into {self.articles} articles"
        )
        if self.duplicates:
            text += f"; {self.duplicates} already there were skipped"
        return text


# -- helpers the parsers share ------------------------------------------------------------
@dataclass(frozen=True)
class QuoteSelectors:
    exact: str = ""
    prefix: str = ""
    suffix: str = ""
    start: int | None = None
    end: int | None = None

    def clipping(self, **fields: Any) -> Clipping:
        """A clipping at these selectors, with ``fields`` (note, tags, colour, times)."""
        return Clipping(
            exact=self.exact, prefix=self.prefix, suffix=self.suffix, start=self.start, end=self.end, **fields
        )


def selectors_from(selector: Any) -> QuoteSelectors:
    """The TextQuoteSelector and TextPositionSelector in a W3C/Hypothesis ``selector``."""
    items = selector if isinstance(selector, list) else [selector] if selector else []
    exact = prefix = suffix = ""
    start = end = None
    for s in items:
        if not isinstance(s, dict):
            continue
        kind = s.get("type")
        if kind == "TextQuoteSelector" and isinstance(s.get("exact"), str):
            exact, prefix, suffix = s["exact"], str(s.get("prefix") or ""), str(s.get("suffix") or "")
        elif kind == "TextPositionSelector":
            try:
                a, b = int(s["start"]), int(s["end"])
            except (KeyError, TypeError, ValueError):
                continue
            if 0 <= a < b:
                start, end = a, b
    return QuoteSelectors(exact, prefix, suffix, start, end)


def iso_time(value: Any) -> str | None:
    """An ISO 8601 time as Reader stores it (UTC, seconds), or None when unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.replace(microsecond=0).isoformat()


def normalize_title(title: str) -> str:
    text = unicodedata.normalize("NFKC", title).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def _main_title(title: str) -> str:
    """The title without a subtitle or a parenthesised series ('Dune (Dune Chronicles, Book 1)')."""
    text = re.sub(r"\([^()]*\)|\[[^\[\]]*\]", " ", title)
    text = re.split(r"[:|–—]", text, maxsplit=1)[0]
    return normalize_title(text)


def normalize_url(url: str) -> str:
    """The same page however it was linked: scheme, host case, 'www.', fragment, trailing '/'
    and tracking parameters (utm_*, fbclid, ...) do not matter."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
         if not (k.lower().startswith("utm_") or k.lower() in {"fbclid", "gclid", "mc_cid", "mc_eid", "ref"})]
    )
    path = parts.path.rstrip("/") or ""
    return urlunsplit(("", host + port, path, query, ""))


def _quote_key(text: str) -> str:
    return " ".join(text.split())


# -- reading a file -----------------------------------------------------------------------
def parse_annotations(data: bytes, name: str, fmt: str | None = None) -> tuple[str, list[AnnotatedSource]]:
    """(format, sources) of a file's bytes; one clear sentence when it is not something we know."""
    from reader.core.importers import encoding

    shown = f"'{name}'"
    if fmt is not None and fmt not in FORMATS:
        raise ImportFailed(f"'{fmt}' is not an annotation format; use {', '.join(FORMATS)}.")
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise ImportFailed(f"{shown} is empty.")
    text = encoding.decode(data, name)
    stripped = text.lstrip("\ufeff \t\r\n")
    obj: Any = None
    if stripped[:1] in ("{", "[") and fmt in (None, "hypothesis", "w3c"):
        try:
            obj = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ImportFailed(f"{shown} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).") from None
    if obj is not None:
        from reader.core.annotation_imports import hypothesis, web_annotation

        if isinstance(obj, dict) and obj.get("format") == "reader-library":
            raise ImportFailed(f"{shown} is a Reader library export; restore it with 'reader import-library'.")
        if fmt in (None, "w3c") and web_annotation.looks_like_web_annotations(obj):
            return _checked(shown, "w3c", web_annotation.parse_web_annotations(obj))
        items = hypothesis.annotations_of(obj)
        if fmt in (None, "hypothesis") and items is not None:
            return _checked(shown, "hypothesis", hypothesis.parse_hypothesis(items))
        if isinstance(obj, (list, dict)) and not obj or isinstance(obj, dict) and obj.get("annotations") == []:
            raise ImportFailed(f"{shown} holds no annotations.")
        if fmt is not None:
            raise ImportFailed(f"{shown} is not a {FORMAT_NAMES[fmt]}.")
        raise ImportFailed(f"{shown} is JSON but neither a Hypothesis export nor W3C Web Annotations.")
    from reader.core.annotation_imports import kindle, readwise

    if fmt in (None, "kindle") and kindle.looks_like_clippings(text):
        return _checked(shown, "kindle", kindle.parse_clippings(text))
    if fmt in (None, "readwise") and readwise.looks_like_readwise(stripped):
        return _checked(shown, "readwise", readwise.parse_readwise_csv(text, shown))
    if fmt is not None:
        raise ImportFailed(f"{shown} is not a {FORMAT_NAMES[fmt]}.")
    raise ImportFailed(
        f"{shown} is not a file of highlights Reader knows (Kindle 'My Clippings.txt', a Readwise CSV,"
        " a Hypothesis JSON export or W3C Web Annotations)."
    )


def _checked(shown: str, fmt: str, sources: list[AnnotatedSource]) -> tuple[str, list[AnnotatedSource]]:
    if not any(s.clippings for s in sources):
        raise ImportFailed(f"{shown} holds no highlights or notes to import.")
    return fmt, sources


def read_annotations(path: str | os.PathLike[str], fmt: str | None = None) -> tuple[str, list[AnnotatedSource]]:
    from reader.core.importers import read_file_checked

    data = read_file_checked(Path(path).expanduser(), limit=MAX_ANNOTATION_BYTES)
    return parse_annotations(data, os.fspath(path), fmt)


# -- putting them in the library ----------------------------------------------------------
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
        for article_id, title, url, fmt in batch.article_briefs():
            self._remember(_ArticleInfo(article_id, title, url, fmt))

    def _remember(self, info: _ArticleInfo) -> None:
        self.articles[info.id] = info
        if info.url:
            self.by_url.setdefault(normalize_url(info.url), info.id)
        self.by_title.setdefault(normalize_title(info.title), []).append(info.id)
        main = _main_title(info.title)
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
            exact = self.by_title.get(normalize_title(source.title))
            return _preferred(exact, self.articles) if exact else None
        return self._match_title(source.title)

    def _match_title(self, title: str) -> int | None:
        key = normalize_title(title)
        if not key:
            return None
        exact = self.by_title.get(key)
        if exact:
            return _preferred(exact, self.articles)
        found = _closest(key, self.by_title)
        if found is None:
            main = _main_title(title)
            if len(main) >= 4:
                found = self.by_main_title.get(main) or _closest(main, self.by_main_title)
        return _preferred(found, self.articles) if found else None

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
        seen: set[str] = set()
        page_notes: list[Clipping] = []
        for clip in clippings:
            if not clip.exact.strip():
                page_notes.append(clip)
                continue
            key = _quote_key(clip.exact)
            if key in seen:
                self.duplicates += 1
                continue
            seen.add(key)
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
        self._remember(_ArticleInfo(article_id, imported.title, imported.url, NOTES_FORMAT))
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


def _closest(key: str, titles: dict[str, list[int]]) -> list[int] | None:
    """The articles of the most similar title, if similar enough and with the same numbers:
    'Volume 2' is not 'Volume 3', however alike the rest."""
    from rapidfuzz import fuzz, process

    numbers = re.findall(r"\d+", key)
    for candidate, _score, _ in process.extract(
        key, list(titles), scorer=fuzz.ratio, score_cutoff=TITLE_MATCH_MIN, limit=10
    ):
        if re.findall(r"\d+", candidate) == numbers:
            return titles[candidate]
    return None


def _preferred(ids: list[int], articles: dict[int, _ArticleInfo]) -> int:
    """Of several articles with the same title, a real one over a notes-only one, then the oldest."""
    return min(ids, key=lambda i: (articles[i].format == NOTES_FORMAT, i))


def _now() -> str:
    from reader.core.storage import utc_now

    return utc_now()


__all__ = [
    "AnnotatedSource",
    "Clipping",
    "FORMATS",
    "ImportSummary",
    "import_annotations",
    "parse_annotations",
    "read_annotations",
]
