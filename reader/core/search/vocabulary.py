"""Each segment's words by first letter, with how many documents have each: what misspelt
words (``word~``) and "did you mean" compare against, without reading the lexicon or
looking a term up in every segment.

A segment's list is written once beside it (``<segment>.<field>.words``, a word and its
document count a line) by whoever reads it first; Whoosh deletes it with the segment,
whose name it starts with. Reading a 10,000-article lexicon takes ~0.7 s, the list ~20 ms.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


class SegmentVocab:
    """One segment's terms of a field: by first letter, and their document counts."""

    def __init__(self, dfs: dict[str, int]):
        self.dfs = dfs
        self.buckets: dict[str, list[str]] = {}
        for word in dfs:
            self.buckets.setdefault(word[0], []).append(word)

    def get(self, letter: str, default: Any = None) -> list[str] | None:
        return self.buckets.get(letter, default)

    def __contains__(self, letter: str) -> bool:
        return letter in self.buckets


def read_segment_vocab(index_dir: Path, reader: Any, segment_id: str, field_name: str) -> SegmentVocab:
    path = index_dir / f"{segment_id}.{field_name}.words"
    try:
        lines = path.read_text("utf-8").split("\n")
        dfs = {}
        for line in lines:
            if line:
                word, _, count = line.rpartition(" ")
                dfs[word] = int(count)
        return SegmentVocab(dfs)
    except (OSError, UnicodeDecodeError, ValueError):
        pass
    vocab = SegmentVocab(_lexicon(reader, field_name))
    try:  # a cache only: a full disk or a read-only folder just means no file
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        tmp.write_text("\n".join(f"{w} {c}" for w, c in vocab.dfs.items()), "utf-8")
        os.replace(tmp, path)
    except OSError:
        pass
    return vocab


def _lexicon(reader: Any, field_name: str) -> dict[str, int]:
    dfs: dict[str, int] = {}
    try:
        for term, info in reader.iter_field(field_name):
            dfs[term.decode("utf-8")] = info.doc_frequency()
    except Exception:  # not a text field
        pass
    return dfs


class MergedBuckets:
    """Segments' word lists by first letter, merged a letter at a time when first asked for."""

    def __init__(self, parts: list[SegmentVocab]):
        self._parts = parts
        self._letters: dict[str, list[str]] = {}
        self._lengths: dict[str, dict[int, list[str]]] = {}
        self._sets: dict[str, frozenset[str]] = {}

    def get(self, letter: str, default: Any = None) -> list[str] | None:
        words = self._letters.get(letter)
        if words is None:
            lists = [p.buckets[letter] for p in self._parts if letter in p.buckets]
            words = self._letters[letter] = lists[0] if len(lists) == 1 else sorted(set().union(*lists))
        return words or default

    def __contains__(self, word: str) -> bool:
        """Whether ``word`` is indexed (in any segment): a set lookup, not one per segment."""
        if not word:
            return False
        known = self._sets.get(word[0])
        if known is None:
            known = self._sets[word[0]] = frozenset(self.get(word[0], ()))
        return word in known

    def doc_frequency(self, word: str) -> int:
        """Documents with ``word``, counted as Whoosh does (deleted ones until a merge)."""
        return sum(p.dfs.get(word, 0) for p in self._parts)

    def near(self, letter: str, length: int, maxdist: int) -> list[str]:
        """The words of ``letter`` whose length is within ``maxdist`` of ``length`` (the only
        ones that can be that near): a tenth of the letter's words to compare."""
        by_length = self._lengths.get(letter)
        if by_length is None:
            by_length = self._lengths[letter] = {}
            for word in self.get(letter, ()):
                by_length.setdefault(len(word), []).append(word)
        out: list[str] = []
        for n in range(length - maxdist, length + maxdist + 1):
            out.extend(by_length.get(n, ()))
        return out
