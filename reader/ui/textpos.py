"""The one conversion between Python ``str`` offsets and Qt text positions.

Python counts code points; Qt counts UTF-16 code units, so every character outside the
Basic Multilingual Plane (emoji, many CJK extensions, mathematical letters) takes two Qt
positions. Offsets cross the UI boundary only through :func:`to_qt` and :func:`from_qt`.

For a long text we record once where its non-BMP characters stand and answer each
conversion with a bisection, so a 1 MB article costs one regex scan, not one per call.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class TextPositions:
    """Offset conversion for one text."""

    __slots__ = ("_py", "_qt", "py_length", "qt_length")

    def __init__(self, text: str):
        if text.isascii():
            self._py: list[int] = []
        else:
            self._py = [m.start() for m in _ASTRAL.finditer(text)]
        # Qt position of each non-BMP character: its Python index plus the extra units before it.
        self._qt = [index + extra for extra, index in enumerate(self._py)]
        self.py_length = len(text)
        self.qt_length = len(text) + len(self._py)

    def to_qt(self, offset: int) -> int:
        """Qt position of Python offset ``offset``."""
        if not self._py:
            return offset
        return offset + bisect.bisect_left(self._py, offset)

    def from_qt(self, pos: int) -> int:
        """Python offset of Qt position ``pos`` (inside a surrogate pair: the character's start)."""
        if not self._qt:
            return pos
        return pos - bisect.bisect_left(self._qt, pos)


@lru_cache(maxsize=16)
def positions(text: str) -> TextPositions:
    """The (cached) conversion table for ``text``; str hashes are cached, so lookups are cheap."""
    return TextPositions(text)


def to_qt(text: str, offset: int) -> int:
    return positions(text).to_qt(offset)


def from_qt(text: str, pos: int) -> int:
    return positions(text).from_qt(pos)


def qt_length(text: str) -> int:
    """Length of ``text`` in UTF-16 code units."""
    return positions(text).qt_length


def word_edges(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` widened to whole words (Python offsets): a drag that cut a word takes it all."""
    while 0 < start < len(text) and _in_word(text[start - 1]) and _in_word(text[start]):
        start -= 1
    while 0 < end < len(text) and _in_word(text[end - 1]) and _in_word(text[end]):
        end += 1
    return start, end


def _in_word(char: str) -> bool:
    return char.isalnum() or char in "_'’-"
