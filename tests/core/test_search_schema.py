"""The one-pass indexing of StemmedText gives exactly what Whoosh's analyzer gives."""

from __future__ import annotations

import pytest
from whoosh import fields as wf
from whoosh.analysis import StemmingAnalyzer

from reader.core.search.schema import StemmedText

TEXTS = [
    "The quick brown foxes were jumping over the lazy dogs.",
    "A an the of: stop words first, then words. E.g. 3.14 and v1.2.3 keep their dots.",
    "Ünïcödé İstanbul straße ΑΘΗΝΑ Москва красивая; 東京 大阪 京都 は 日本.",
    "😀🎉 emoji before words, x y z single letters, running runs ran runner.",
    "",
    "   \n\n  ",
    "the the the",
    "Tomatoes need full sun\nand steady watering through the summer's heat.",
]


@pytest.mark.parametrize("chars", [True, False])
@pytest.mark.parametrize("text", TEXTS)
def test_same_terms_positions_and_offsets_as_whoosh(text: str, chars: bool) -> None:
    ours = StemmedText(analyzer=StemmingAnalyzer(), chars=chars)
    theirs = wf.TEXT(analyzer=StemmingAnalyzer(), chars=chars)
    assert sorted(ours.index(text)) == sorted(theirs.index(text))


def test_pieces_keep_their_place_in_the_article() -> None:
    article = "Missiles flew 250 kilometres, then later 305 kilometres east."
    start = article.index("305")
    field = StemmedText(analyzer=StemmingAnalyzer(), chars=True)
    postings = {term: value for term, _freq, _weight, value in field.index([(start, "305 kilometres")])}
    chars = field.format.decode_characters(postings[b"kilometr"])
    assert [(s, e) for _pos, s, e in chars] == [(start + 4, start + 14)]
    assert article[start + 4:start + 14] == "kilometres"
