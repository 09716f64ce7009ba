"""Readwise's CSV export: one highlight a row, grouped here into books (or articles).

Columns: Highlight, Book Title, Book Author, Amazon Book ID, Note, Color, Tags, Location
Type, Location, Highlighted at, Document tags. Tags are comma-separated.

A note may begin with Readwise's inline tags (".h1", ".favorite .c1" followed by the note
proper): those are tags, which the Tags column also lists; they are not kept in the note.
"""

from __future__ import annotations

import csv
import io
import re

from reader.core.annotation_imports.model import AnnotatedSource, Clipping, iso_time
from reader.core.errors import ImportFailed

REQUIRED_COLUMNS = ("Highlight", "Book Title")
_INLINE_TAG = re.compile(r"^\.([^\W\d_][\w-]*)(?=\s|$)\s*")  # a letter first: '.5 percent' is text


def split_inline_tags(note: str) -> tuple[str, list[str]]:
    """(note without its leading '.tag' words, those tags)."""
    tags: list[str] = []
    rest = note.strip()
    while (m := _INLINE_TAG.match(rest)) is not None:
        tags.append(m.group(1))
        rest = rest[m.end():]
    return rest.strip(), tags


def looks_like_readwise(text: str) -> bool:
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    return all(column in header for column in REQUIRED_COLUMNS)


def _split_tags(value: str | None) -> list[str]:
    return [t.strip() for t in (value or "").split(",") if t.strip()]


def parse_readwise_csv(text: str, shown: str) -> list[AnnotatedSource]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise ImportFailed(f"{shown} is not a Readwise CSV export: it has no '{missing[0]}' column.")
    books: dict[tuple[str, str], AnnotatedSource] = {}
    try:
        for row in reader:
            quote = (row.get("Highlight") or "").strip()
            note, inline_tags = split_inline_tags(row.get("Note") or "")
            if not quote and not note and not inline_tags:
                continue
            title = (row.get("Book Title") or "").strip() or "Untitled (Readwise)"
            author = (row.get("Book Author") or "").strip()
            source = books.get((title, author))
            if source is None:
                source = books[(title, author)] = AnnotatedSource(
                    title=title, author=author or None, site="Readwise", tags=_split_tags(row.get("Document tags"))
                )
            when = iso_time(row.get("Highlighted at"))
            location = " ".join(
                p for p in ((row.get("Location Type") or "").strip(), (row.get("Location") or "").strip()) if p
            )
            source.clippings.append(
                Clipping(
                    exact=quote,
                    note=note,
                    tags=_unique(_split_tags(row.get("Tags")) + inline_tags),
                    color=(row.get("Color") or "").strip() or None,
                    created=when,
                    updated=when,
                    location=location,
                )
            )
    except csv.Error as exc:
        raise ImportFailed(f"{shown} is not a readable CSV file (line {reader.line_num}: {exc}).") from None
    return list(books.values())


def _unique(tags: list[str]) -> list[str]:
    seen: set[str] = set()
    return [t for t in tags if not (t.casefold() in seen or seen.add(t.casefold()))]
