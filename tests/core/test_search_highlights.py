"""Search lands on the passage: a match inside a highlight (its quote, note or tags) points
at that highlight, and ``highlight:`` marks only highlighted words (issue 13, item 3)."""

from __future__ import annotations

from pathlib import Path

from reader.core.document import Document
from reader.core.importers import ImportedArticle
from reader.core.library import Library

TEXT = [
    "Ukraine received missiles with a range of 250 kilometres last spring.",
    "Later the army fired the newer model, which reaches 305 kilometres rather than 250 kilometres, at a bridge.",
    "Analysts expect more deliveries before winter.",
]


def make(lib: Library) -> int:
    imported = ImportedArticle(title="Missiles", document=Document.from_paragraphs(TEXT), format="text")
    return lib.add_imported(imported).article_id


def test_highlight_field_marks_only_the_highlighted_words(tmp_path: Path) -> None:
    with Library(tmp_path / "home") as lib:
        aid = make(lib)
        text = lib.get(aid).text
        start = text.index("305 kilometres")
        lib.add_highlight(aid, start, start + len("305 kilometres"))
        (hit,) = lib.search("highlight:kilometres")
        assert hit.article_id == aid and hit.matched_in == ["highlight"]
        assert hit.match_offsets == [(start + 4, start + 14)]
        assert text[hit.start:hit.end].count("kilometres") >= 1
