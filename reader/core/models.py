"""Plain records the ``Library`` hands out. Immutable: a view refreshes by asking again."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from reader.core.document import Document

COLORS = ("yellow", "green", "blue", "pink", "purple", "orange")
READING_STATES = ("unread", "reading", "done")


@dataclass(frozen=True)
class ArticleSummary:
    id: int
    title: str
    author: str | None
    site: str | None
    url: str | None
    published: str | None
    added: str
    reading_state: str
    tags: tuple[str, ...]
    highlight_count: int
    word_count: int


@dataclass(frozen=True)
class Highlight:
    id: int
    article_id: int
    start: int | None  # None while orphaned
    end: int | None
    exact: str
    prefix: str
    suffix: str
    color: str
    note: str
    tags: tuple[str, ...]
    created: str
    updated: str

    @property
    def orphaned(self) -> bool:
        return self.start is None

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["tags"] = list(self.tags)
        out["orphaned"] = self.orphaned
        return out


@dataclass(frozen=True)
class Note:
    id: int
    article_id: int
    body: str
    created: str
    updated: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Article:
    id: int
    title: str
    author: str | None
    site: str | None
    url: str | None
    source_path: str | None
    format: str
    published: str | None
    added: str
    updated: str
    reading_position: int
    reading_state: str
    document: Document
    tags: tuple[str, ...]
    highlights: tuple[Highlight, ...] = field(default=())
    notes: tuple[Note, ...] = field(default=())
    pdf: Any = field(default=None, compare=False, repr=False)  # a PdfLayout for PDF articles

    @property
    def text(self) -> str:
        return self.document.text

    def to_json(self) -> dict[str, Any]:
        """The shape of ``reader show ID --json``."""
        return {
            "id": self.id,
            "title": self.title,
            "author": self.author,
            "site": self.site,
            "url": self.url,
            "source_path": self.source_path,
            "format": self.format,
            "published": self.published,
            "added": self.added,
            "updated": self.updated,
            "reading_position": self.reading_position,
            "reading_state": self.reading_state,
            "tags": list(self.tags),
            "text": self.text,
            "blocks": self.document.outline(),
            "highlights": [h.to_json() for h in self.highlights],
            "notes": [n.to_json() for n in self.notes],
            **self._pdf_json(),
        }

    def _pdf_json(self) -> dict[str, Any]:
        """For a PDF: its pages, and each highlight's page and rectangles (replacing the list above)."""
        if self.pdf is None:
            return {}
        highlights = []
        for h in self.highlights:
            item = h.to_json()
            if h.start is not None and h.end is not None:
                item["page"] = self.pdf.page_number_at(h.start)
                item["rects"] = [r.to_json() for r in self.pdf.rects(h.start, h.end)]
            else:
                item["page"], item["rects"] = None, []
            highlights.append(item)
        return {"pages": [p.to_json() for p in self.pdf.pages], "highlights": highlights}


@dataclass(frozen=True)
class AddResult:
    """What ``Library.add`` did with one input: ``status`` is added, updated or unchanged."""

    article_id: int
    title: str
    status: str
    orphaned: int = 0


@dataclass(frozen=True)
class Changes:
    """What one mutation changed, so views refresh only that (as Anki's OpChanges)."""

    articles: frozenset[int] = frozenset()  # content, metadata or tags of these changed
    added: frozenset[int] = frozenset()
    deleted: frozenset[int] = frozenset()
    highlights: frozenset[int] = frozenset()  # highlight ids created, edited or removed
    notes: bool = False
    tags: bool = False  # the set of tags in the library changed
    reading: bool = False  # reading position or state only
    review: bool = False  # review state only (a rating, a discard, the review settings)
    # Who made the change (e.g. the view it was made in), so that view need not reload it.
    origin: object = field(default=None, compare=False)

    @property
    def library_list(self) -> bool:
        """True when the list of articles needs a refresh."""
        return bool(self.added or self.deleted or self.articles or self.tags or self.highlights)
