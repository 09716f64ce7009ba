"""A small library with what an export must carry: metadata, tags, notes, highlights
(with notes, tags, colours, one across two blocks, one orphaned), reading state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from reader.core.document import Block, Document
from reader.core.importers import ImportedArticle
from reader.core.library import Library

ESSAY_BLOCKS = (
    Block("heading", "Why we underline", level=1),
    Block("paragraph", "Readers have marked books for as long as there have been margins."),
    Block("paragraph", "A mark is a promise to come back; most marks are never visited again 🙂."),
    Block("quote", "Whoever reads with a pencil reads twice.", level=1),
    Block("list_item", "Keep the quote short.", level=1, marker="•"),
)


@dataclass
class Filled:
    lib: Library
    essay: int  # url, author, site, tags, notes, highlights incl. one orphan
    plain: int  # no url, no highlights
    essay_source: Path


@pytest.fixture
def lib(reader_home: Path):
    library = Library(reader_home, search=False)
    yield library
    library.close()


def essay_article(blocks: tuple[Block, ...] = ESSAY_BLOCKS) -> ImportedArticle:
    return ImportedArticle(
        title='Margins: notes on "reading with a pencil"',
        document=Document(blocks),
        format="html",
        author="Ada Marginalia",
        site="Slow Reading Quarterly",
        url="https://example.org/essays/margins?id=7",
        published=datetime(2024, 11, 17, 15, 26),
    )


@pytest.fixture
def filled(lib: Library, tmp_path: Path) -> Filled:
    essay = lib.add_imported(essay_article(), ["reading", "war zone"], source_key="essay-key").article_id
    text = lib.get(essay).text
    lib.highlight_quote(essay, "marked books for as long", color="green", note="The **oldest** habit.", tags=["habit", "history"])
    start = text.index("never visited again")
    end = text.index("reads twice.") + len("reads twice.")
    lib.add_highlight(essay, start, end, color="#ff00aa")  # spans two blocks, emoji inside
    doomed = lib.highlight_quote(essay, "Keep the quote short.", note="gone soon")
    lib.add_note(essay, "Compare with *How to Read a Book*.")
    lib.add_note(essay, "Second thought.")
    lib.set_reading_position(essay, 42)
    # The source changes and the list item disappears: that highlight becomes an orphan.
    lib.add_imported(essay_article(ESSAY_BLOCKS[:4]), source_key="essay-key")
    assert lib.get_highlight(doomed.id).orphaned
    source = tmp_path / "plain.txt"
    source.write_text("A plain note\n\nJust a paragraph of text.\n", encoding="utf-8")
    plain = lib.add(source).article_id
    lib.set_reading_state(plain, "done")
    return Filled(lib, essay, plain, source)
