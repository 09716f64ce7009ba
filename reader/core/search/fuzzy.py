"""Which indexed words a misspelt ``word~`` stands for.

The index holds stems ("hufation" is indexed as "hufat", "sibefily" as "sibefili"), and
people misspell whole words, often in the ending that stemming removes: "hufatioa~" is one
letter from "hufation" but three from its stem. So a misspelling is compared with the
stems in three ways, each found with rapidfuzz in the segment's vocabulary (bucketed by
first letter, which people rarely get wrong):

- as typed, and its own stem (a slip in the middle of the word);
- with an English ending taken off, or with the stemmer's y -> i (a slip in the stem of a
  word whose ending is right: "jxjorier" -> "jxjori" ~ "jojori");
- its leading letters that are a stem of their own (a slip in the ending: "hufat" of
  "hufatioa").

A stem found the second or third way counts only if it plus an ending, as a whole word, is
within the allowed distance of what was typed; its distance is that word's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

MAX_FUZZY_TERMS = 16    # nearest spellings kept for one misspelt word (as many as the FTS5 reference expands)
# Endings the Porter stemmer takes off, longest first, as they are written in whole words.
ENDINGS = ("ations", "ation", "ments", "ment", "ness", "tion", "ions", "ings", "ing", "ion", "ers", "ies", "ied",
           "ly", "ed", "er", "es", "al", "ic", "ive", "ful", "ous", "ism", "ist", "ity", "ize", "ate", "ence",
           "ance", "able", "ible", "s", "e", "y")
MIN_STEM = 3


def surface_distance(word: str, stem: str, distance: Callable[[str, str], int]) -> int:
    """The distance from ``word`` to the nearest whole word ``stem`` could be the stem of."""
    best = distance(word, stem)
    bases = [stem]
    if stem.endswith("i"):
        bases.append(stem[:-1] + "y")   # the stemmer's y -> i
    for base in bases:
        for ending in ("", *ENDINGS):
            if abs(len(base) + len(ending) - len(word)) <= best:
                best = min(best, distance(word, base + ending))
    return best


def typed_forms(word: str, stemmed: str | None) -> tuple[set[str], set[str]]:
    """(forms compared as they are, forms whose matches must pass the surface check)."""
    exact = {word}
    if stemmed:
        exact.add(stemmed)
    checked: set[str] = set()
    if word.endswith("y") and len(word) > MIN_STEM:
        checked.add(word[:-1] + "i")
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            checked.add(word[: -len(ending)])
    return exact, checked - exact


def prefixes(word: str) -> Iterable[str]:
    """Leading parts of ``word`` that may be a stem whose ending was mistyped: all of the
    word but an ending's worth of letters (a shorter one would be another word)."""
    for n in range(max(MIN_STEM + 1, len(word) - 5), len(word)):
        yield word[:n]


def expand(word: str, stemmed: str | None, maxdist: int, buckets: Iterable[dict[str, list[str]]],
           vocabulary: Callable[[str], bool], stems: bool = True) -> dict[str, float]:
    """Indexed terms near ``word``, each with a weight (1 for the word itself, less as it is
    further away). ``buckets`` are the segments' terms by first letter; ``vocabulary`` says
    whether a term is indexed; ``stems`` whether the field holds stems (else words as written)."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA  # a swap of two letters is one edit

    exact, checked = typed_forms(word, stemmed)
    if not stems:
        checked = set()
    found: dict[str, int] = {}

    def keep(term: str, dist: int) -> None:
        if dist <= maxdist and dist < found.get(term, maxdist + 1):
            found[term] = dist

    buckets = list(buckets)
    for form in exact | checked:
        for bucketed in buckets:
            near = getattr(bucketed, "near", None)  # a merged vocabulary groups words by length too
            bucket = near(form[0], len(form), maxdist) if near else bucketed.get(form[0])
            if not bucket:
                continue
            for term, dist, _ in process.extract(form, bucket, scorer=OSA.distance, score_cutoff=maxdist,
                                                 limit=MAX_FUZZY_TERMS):
                keep(term, dist if form in exact else surface_distance(word, term, OSA.distance))
    for stem in prefixes(word) if stems else ():
        if vocabulary(stem):
            keep(stem, surface_distance(word, stem, OSA.distance))
    # Nearer spellings rank higher: an exact match counts most.
    return {term: 1.0 / (1 + dist) for term, dist in found.items()}
