"""How an imported book or page is known again: its title (however punctuated, with or
without a subtitle), its author (however written), its address (however linked)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TITLE_MATCH_MIN = 90
"""rapidfuzz ratio (0-100) two normalised titles (or authors) need to be taken for the same."""


def normalize_title(title: str) -> str:
    text = unicodedata.normalize("NFKC", title).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def main_title(title: str) -> str:
    """The title without a subtitle or a parenthesised series ('Dune (Dune Chronicles, Book 1)')."""
    text = re.sub(r"\([^()]*\)|\[[^\[\]]*\]", " ", title)
    text = re.split(r"[:|–—]", text, maxsplit=1)[0]
    return normalize_title(text)


def normalize_url(url: str) -> str:
    """The same page however it was linked: scheme, host case, 'www.', fragment, trailing '/'
    and tracking parameters (utm_*, fbclid, ...) do not matter."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
         if not (k.lower().startswith("utm_") or k.lower() in {"fbclid", "gclid", "mc_cid", "mc_eid", "ref"})]
    )
    path = parts.path.rstrip("/") or ""
    return urlunsplit(("", host + port, path, query, ""))


_AUTHOR_JOINERS = {"and", "und", "et", "y", "e", "en", "и"}


def _author_words(author: str) -> list[str]:
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", author).casefold())
    return sorted(w for w in words if w not in _AUTHOR_JOINERS)


def same_author(a: str | None, b: str | None) -> bool:
    """Whether two ways of writing an author name the same people ('Cockburn, Alistair' is
    'Alistair Cockburn'; 'Malcolm X' is not 'Malcolm X and M. S. Handler'). Unknown matches any."""
    if not a or not b or not a.strip() or not b.strip():
        return True
    from rapidfuzz import fuzz

    left, right = _author_words(a), _author_words(b)
    return left == right or fuzz.ratio(" ".join(left), " ".join(right)) >= TITLE_MATCH_MIN


def closest(key: str, titles: dict[str, list[int]]) -> list[int] | None:
    """The articles of the most similar title, if similar enough and with the same numbers:
    'Volume 2' is not 'Volume 3', however alike the rest."""
    from rapidfuzz import fuzz, process

    numbers = re.findall(r"\d+", key)
    for candidate, _score, _ in process.extract(
        key, list(titles), scorer=fuzz.ratio, score_cutoff=TITLE_MATCH_MIN, limit=10
    ):
        if re.findall(r"\d+", candidate) == numbers:
            return titles[candidate]
    return None
