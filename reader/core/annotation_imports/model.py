"""What other tools' highlights become before they reach the library: a source (a book or
a page) with its clippings, and the helpers the parsers share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

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
