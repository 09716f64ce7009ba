"""Word pairs of the most widespread words ("common grams"), so a phrase of two such words
is answered without reading either word's occurrences.

Each occurrence of a body word names its neighbours (links.py), so a phrase reads only its
rarest word's occurrences. That is still most of the archive when even the rarest word of
the phrase is in most articles ("last year" in news): 40 ms at 10,000 articles. So the body
is also indexed as the pairs of adjacent words that are both *very* common, in the ``pair``
field ("last year"), where such a phrase finds its articles directly. Only pairs of words in
a quarter of the articles or more: a couple of hundred words, about 60 pairs an article.

Which words are common is chosen from a sample of the articles being indexed, when 200 or
more are indexed at once and the index has none yet or has grown fourfold since; each
choice is a *version*, kept in ``common-words.json`` in the index folder. An article records
the version it was indexed with (a marker term in the same field), so a phrase knows which
articles have the pair indexed; the others (indexed before any choice, or with a version
where a word was not common) are checked through their words' occurrences as before.
Merges and deletions keep both kinds right, as markers and pairs are ordinary postings.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from whoosh import fields as wf

from reader.core.search import links

FIELD = "text_pairs"
VERSIONS_FILE = "common-words.json"
MIN_SAMPLE = 200        # articles needed to tell common words from others
SAMPLE = 400            # articles read to choose them
MIN_SHARE = 0.25        # a common word is in at least a quarter of the sample's articles
MAX_WORDS = 250         # and among the most widespread this many (~60 pairs an article)
GROWTH = 4              # choose again when the index has grown this many times


def marker(version: int) -> str:
    """The term every article indexed with ``version`` carries (no word has a control character)."""
    return f"\x01{version}"


def pair(a: str, b: str) -> str:
    return f"{a} {b}"


class Versions:
    """The choices of common words made for one index, by version number."""

    def __init__(self, words: dict[int, frozenset[str]], docs: dict[int, int]):
        self.words = words
        self.docs = docs    # how many articles the index had when each was chosen

    @property
    def latest(self) -> int | None:
        return max(self.words) if self.words else None

    def covering(self, a: str, b: str) -> list[int]:
        """The versions in which the pair ``a b`` is indexed."""
        return [v for v, common in self.words.items() if a in common and b in common]


def load(index_dir: Path) -> Versions:
    try:
        data = json.loads((index_dir / VERSIONS_FILE).read_text("utf-8"))
        words = {int(v): frozenset(d["words"]) for v, d in data.items()}
        docs = {int(v): int(d["docs"]) for v, d in data.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Versions({}, {})
    return Versions(words, docs)


def save(index_dir: Path, versions: Versions) -> None:
    data = {str(v): {"words": sorted(w), "docs": versions.docs[v]} for v, w in versions.words.items()}
    tmp = index_dir / f"{VERSIONS_FILE}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(data), "utf-8")
    os.replace(tmp, index_dir / VERSIONS_FILE)


def choose(texts: Iterable[str]) -> frozenset[str]:
    """The stems in at least MIN_SHARE of ``texts``, the MAX_WORDS most widespread."""
    df: Counter[str] = Counter()
    n = 0
    for text in texts:
        n += 1
        df.update(set(_stems(text)))
    if n < MIN_SAMPLE:
        return frozenset()
    return frozenset(w for w, c in df.most_common(MAX_WORDS) if c >= MIN_SHARE * n)


# The version (and its words) that documents being indexed now get. Set by the writer before
# it starts; the bulk writer's worker processes are forked from it and inherit it.
ACTIVE: tuple[int, frozenset[str]] | None = None


def activate(index_dir: Path, doc_count: int, sample: Any = None) -> None:
    """Set the version new documents get; with ``sample`` (a callable giving article texts),
    first choose a new one if the index has none yet or has grown GROWTH times since."""
    global ACTIVE
    versions = load(index_dir)
    latest = versions.latest
    if sample is not None and (latest is None or doc_count >= GROWTH * max(1, versions.docs[latest])):
        words = choose(sample())
        if words:
            latest = (latest or 0) + 1
            versions.words[latest] = words
            versions.docs[latest] = doc_count
            try:
                save(index_dir, versions)
            except OSError:  # a full disk: index without pairs (phrases check positions)
                latest = versions.latest if versions.latest != latest else None
    ACTIVE = (latest, versions.words[latest]) if latest is not None and latest in versions.words else None


class PairField(wf.ID):
    """The body as pairs of adjacent common words, plus the version marker. Adjacent means
    what a phrase means: next to each other once stop words and one-letter words are left
    out, as the body's positions are numbered. Doc numbers only: no positions, no lengths."""

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        active = ACTIVE
        if active is None or not isinstance(value, str):
            return
        version, common = active
        yield marker(version).encode("utf-8"), 1, 1.0, b""
        seen: set[str] = set()
        prev = None
        last_value, last_stems = links.LAST_STEMS
        for stem in last_stems if last_value is value else _stems(value):
            if prev is not None and prev in common and stem in common:
                seen.add(pair(prev, stem))
            prev = stem
        for p in seen:
            yield p.encode("utf-8"), 1, 1.0, b""


def _stems(text: str) -> Iterator[str]:
    # The body's own analysis (schema.StemmedText), in order, without positions.
    from reader.core.search.schema import _STOPS, _WORD, _stem

    for m in _WORD.finditer(text):
        word = m.group().lower()
        if len(word) >= 2 and word not in _STOPS:
            yield _stem(word)
