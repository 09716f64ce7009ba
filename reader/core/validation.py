"""What ``Library`` accepts from a user: tag names and highlight colours, checked and
normalised in one place (restore and the annotation imports use the same rules)."""

from __future__ import annotations

import re

from reader.core.errors import InvalidInput, QuoteNotFound
from reader.core.models import COLORS

MAX_TAG_CHARS = 100
_HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def normalize_tag(tag: str) -> str:
    name = " ".join(str(tag).split()).lstrip("#")
    if not name:
        raise InvalidInput("A tag cannot be empty.")
    if len(name) > MAX_TAG_CHARS:
        raise InvalidInput(f"The tag '{name[:30]}…' is too long (the limit is {MAX_TAG_CHARS} characters).")
    return name


def normalize_color(color: str) -> str:
    value = color.strip().lower()
    if value in COLORS or _HEX_COLOR.match(value):
        return value
    raise InvalidInput(f"'{color}' is not a highlight colour; use one of {', '.join(COLORS)} or #rrggbb.")


def locate_quote(text: str, quote: str, article_id: int, occurrence: int | None = None) -> tuple[int, int]:
    """Where ``quote`` stands in article ``article_id``'s ``text``, as ``(start, end)``.

    Exact text first, then ignoring case and how whitespace runs. A quote found more than
    once is an error unless ``occurrence`` (1-based) says which one is meant.
    """
    from reader.core import selectors

    quote = quote.strip()
    if not quote:
        raise InvalidInput("The quote to highlight is empty.")
    matches = [(s, s + len(quote)) for s in selectors.find_quote(text, quote)]
    if not matches:
        matches = selectors.find_quote_loose(text, quote)
    if not matches:
        raise QuoteNotFound(f"The quote '{_short(quote)}' is not in article {article_id}.")
    if occurrence is not None:
        if not 1 <= occurrence <= len(matches):
            raise QuoteNotFound(
                f"The quote '{_short(quote)}' stands {len(matches)} time(s) in article {article_id},"
                f" so there is no occurrence {occurrence}."
            )
        return matches[occurrence - 1]
    if len(matches) > 1:
        raise QuoteNotFound(
            f"The quote '{_short(quote)}' stands {len(matches)} times in article {article_id};"
            " quote more words or pick one with --nth."
        )
    return matches[0]


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
