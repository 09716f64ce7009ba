"""Each body word's neighbours in its postings (reader/core/search/links.py)."""

from __future__ import annotations

from whoosh.formats import Characters

from reader.core.search.links import LinkedCharacters, decode_links, neighbour_hash
from reader.core.search.schema import make_schema


def _postings(text: str) -> dict[str, bytes]:
    field = make_schema()["text"]
    return {term.decode(): value for term, _freq, _weight, value in field.index(text)}


def test_each_occurrence_names_the_words_before_and_after_it() -> None:
    values = _postings("Alpha beta gamma. The beta of alpha.")
    h = neighbour_hash
    # "the" and "of" are stop words: "gamma beta alpha" stand next to each other, as in a phrase
    assert [link for *_, link in decode_links(values["beta"])] == [
        h("alpha") << 8 | h("gamma"), h("gamma") << 8 | h("alpha")]
    assert [link for *_, link in decode_links(values["alpha"])] == [0 << 8 | h("beta"), h("beta") << 8 | 0]


def test_whoosh_reads_positions_and_characters_as_before() -> None:
    text = "Alpha beta gamma. The beta of alpha."
    value = _postings(text)["beta"]
    chars = LinkedCharacters().decode_characters(value)
    assert chars == Characters().decode_characters(value)
    assert [text[s:e] for _p, s, e in chars] == ["beta", "beta"]
    assert LinkedCharacters().decode_positions(value) == [p for p, _s, _e in chars]


def test_merged_values_keep_their_links() -> None:
    fmt = LinkedCharacters()
    a = fmt.encode([(1, 0, 5, 0x0102)])
    b = fmt.encode([(4, 10, 15, 0x0304)])
    assert decode_links(fmt.combine([a, b])) == [(1, 0, 5, 0x0102), (4, 10, 15, 0x0304)]


def test_no_word_hashes_to_zero_which_means_none() -> None:
    assert all(1 <= neighbour_hash(w) <= 255 for w in ("a", "river", "東京", "😀", "x" * 300))
