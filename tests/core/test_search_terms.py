"""The term table lookup (reader/core/search/terms.py) finds exactly what Whoosh's own finds."""

from __future__ import annotations

import pytest

from reader.core.document import Document
from reader.core.importers import ImportedArticle
from reader.core.library import Library
from reader.core.search import terms as terms_mod


@pytest.fixture
def library(tmp_path):
    lib = Library(tmp_path / "home")
    for i, text in enumerate(["The glacier carved the valley 🏔 slowly.", "Café au lait, naïve façade.",
                              "A river runs through it."]):
        lib.add_imported(ImportedArticle(title=f"Article {i}", document=Document.from_paragraphs([text]),
                                         format="text", author="Ada Stone"), ("travel",))
        lib.index.catch_up()  # a commit each: several segments
    yield lib
    lib.close()


def _keys(reader):
    present = [(f, t) for sub, _ in reader.leaf_readers() for f, t in sub._terms.terms()]
    absent = [(f, t + b"q") for f, t in present] + [("text", b""), ("nosuchfield", b"river"), ("title", "é".encode())]
    return present, absent


def test_it_finds_every_indexed_term_and_nothing_else(library: Library) -> None:
    reader = library.index._searcher.reader()
    leaves = [sub for sub, _ in reader.leaf_readers()]
    assert len(leaves) > 1
    present, absent = _keys(reader)
    assert any("é".encode() in t for _, t in present)  # words beyond ASCII are keys too
    for sub in leaves:
        table = terms_mod.term_table(sub)
        assert table._map is not None  # the fast path is the one tested
        for field, term in present + absent:
            theirs = (field, term) in sub if field in sub.schema else False
            assert (table.locate(field, term) is not None) == theirs, (field, term)
            if theirs:
                ours, whooshs = table.info(field, term), sub._terms.term_info(field, term)
                assert (ours.doc_frequency(), ours.weight(), ours.is_inlined()) == (
                    whooshs.doc_frequency(), whooshs.weight(), whooshs.is_inlined())
    for field, term in present:
        assert terms_mod.has_term(reader, field, term)
    for field, term in absent:
        assert not terms_mod.has_term(reader, field, term)
    assert terms_mod.has_term(reader, "tag", "travel") and not terms_mod.has_term(reader, "tag", "work")


def test_a_table_that_is_not_a_memory_map_is_read_through_whoosh(library: Library) -> None:
    reader = library.index._searcher.reader()
    sub = reader.leaf_readers()[0][0]
    table = terms_mod.TermTable(sub)
    table._map = None
    present, absent = _keys(reader)
    for field, term in present + absent:
        theirs = (field, term) in sub if field in sub.schema else False
        assert (table.locate(field, term) is not None) == theirs
        if theirs:
            assert table.info(field, term).doc_frequency() == sub._terms.term_info(field, term).doc_frequency()


def test_a_prefix_lists_the_terms_and_counts_whoosh_lists(library: Library) -> None:
    reader = library.index._searcher.reader()
    assert len(reader.leaf_readers()) > 1
    for field in ("text", "title", "author", "tag"):
        for prefix in ("", "a", "ri", "caf", "glacier", "zz", "é"):
            theirs = {term: info.doc_frequency() for term, info in reader.iter_prefix(field, prefix)}
            assert terms_mod.prefix_frequencies(reader, field, prefix.encode(), 1000) == theirs, (field, prefix)
    assert terms_mod.prefix_frequencies(reader, "nosuchfield", b"a", 1000) == {}
    assert len(terms_mod.prefix_frequencies(reader, "text", b"", 2)) <= 2 * len(reader.leaf_readers())
