"""Each body word's neighbours, kept in its postings, so a phrase is checked by one word.

A phrase needs its words next to each other. Checking that from positions means unpacking
the positions of every word of the phrase in every article that has them all; with one
common word that is thousands of articles' worth (50 ms at 10,000 articles). So each
occurrence of a word in the body also carries one byte naming the word before it and one
naming the word after it (a hash of their stems). A phrase reads only its rarest word's
occurrences and keeps the articles where that word has the right neighbours; a one-in-256
chance of a false neighbour is settled by the positions of those few articles only.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from pickle import dumps
from typing import Any

from whoosh import formats
from whoosh.system import _INT_SIZE, pack_uint

_HASHES: dict[str, int] = {}
# The last body analysed and its stems in order: the body's pairs (pairs.py) come next.
LAST_STEMS: tuple[Any, list[str]] = (None, [])


def neighbour_hash(stem: str) -> int:
    """A byte naming ``stem`` (1-255; 0 means "no word there")."""
    h = _HASHES.get(stem)
    if h is None:
        h = (zlib.crc32(stem.encode("utf-8")) % 255) + 1
        if len(_HASHES) < 500_000:
            _HASHES[stem] = h
    return h


class LinkedCharacters(formats.Characters):
    """Whoosh's Characters (position, start and end character of each occurrence) followed
    by two bytes an occurrence: the hashes (``neighbour_hash``) of the words before and after
    it. Whoosh's decoders read the pickle at the front and ignore what follows it, so they
    work unchanged; a phrase reads the bytes at the end without unpacking anything."""

    def encode(self, poslist: Any) -> bytes:
        deltas = []
        tail = bytearray()
        posbase = charbase = 0
        for pos, startchar, endchar, link in poslist:
            deltas.append((pos - posbase, startchar - charbase, endchar - startchar))
            posbase, charbase = pos, endchar
            tail += link.to_bytes(2, "big")
        return pack_uint(len(deltas)) + dumps(deltas, 2) + bytes(tail)

    def combine(self, vs: Iterable[bytes]) -> bytes:
        by_pos: dict[int, tuple[int, int, int]] = {}
        for v in vs:
            for pos, s, e, link in decode_links(v):
                by_pos.setdefault(pos, (s, e, link))
        return self.encode([(p, *by_pos[p]) for p in sorted(by_pos)])


def links_of(value: bytes) -> bytes:
    """The neighbour bytes of a LinkedCharacters value: previous, next, previous, next..."""
    n = int.from_bytes(value[:_INT_SIZE], "big")
    return value[len(value) - 2 * n:] if n else b""


def decode_links(value: bytes) -> list[tuple[int, int, int, int]]:
    """(position, start, end, link) of each occurrence in a LinkedCharacters value."""
    chars = formats.Characters().decode_characters(value)
    tail = links_of(value)
    return [(p, s, e, int.from_bytes(tail[2 * i:2 * i + 2], "big")) for i, (p, s, e) in enumerate(chars)]
