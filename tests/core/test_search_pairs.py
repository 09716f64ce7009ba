"""Phrases of common words answered by indexed word pairs (reader/core/search/pairs.py): the
same articles as by positions, whichever articles were indexed with pairs and which not."""

from __future__ import annotations

import itertools
import random

import pytest

from reader.core.library import Library
from reader.core.search import evaluate as evaluate_mod
from reader.core.search import pairs
from tests.core.test_search_evaluate import WORDS, _article, count_position_checks


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory):
    lib = Library(tmp_path_factory.mktemp("pairs-home"), auto_index=False)
    lib.index._maybe_merge = lambda: None   # scores compared below must not move mid-test
    rnd = random.Random(9)
    ids = [lib.add_imported(_article(rnd, i)).article_id for i in range(60)]
    lib.index.catch_up()                    # too few to choose common words: no pairs
    ids += [lib.add_imported(_article(rnd, 60 + i)).article_id for i in range(240)]
    lib.index.catch_up()                    # enough: common words chosen, pairs indexed
    for i in range(5):                      # one at a time, with the words chosen before
        ids.append(lib.add_imported(_article(rnd, 300 + i)).article_id)
        lib.index.catch_up()
    for aid in ids[::17]:
        lib.delete(aid)
    lib.index.catch_up()
    yield lib
    lib.close()


def test_common_words_are_chosen_once_enough_articles_come_at_once(library: Library) -> None:
    versions = library.index._pair_versions()
    assert versions.latest == 1
    assert set(WORDS[:5]) <= versions.words[1]    # the most widespread words of the sample
    assert versions.docs[1] == 300


PHRASES = [f'"{a} {b}"' for a, b in itertools.permutations(WORDS[:6], 2)] + ['"river stone lantern"', '"zz river"']


@pytest.mark.parametrize("phrase", PHRASES)
def test_a_phrase_finds_what_positions_find(library: Library, phrase: str) -> None:
    index = library.index
    fast = {r.article_id: round(r.score, 6) for r in index.search(phrase, limit=1000)}
    index.term_at_a_time = False
    try:
        slow = {r.article_id: round(r.score, 6) for r in index.search(phrase, limit=1000)}
    finally:
        index.term_at_a_time = True
    assert fast == slow


def test_only_articles_indexed_without_the_pair_are_checked_by_position(library: Library, monkeypatch) -> None:
    checked = count_position_checks(monkeypatch)
    assert library.search('"river stone"', limit=5)
    assert 0 < sum(checked) <= 60           # the first 60 articles predate the choice


def test_a_rebuilt_index_chooses_its_common_words_again(tmp_path) -> None:
    lib = Library(tmp_path / "home", auto_index=False)
    rnd = random.Random(3)
    for i in range(220):
        lib.add_imported(_article(rnd, i))
    lib.index.rebuild()
    assert (lib.index.dir / pairs.VERSIONS_FILE).exists()
    assert lib.index._pair_versions().latest == 1
    lib.index.term_at_a_time = False
    whoosh_ids = {r.article_id for r in lib.search('"river stone"', limit=500)}
    lib.index.term_at_a_time = True
    assert {r.article_id for r in lib.search('"river stone"', limit=500)} == whoosh_ids != set()
    lib.close()


def test_a_damaged_list_of_common_words_means_positions_for_every_article(library: Library, tmp_path) -> None:
    (tmp_path / pairs.VERSIONS_FILE).write_text("{not json", "utf-8")
    assert pairs.load(tmp_path).latest is None


def test_the_pairs_reuse_the_analysis_of_the_body(tmp_path, monkeypatch) -> None:
    from reader.core.search.schema import make_schema

    schema = make_schema()
    text = "river stone lantern river stone"
    monkeypatch.setattr(pairs, "ACTIVE", (1, frozenset({"river", "stone", "lantern"})))
    list(schema["text"].index(text))                      # Whoosh indexes "text" just before "text_pairs"
    monkeypatch.setattr(pairs, "_stems", lambda _text: pytest.fail("analysed twice"))
    terms = {t for t, *_ in schema[pairs.FIELD].index(text)}
    assert terms == {b"\x011", b"river stone", b"stone lantern", b"lantern river"}


@pytest.fixture(params=[0, 30], ids=["every article has a version", "30 predate them"])
def merged_versions(tmp_path, monkeypatch, request):
    """One segment holding articles indexed with version 1 (six common words), with version 2
    (three) and maybe with none: what merging the segments of several imports gives."""
    from reader.core.search.lifecycle import WRITER_OPTIONS, _codec

    chosen = iter([frozenset(WORDS[:6]), frozenset(WORDS[:3])])
    monkeypatch.setattr(pairs, "choose", lambda texts: next(chosen))
    monkeypatch.setattr(pairs, "GROWTH", 1)   # choose again at the next big write
    lib = Library(tmp_path / "home", auto_index=False)
    lib.index._maybe_merge = lambda: None
    rnd = random.Random(21)
    for size in (request.param, 220, 220):
        for i in range(size):
            lib.add_imported(_article(rnd, i))
        lib.index.catch_up()
    index = lib.index
    writer = index._ix.writer(codec=_codec(), **WRITER_OPTIONS)
    writer.commit(optimize=True)
    index._refresh()
    assert len(index._ix._segments()) == 1
    assert sorted(index._pair_versions().words) == [1, 2]
    yield lib, request.param
    lib.close()


@pytest.mark.parametrize("phrase", ['"river stone"', '"lantern harbour"', '"copper meadow"', '"river stone lantern"'])
def test_a_segment_of_several_versions_finds_what_positions_find(merged_versions, phrase: str, monkeypatch) -> None:
    lib, unversioned = merged_versions
    index = lib.index
    markers_read: set[bytes] = set()
    real_postings = evaluate_mod._Segment.postings

    def recording(self, field, term):
        if field == pairs.FIELD and term.startswith(b"\x01"):
            markers_read.add(term)
        return real_postings(self, field, term)

    monkeypatch.setattr(evaluate_mod._Segment, "postings", recording)
    checked = count_position_checks(monkeypatch)
    fast = {r.article_id: round(r.score, 6) for r in index.search(phrase, limit=1000)}
    checked_by_position = sum(checked)
    index.term_at_a_time = False
    try:
        slow = {r.article_id: round(r.score, 6) for r in index.search(phrase, limit=1000)}
    finally:
        index.term_at_a_time = True
    assert fast == slow and fast
    if phrase == '"river stone"':        # a pair of both versions: only articles of neither are checked
        assert checked_by_position <= unversioned and (checked_by_position > 0) == (unversioned > 0)
    if phrase == '"lantern harbour"':    # of version 1 only: those of version 2 too, never those of 1
        assert unversioned < checked_by_position <= unversioned + 220
    if not unversioned:  # who has which version is read from the smaller side, if at all
        assert markers_read == ({b"\x012"} if phrase in ('"lantern harbour"', '"copper meadow"') else set())
