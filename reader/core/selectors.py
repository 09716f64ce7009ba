"""Where a highlight is: a *position* selector (``start``/``end`` into the canonical text)
and a *quote* selector (the ``exact`` text plus up to :data:`CONTEXT_CHARS` characters of
``prefix`` and ``suffix``), as in the W3C Web Annotation model (and as Hypothesis does);
and finding a quote in a text. Finding a highlight again after the text changed is
``reader.core.anchoring``'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reader.core.errors import InvalidInput

CONTEXT_CHARS = 32


@dataclass(frozen=True)
class Selector:
    """Where a highlight was: its range, its text, and the text around it."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


def make_selector(text: str, start: int, end: int, context: int = CONTEXT_CHARS) -> Selector:
    """The selector of ``text[start:end]`` with ``context`` characters either side."""
    if not (isinstance(start, int) and isinstance(end, int)) or not 0 <= start < end <= len(text):
        raise InvalidInput(
            f"The range {start}..{end} is not a non-empty range inside the text "
            f"of {len(text)} characters."
        )
    return Selector(
        start=start,
        end=end,
        exact=text[start:end],
        prefix=text[max(0, start - context) : start],
        suffix=text[end : end + context],
    )


def find_quote(text: str, quote: str) -> list[int]:
    """Start offsets of every occurrence of ``quote`` in ``text``, overlapping ones too."""
    if not quote:
        return []
    found = []
    i = text.find(quote)
    while i != -1:
        found.append(i)
        i = text.find(quote, i + 1)
    return found


def find_quote_loose(text: str, quote: str, ignore_case: bool = True) -> list[tuple[int, int]]:
    """``(start, end)`` of each match of ``quote`` ignoring how whitespace runs, and case.

    Any run of whitespace in the quote matches any run in the text (so a line break
    matches a space), and leading or trailing whitespace of the quote is ignored.
    """
    words = quote.split()
    if not words:
        return []
    pattern = re.compile(r"\s+".join(map(re.escape, words)), re.IGNORECASE if ignore_case else 0)
    return [m.span() for m in pattern.finditer(text)]
