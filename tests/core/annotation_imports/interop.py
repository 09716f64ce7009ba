"""Where the real files of other tools live (``../shared/interop`` from the repository root),
and a library's content as a user sees it, for the interop tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from reader.core.library import Library

INTEROP = Path(__file__).resolve().parents[3].parent / "shared" / "interop"


def interop(relative: str) -> Path:
    path = INTEROP / relative
    if not path.exists():
        pytest.skip(f"the shared interop file {relative} is not here ({INTEROP})")
    return path


@dataclass(frozen=True)
class Book:
    title: str
    author: str | None
    url: str | None
    tags: tuple[str, ...]
    highlights: dict[str, tuple[str, tuple[str, ...], str]]  # exact -> (note, tags, colour)
    notes: tuple[str, ...]
    orphans: int


def books(lib: Library) -> list[Book]:
    out = []
    for summary in lib.list_articles(sort="title"):
        article = lib.get(summary.id)
        hs = lib.highlights(article.id)
        out.append(
            Book(
                title=article.title,
                author=article.author,
                url=article.url,
                tags=article.tags,
                highlights={h.exact: (h.note, tuple(sorted(h.tags)), h.color) for h in hs},
                notes=tuple(n.body for n in lib.notes(article.id)),
                orphans=sum(h.orphaned for h in hs),
            )
        )
    return out


def book(lib: Library, title: str, author: str | None = None) -> Book:
    found = [b for b in books(lib) if b.title == title and (author is None or b.author == author)]
    assert len(found) == 1, f"{title!r} by {author!r}: {[(b.title, b.author) for b in books(lib)]}"
    return found[0]
