"""Looking a term up in a segment's term table, with fewer Python layers than Whoosh.

A query looks each of its words up in every field it may stand in and every segment:
a couple of hundred lookups for two words; a prefix lists the terms it starts. Whoosh's lookup passes through six Python
calls and a seek and a read per slot of its on-disk hash table (about 6 µs); this one
reads the memory-mapped table directly (about 2 µs), with the same hash and layout
(``whoosh.filedb.filetables.HashReader``), and falls back to Whoosh's own when the table
is not a plain memory map (another storage, another hash function).
"""

from __future__ import annotations

import struct
from hashlib import md5
from mmap import mmap
from typing import Any

from whoosh.codec.whoosh3 import W3TermInfo

_POINTER = struct.Struct("!Iq")   # a slot: the key's hash, where the key is
_LENGTHS = struct.Struct("!ii")   # at that place: the key's length, the value's length
_MD5 = 0                          # HashReader.hashtype of md5_hash


class TermTable:
    """One segment's terms: where each one's entry is."""

    __slots__ = ("_fields", "_map", "_tables", "_tindex")

    def __init__(self, reader: Any):
        terms = reader._terms
        tindex = terms._tindex
        self._tindex = tindex
        self._fields: dict[str, int] = terms._fieldmap
        raw = getattr(tindex.dbfile, "file", None)
        usable = isinstance(raw, mmap) and tindex.hashtype == _MD5 and not tindex.startoffset
        self._map = raw if usable else None
        self._tables = tindex.tables

    def locate(self, field: str, term: bytes) -> tuple[int, int] | None:
        """(position, length) of ``term``'s entry in ``field``, or None when it is not there."""
        number = self._fields.get(field)
        if number is None:
            return None
        key = number.to_bytes(2, "big") + term
        mm = self._map
        if mm is None:
            return next(iter(self._tindex.ranges_for_key(key)), None)
        keyhash = int.from_bytes(md5(key, usedforsecurity=False).digest()[-4:], "big")
        start, slots = self._tables[keyhash & 255]
        if not slots:
            return None
        size = _POINTER.size
        end = start + slots * size
        slot = start + ((keyhash >> 8) % slots) * size
        for _ in range(slots):
            slot_hash, at = _POINTER.unpack_from(mm, slot)
            if not at:
                return None
            if slot_hash == keyhash:
                key_length, value_length = _LENGTHS.unpack_from(mm, at)
                key_at = at + _LENGTHS.size
                if key_length == len(key) and mm[key_at:key_at + key_length] == key:
                    return key_at + key_length, value_length
            slot += size
            if slot == end:
                slot = start
        return None

    def info(self, field: str, term: bytes) -> W3TermInfo | None:
        where = self.locate(field, term)
        if where is None:
            return None
        at, length = where
        data = self._map[at:at + length] if self._map is not None else self._tindex.dbfile.get(at, length)
        return W3TermInfo.from_bytes(data)


def term_table(reader: Any) -> TermTable:
    """The table of a segment reader, made once per reader (it holds the reader's map)."""
    table = getattr(reader, "_reader_term_table", None)
    if table is None:
        table = TermTable(reader)
        reader._reader_term_table = table
    return table


def has_term(reader: Any, field: str, text: str | bytes) -> bool:
    """Whether any segment of ``reader`` (a segment or a multi-segment reader) has the term."""
    if field not in reader.schema:
        return False
    try:
        term = text if isinstance(text, bytes) else reader.schema[field].to_bytes(text)
    except ValueError:  # not a value of that field
        return False
    for sub, _ in reader.leaf_readers():
        if getattr(sub, "_terms", None) is None:  # no terms of its own (an empty index)
            if (field, term) in sub:
                return True
        elif term_table(sub).locate(field, term) is not None:
            return True
    return False


def prefix_frequencies(reader: Any, field: str, prefix: bytes, limit: int) -> dict[bytes, int]:
    """The terms of ``field`` that start with ``prefix`` (the first ``limit`` of them in each
    segment), each with its document count over all segments.

    Read from each segment's ordered term table in one pass: Whoosh's multi-segment listing
    looks every term up again in every segment (33 ms for "ris*" at 10,000 articles)."""
    out: dict[bytes, int] = {}
    unpack = W3TermInfo._struct.unpack_from  # flags, weight, document count, ...
    for sub, _ in reader.leaf_readers():
        terms = getattr(sub, "_terms", None)
        number = terms._fieldmap.get(field) if terms is not None else None
        if number is None:
            continue
        start = number.to_bytes(2, "big") + prefix
        for i, (key, value) in enumerate(terms._tindex.items_from(start)):
            if i >= limit or not key.startswith(start):
                break
            term = key[2:]
            out[term] = out.get(term, 0) + unpack(value)[2]
    return out
