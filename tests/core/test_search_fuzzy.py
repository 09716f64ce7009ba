"""``word~`` finds what the misspelt word stands for, also when the slip is in the ending
that stemming takes off (the index holds "hufat" for "hufation")."""

from __future__ import annotations

import pytest

from reader.core.library import Library
from tests.core.test_search import add


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory):
    lib = Library(tmp_path_factory.mktemp("fuzzy-home"))
    ids = {
        "info": add(lib, "Notes", ["Good information travels slowly between the archives."]),
        "garden": add(lib, "Yard", ["Gardening in spring needs compost and patience."]),
        "happy": add(lib, "Mood", ["Their happiness was plain to see at the harbour."]),
        "made_up": add(lib, "Words", ["hufation jojorier vikeroment kuketion sibefily"]),
        "rust": add(lib, "Rust", ["The borrow checker runs at compile time, see example.com."]),
    }
    lib.index.catch_up()
    yield lib, ids
    lib.close()


@pytest.mark.parametrize(("query", "expected"), [
    ("informatoin~", "info"),        # two letters swapped in the ending "ation"
    ("gardning~", "garden"),         # a letter missing before the ending "ing"
    ("happyness~", "happy"),         # y where the word has i
    ("hufatioa~", "made_up"),        # the slip is in the ending itself
    ("jxjorier~", "made_up"),        # the slip is in the stem, the ending is right
    ("vikeromynt~", "made_up"),
    ("kuketioi~", "made_up"),
    ("sibefely~", "made_up"),        # "sibefily" is indexed as "sibefili"
    ("compst~", "garden"),
])
def test_a_misspelt_word_finds_the_article(library, query: str, expected: str) -> None:
    lib, ids = library
    assert {r.article_id for r in lib.search(query)} == {ids[expected]}


@pytest.mark.parametrize("query", ["hufxxxxx~", "comx~", "garbage~", "harbourmaster~"])
def test_an_ending_never_makes_an_unrelated_word_match(library, query: str) -> None:
    lib, _ids = library
    assert lib.search(query) == []


def test_the_vocabulary_counts_documents_as_the_index_does_and_is_kept_beside_each_segment(library) -> None:
    lib, _ids = library
    index = lib.index
    reader = index._searcher.reader()
    (merged,) = index._merged_vocab(reader, "text")
    for term in ("inform", "garden", "compost", "harbour", "hufat", "nothere"):
        assert merged.doc_frequency(term) == reader.doc_frequency("text", term)
    assert "garden" in merged and "nothere" not in merged
    files = sorted(p.name for p in index.dir.glob("*.text.words"))
    assert files and all(p.split(".")[0] in {s.segment_id() for s in index._ix._segments()} for p in files)


@pytest.mark.parametrize(("query", "expected"), [
    ("gardeni*", "garden"),     # "gardening" is indexed as "garden"
    ("happin*", "happy"),       # "happiness" as "happi"
    ("informa*", "info"),       # "information" as "inform"
    ("hufati*", "made_up"),     # "hufation" as "hufat"
])
def test_a_prefix_finds_words_whose_stem_is_shorter_than_it(library, query: str, expected: str) -> None:
    lib, ids = library
    assert ids[expected] in {r.article_id for r in lib.search(query)}


@pytest.mark.parametrize("query", ["gardx*", "hufax*", "compsz*"])
def test_a_prefix_that_no_word_starts_with_finds_nothing(library, query: str) -> None:
    lib, _ids = library
    assert lib.search(query) == []
