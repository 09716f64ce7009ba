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


def test_a_word_only_in_a_highlight_note_points_at_that_highlight(tmp_path: Path) -> None:
    with Library(tmp_path / "home") as lib:
        aid = make(lib)
        text = lib.get(aid).text
        start = text.index("305 kilometres")
        first = lib.add_highlight(aid, 0, 8)
        hl = lib.add_highlight(aid, start, start + len("305 kilometres"), note="Check the range against the treaty limits.")
        (hit,) = lib.search("treaty")
        assert hit.matched_in == ["note"] and hit.highlight_id == hl.id != first.id
        assert (hit.start, hit.end) == (hl.start, hl.end)
        assert hit.snippet_plain == "305 kilometres"
        assert "<b>treaty</b>" in hit.note_snippet


def test_a_word_only_in_a_highlight_tag_points_at_that_highlight(tmp_path: Path) -> None:
    with Library(tmp_path / "home") as lib:
        aid = make(lib)
        text = lib.get(aid).text
        start = text.index("more deliveries")
        hl = lib.add_highlight(aid, start, start + len("more deliveries"), tags=["Logistics"])
        (hit,) = lib.search("logistics")
        assert hit.matched_in == ["tag"] and hit.highlight_id == hl.id
        assert text[hit.start:hit.end] == "more deliveries" == hit.snippet_plain
        assert hit.note_snippet is None


def test_an_article_note_or_a_body_match_keeps_the_passage(tmp_path: Path) -> None:
    with Library(tmp_path / "home") as lib:
        aid = make(lib)
        lib.add_note(aid, "My own treaty thoughts.")
        lib.add_highlight(aid, 0, 8, note="nothing here")
        (hit,) = lib.search("treaty")
        assert hit.matched_in == ["note"] and hit.highlight_id is None and hit.start == 0
        (hit,) = lib.search("bridge")
        assert hit.highlight_id is None and "<b>bridge</b>" in hit.snippet


def test_search_json_says_which_highlight(tmp_path: Path, reader_home: Path, capsys) -> None:
    import json

    from reader.cli import main

    with Library(reader_home) as lib:
        aid = make(lib)
        text = lib.get(aid).text
        start = text.index("newer model")
        hl = lib.add_highlight(aid, start, start + len("newer model"), note="Ask about the supplier.")
    assert main(["search", "supplier", "--json"]) == 0
    (data,) = json.loads(capsys.readouterr().out)
    assert data["matched_in"] == ["note"] and data["highlight_id"] == hl.id
    assert (data["start"], data["end"]) == (start, start + len("newer model"))
    assert "<b>supplier</b>" in data["note_snippet"]
    assert main(["search", "supplier"]) == 0
    out = capsys.readouterr().out
    assert "newer model" in out and "note: Ask about the **supplier**." in out


def test_a_phrase_matches_in_a_field_only_where_its_words_stand_together(tmp_path: Path) -> None:
    with Library(tmp_path / "home") as lib:
        imported = ImportedArticle(title="Travel range of missiles", format="text",
                                   document=Document.from_paragraphs(["The missiles travel a long range."]))
        aid = lib.add_imported(imported).article_id
        (hit,) = lib.search('"missiles travel"')
        assert hit.matched_in == ["text"]          # the title has both words, not side by side
        (hit,) = lib.search('"range of missiles"')
        assert hit.matched_in == ["title"]         # the text has both words, not side by side
        # A phrase only in a highlight's note points at that highlight, though its words are
        # also in the text and the title, apart.
        text = lib.get(aid).text
        hl = lib.add_highlight(aid, text.index("long"), text.index("range") + len("range"),
                               note="missiles range far")
        (hit,) = lib.search('"missiles range"')
        assert hit.matched_in == ["note"] and hit.highlight_id == hl.id
