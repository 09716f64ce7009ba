"""Re-anchoring highlights after an article's text changed (reader.core.anchoring)."""

from __future__ import annotations

import random
import statistics
import time
from collections import Counter

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from reader.core.anchoring import (
    TINY_QUOTE_CHARS,
    Anchor,
    Selector,
    find_quote,
    make_selector,
    reanchor,
    reanchor_all,
)
from tests.core.anchoring_corpus import (
    CATEGORIES,
    SMALL_EDITS,
    base_article,
    build_cases,
    judge,
    long_article,
)

ARTICLE = base_article()


def select(text: str, quote: str) -> Selector:
    (start,) = find_quote(text, quote)
    return make_selector(text, start, start + len(quote))


def found_text(text: str, anchor: Anchor | None) -> str | None:
    return None if anchor is None else text[anchor.start : anchor.end]


# -- what the user sees after an edit ----------------------------------------------


def test_unchanged_text_keeps_every_highlight_in_place():
    sels = [make_selector(ARTICLE, s, e) for s, e in [(0, 6), (400, 460), (2000, 2100)]]
    assert reanchor_all(ARTICLE, sels) == [Anchor(s.start, s.end, "position") for s in sels]


def test_paragraph_added_above_shifts_the_highlight():
    sel = select(ARTICLE, "key military equipment")
    note = "Editor’s note: this article was updated on 18 November."
    new = note + "\n" + ARTICLE
    assert reanchor(new, sel) == Anchor(sel.start + len(note) + 1, sel.end + len(note) + 1, "quote")


def test_highlight_moves_with_its_paragraph():
    paragraphs = ARTICLE.split("\n")
    moved = next(i for i, p in enumerate(paragraphs) if p.startswith("Hydrologists"))
    sel = select(ARTICLE, "the culvert overflowed twice")
    new_order = [paragraphs[moved]] + paragraphs[:moved] + paragraphs[moved + 1 :]
    new = "\n".join(new_order)
    anchor = reanchor(new, sel)
    assert found_text(new, anchor) == "the culvert overflowed twice"
    assert anchor.start < len(paragraphs[moved])


def test_deleted_sentence_orphans_its_highlights_though_a_similar_sentence_remains():
    deleted = (
        "Ukrainians are able to use ATACMS missiles to target concentrations of Russian "
        "and North Korean troops, key military equipment, logistical hubs, and ammunition depots."
    )
    new = ARTICLE.replace(" " + deleted, "")
    # The article says nearly the same later, in a quote from American officials.
    assert "use the ATACMS missiles to strike Russian and North Korean troop concentrations" in new
    start = ARTICLE.index(deleted)
    for quote in [deleted, "ATACMS missiles", "North Korean troops", "ammunition depots"]:
        offset = start + deleted.index(quote)
        assert reanchor(new, make_selector(ARTICLE, offset, offset + len(quote))) is None, quote


def test_reworded_sentence_is_found_approximately():
    sentence = (
        "The first stretch, some 300 metres behind the old market hall, was uncovered in April."
    )
    sel = select(ARTICLE, sentence)
    reworded = sentence.replace("uncovered", "opened").replace("old", "former")
    new = ARTICLE.replace(sentence, reworded)
    anchor = reanchor(new, sel)
    assert anchor is not None and anchor.method == "fuzzy"
    assert found_text(new, anchor) == reworded


def test_words_inserted_inside_a_phrase_stay_inside_the_highlight():
    sel = select(ARTICLE, "herons and a pair of kingfishers")
    new = ARTICLE.replace("herons and a pair", "herons and, remarkably, a pair")
    assert found_text(new, reanchor(new, sel)) == "herons and, remarkably, a pair of kingfishers"


def test_pull_quote_copy_does_not_capture_the_highlight():
    quote = "We spent decades hiding the river."
    sel = select(ARTICLE, quote)
    first_break = ARTICLE.index("\n")
    new = ARTICLE[:first_break] + "\n“" + quote + "”" + ARTICLE[first_break:]
    shift = len(quote) + 3
    assert reanchor(new, sel) == Anchor(sel.start + shift, sel.end + shift, "quote")


def test_emoji_before_the_highlight_shift_it_by_code_points():
    sel = select(ARTICLE, "Storm Shadow and SCALP missiles")
    new = "🇺🇦🚀 " + ARTICLE  # the flag is two code points (four UTF-16 units)
    assert reanchor(new, sel) == Anchor(sel.start + 4, sel.end + 4, "quote")


def test_rewrapped_quote_is_found_whole():
    sel = select(ARTICLE, "Engineers removed the culvert roof, widened the channel")
    new = ARTICLE.replace("culvert roof, widened", "culvert roof,\nwidened")
    anchor = reanchor(new, sel)
    assert anchor.method == "fuzzy"
    assert found_text(new, anchor) == "Engineers removed the culvert roof,\nwidened the channel"


def test_highlight_at_the_end_survives_the_text_being_cut_short():
    sel = select(ARTICLE, "asked to visit the site.")
    cut = ARTICLE[: ARTICLE.index("asked to visit")] + "asked"
    assert reanchor(cut, sel) is None
    assert reanchor(cut + " to visit the site.", sel) == Anchor(sel.start, sel.end, "position")


def test_highlight_of_a_deleted_heading_is_orphaned():
    sel = select(ARTICLE, "What the project involves")
    assert reanchor(ARTICLE.replace("What the project involves\n", ""), sel) is None


def test_a_long_highlight_is_found_or_orphaned_quickly():
    text = long_article(random.Random(3), 60_000)
    sel = make_selector(text, 10_000, 15_000)
    reworded = "Intro.\n" + text[:12_000] + "CHANGED" + text[12_003:]
    deleted = text[:10_000] + text[15_000:]
    started = time.perf_counter()
    assert reanchor(reworded, sel) == Anchor(10_007, 15_011, "fuzzy")
    assert reanchor(deleted, sel) is None
    assert time.perf_counter() - started < 1.0


def test_quote_imported_without_context_or_place_is_found_only_where_unambiguous():
    unique = Selector(-1, -1, "Storm Shadow", "", "")
    start = ARTICLE.index("Storm Shadow")
    assert reanchor(ARTICLE, unique) == Anchor(start, start + len("Storm Shadow"), "quote")
    assert reanchor(ARTICLE, Selector(-1, -1, "ATACMS missiles", "", "")) is None


def test_reanchor_all_agrees_with_reanchor_one_by_one():
    cases = build_cases(4, seed=3)
    for case in cases:
        assert reanchor_all(case.new_text, [case.selector])[0] == reanchor(case.new_text, case.selector)


# -- the generated corpus: targets --------------------------------------------------


@pytest.fixture(scope="module")
def corpus_results():
    results: dict[str, Counter[str]] = {category: Counter() for category in CATEGORIES}
    times = []
    for case in build_cases(60, seed=0):
        started = time.perf_counter()
        anchor = reanchor(case.new_text, case.selector)
        times.append(time.perf_counter() - started)
        results[case.category][judge(case, None if anchor is None else (anchor.start, anchor.end))] += 1
    return results, times


def test_corpus_small_edits_are_reanchored_to_the_right_place(corpus_results):
    results, _ = corpus_results
    small = sum((results[c] for c in SMALL_EDITS), Counter())
    assert small["right"] / small.total() >= 0.95, small
    for category in SMALL_EDITS:
        assert results[category]["right"] / results[category].total() >= 0.9, (category, results[category])
    assert small["wrong"] / small.total() <= 0.01, small


def test_corpus_deleted_sentences_are_never_placed_elsewhere(corpus_results):
    results, _ = corpus_results
    assert results["sentence_deleted"]["wrong"] == 0, results["sentence_deleted"]


def test_corpus_median_time_per_highlight_is_under_two_milliseconds(corpus_results):
    _, times = corpus_results
    assert statistics.median(times) <= 0.002


# -- properties ---------------------------------------------------------------------


@st.composite
def text_and_range(draw: st.DrawFn, min_length: int = 1) -> tuple[str, int, int]:
    text = draw(st.text(min_size=min_length, max_size=300))
    start = draw(st.integers(0, len(text) - min_length))
    end = draw(st.integers(start + min_length, len(text)))
    return text, start, end


@settings(max_examples=200, deadline=None)
@given(text_and_range())
def test_unchanged_text_returns_the_same_range_by_position(args):
    text, start, end = args
    assert reanchor(text, make_selector(text, start, end)) == Anchor(start, end, "position")


@settings(max_examples=200, deadline=None)
@given(text_and_range(min_length=TINY_QUOTE_CHARS + 1), st.text(min_size=1, max_size=80), st.data())
def test_text_inserted_before_a_unique_passage_shifts_it(args, inserted, data):
    text, start, end = args
    sel = make_selector(text, start, end)
    at = data.draw(st.integers(0, start), label="inserted at")
    new = text[:at] + inserted + text[at:]
    # A quote found once is that passage; but a tiny quote ("a", "the") whose context
    # changed too is better orphaned than guessed.
    assume(len(find_quote(new, sel.exact)) == 1 and len(sel.exact.strip()) > TINY_QUOTE_CHARS)
    assert reanchor(new, sel) == Anchor(start + len(inserted), end + len(inserted), "quote")


@settings(max_examples=200, deadline=None)
@given(text_and_range(), st.text(min_size=1, max_size=80), st.data())
def test_text_inserted_before_the_context_shifts_the_passage(args, inserted, data):
    text, start, end = args
    sel = make_selector(text, start, end)
    at = data.draw(st.integers(0, start - len(sel.prefix)), label="inserted at")
    new = text[:at] + inserted + text[at:]
    # The passage with its context occurs once: an article that repeats itself
    # word for word around the highlight leaves nothing to tell the copies apart.
    whole = sel.prefix + sel.exact + sel.suffix
    assume(len(find_quote(new, whole)) == 1)
    assert reanchor(new, sel) == Anchor(start + len(inserted), end + len(inserted), "quote")


@settings(max_examples=200, deadline=None)
@given(text_and_range(), st.text(max_size=60), st.data())
def test_any_edit_gives_an_orphan_or_a_range_inside_the_new_text(args, inserted, data):
    text, start, end = args
    sel = make_selector(text, start, end)
    cut = data.draw(st.integers(0, len(text)), label="edit at")
    removed = data.draw(st.integers(0, len(text) - cut), label="characters removed")
    new = text[:cut] + inserted + text[cut + removed :]
    anchor = reanchor(new, sel)
    assert anchor is None or (0 <= anchor.start < anchor.end <= len(new) and anchor.method in ("position", "quote", "fuzzy"))


def test_a_quote_that_ended_the_text_is_not_taken_for_look_alike_text_inserted_before_it():
    # Found by Hypothesis: the quote ended the text, so it has no suffix; text inserted just
    # before it, sharing some of its characters, was taken for "the quote changed in its own
    # place" because a missing side counted as unchanged wherever the match was.
    text = "\x06\x17\x98ÖCý\U00031b12\x13Ö6D\U000435e8è®L\x14¿"
    sel = make_selector(text, 12, 17)
    for inserted in ("\x14è Ö\x06Ö", "L®6L "):
        new = text[:12] + inserted + text[12:]
        assert reanchor(new, sel) == Anchor(12 + len(inserted), 17 + len(inserted), "quote")
