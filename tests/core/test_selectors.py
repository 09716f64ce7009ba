"""Selectors (range + quote + context) and finding a quote in a text (reader.core.selectors)."""

from __future__ import annotations

import pytest

from reader.core.errors import InvalidInput
from reader.core.selectors import CONTEXT_CHARS, Selector, find_quote, find_quote_loose, make_selector
from tests.core.anchoring_corpus import base_article

ARTICLE = base_article()


def test_selector_keeps_the_quote_and_its_context_clipped_at_the_text_edges():
    sel = make_selector(ARTICLE, 5, 20)
    assert sel == Selector(5, 20, ARTICLE[5:20], ARTICLE[:5], ARTICLE[20 : 20 + CONTEXT_CHARS])
    end = make_selector(ARTICLE, len(ARTICLE) - 3, len(ARTICLE))
    assert (len(end.prefix), end.suffix) == (CONTEXT_CHARS, "")


@pytest.mark.parametrize("start, end", [(-1, 4), (7, 7), (9, 3), (0, len(ARTICLE) + 1)])
def test_selector_rejects_empty_or_outside_ranges_with_one_sentence(start, end):
    with pytest.raises(InvalidInput, match=rf"^The range {start}\.\.{end} is not .*\.$"):
        make_selector(ARTICLE, start, end)


def test_find_quote_lists_every_occurrence_overlapping_ones_too():
    assert len(find_quote(ARTICLE, "ATACMS")) == ARTICLE.count("ATACMS") == 6
    assert find_quote("aaaa", "aa") == [0, 1, 2]
    assert find_quote(ARTICLE, "") == []
    assert find_quote(ARTICLE, "cruise missiles") == []


def test_find_quote_loose_ignores_case_and_how_whitespace_runs():
    text = "They may use Long-range   missiles\nin Russian territory."
    (span,) = find_quote_loose(text, " long-range missiles in ")
    assert text[span[0] : span[1]] == "Long-range   missiles\nin"
    assert find_quote_loose(text, "  \n") == []
