"""Whoosh's postings format with each block's positions kept apart from its doc numbers.

A Whoosh posting block is one compressed pickle of (doc numbers, term frequencies, values),
and for the body the values (every position with its character offsets) are nine tenths of
it. Finding which articles have a common word and how often (all a word, AND, OR, prefix
or date query needs) therefore unpacked every position of it: 13 ms for a word in each of
10,000 articles. Here a block is two parts, compressed apart: doc numbers and frequencies
first, then the values, which are unpacked only when a phrase or a snippet asks for them.
"""

from __future__ import annotations

import struct
import zlib
from pickle import dumps, loads
from typing import Any

from whoosh.codec import whoosh3
from whoosh.matching import ListMatcher
from whoosh.util.numeric import length_to_byte

_PART = struct.Struct("!I")  # the first part's length, before it


def _pack(obj: Any, comp: int) -> bytes:
    data = dumps(obj, 2)
    if comp and len(data) >= whoosh3.COMPRESSION_MIN_SIZE:
        return b"z" + zlib.compress(data, comp)
    return b"p" + data


def _unpack(data: bytes) -> Any:
    if data[:1] == b"z":
        return loads(zlib.decompress(data[1:]))
    return loads(data[1:])


class SplitPostingsWriter(whoosh3.W3PostingsWriter):
    def _write_block(self, last: bool = False) -> None:
        if not self._blockcount:
            self._postfile.write(whoosh3.WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        comp = self._compression
        first = _pack((self._mini_ids(), self._mini_weights()), comp)
        databytes = _PART.pack(len(first)) + first + _pack(self._mini_values(), comp)
        ids = self._ids
        infobytes = dumps(
            (len(ids), ids[-1], self._maxweight, 0,  # 0: each part says whether it is compressed
             length_to_byte(self._minlength), length_to_byte(self._maxlength)),
            2,
        )
        blocklength = len(infobytes) + len(databytes)
        postfile = self._postfile
        postfile.write_int(-blocklength if last else blocklength)
        postfile.write(infobytes)
        postfile.write(databytes)
        self._blockcount += 1
        self._new_block()


class SplitLeafMatcher(whoosh3.W3LeafMatcher):
    """Reads the doc numbers and frequencies of a block first, its values only when asked."""

    def _read_data(self) -> None:
        postfile = self._postfile
        (size,) = _PART.unpack(postfile.get(self._dataoffset, _PART.size))
        ids, weights = _unpack(postfile.get(self._dataoffset + _PART.size, size))
        self._data = (ids, weights, _LazyValues(postfile, self._dataoffset + _PART.size + size,
                                                self._nextoffset))

    def _read_values(self) -> None:
        if self._data is None:
            self._read_data()
        if isinstance(self._data[2], _LazyValues):
            self._data = (self._data[0], self._data[1], self._data[2].load())
        super()._read_values()


class _LazyValues:
    __slots__ = ("end", "postfile", "start")

    def __init__(self, postfile: Any, start: int, end: int):
        self.postfile, self.start, self.end = postfile, start, end

    def load(self) -> Any:
        return _unpack(self.postfile.get(self.start, self.end - self.start))


class SplitCodec(whoosh3.W3Codec):
    """W3Codec with SplitPostingsWriter and SplitLeafMatcher (segments remember their codec)."""

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> Any:
        return SplitPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                   compression=self._compression, inlinelimit=self._inlinelimit)

    def postings_reader(self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None) -> Any:
        if terminfo.is_inlined():
            ids, weights, values = terminfo.inlined_postings()
            return ListMatcher(ids, weights, values, format_, scorer=scorer, term=term, terminfo=terminfo)
        offset, length = terminfo.extent()
        return SplitLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)
