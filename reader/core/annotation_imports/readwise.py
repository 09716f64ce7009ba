"""Readwise's CSV export: one highlight a row, grouped here into books (or articles).

Columns: Highlight, Book Title, Book Author, Amazon Book ID, Note, Color, Tags, Location
Type, Location, Highlighted at, Document tags. Tags are comma-separated.
"""

from __future__ import annotations

import csv
import io

from reader.core.annotation_imports import AnnotatedSource, Clipping, iso_time
from reader.core.errors import ImportFailed

REQUIRED_COLUMNS = ("Highlight", "Book Title")


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
            note = (row.get("Note") or "").strip()
            if not quote and not note:
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
                    tags=_split_tags(row.get("Tags")),
                    color=(row.get("Color") or "").strip() or None,
                    created=when,
                    updated=when,
                    location=location,
                )
            )
    except csv.Error as exc:
        raise ImportFailed(f"{shown} is not a readable CSV file (line {reader.line_num}: {exc}).") from None
    return list(books.values())
