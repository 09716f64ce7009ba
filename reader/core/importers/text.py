"""Plain-text articles: a title line, an optional dateline, paragraphs and subheadings.

The shape most saved news text has: the first line is the title; a line near the top
that is only a date (and time) is the publication date, not body; short lines that start
with a capital and end without punctuation, followed by a paragraph, are subheadings.
Hard-wrapped paragraphs (blank line between paragraphs) are joined back into one line.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from reader.core.document import Block, Document
from reader.core.importers import ImportedArticle

MAX_TITLE_CHARS = 200
MAX_HEADING_WORDS = 10
MAX_HEADING_CHARS = 80

_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_TIME = r"(?:[,\s]+(?:at\s+)?(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)?)?"
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_DATE_PATTERNS = [
    # 17 November 2024 15:26
    re.compile(rf"^{_WEEKDAY}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon>{_MONTH_RE})\.?,?\s+(?P<y>\d{{4}}){_TIME}$", re.I),
    # November 17, 2024 3:26 pm
    re.compile(rf"^{_WEEKDAY}(?P<mon>{_MONTH_RE})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}}){_TIME}$", re.I),
    # 2024-11-17 15:26 / 2024-11-17T15:26:00
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[T\s]+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?)?Z?$"),
    # 17.11.2024 15:26 and 17/11/2024 (day first, as most of the world writes it)
    re.compile(r"^(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4})(?:[,\s]+(?P<h>\d{1,2}):(?P<mi>\d{2}))?$"),
]
_PUBLISHED_PREFIX = re.compile(r"^(?:published|posted|updated|date)\s*(?:on)?\s*:?\s*", re.I)


def parse_dateline(line: str) -> datetime | None:
    """The date (and time) if ``line`` is nothing but a date, else None."""
    candidate = _PUBLISHED_PREFIX.sub("", line.strip()).strip()
    if not candidate or len(candidate) > 48:
        return None
    for pattern in _DATE_PATTERNS:
        m = pattern.match(candidate)
        if not m:
            continue
        parts = m.groupdict()
        month = _MONTHS[parts["mon"].lower().rstrip(".")] if parts.get("mon") else int(parts["m"])
        hour = int(parts["h"]) if parts.get("h") else 0
        minute = int(parts["mi"]) if parts.get("mi") else 0
        second = int(parts["s"]) if parts.get("s") else 0
        ampm = (parts.get("ampm") or "").lower().replace(".", "")
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        try:
            return datetime(int(parts["y"]), month, int(parts["d"]), hour, minute, second)
        except ValueError:
            return None
    return None


def _looks_like_heading(line: str) -> bool:
    words = line.split()
    if not words or len(words) > MAX_HEADING_WORDS or len(line) > MAX_HEADING_CHARS:
        return False
    if line[-1] in ".,;:!?\"'”’)»…-–—":
        return False
    first = line.lstrip("#*_ ")[:1]
    return first.isupper() or first.isdigit()


def _paragraphs(body: str) -> list[str]:
    """Split into paragraph lines; join hard-wrapped lines when blank lines separate paragraphs."""
    lines = body.split("\n")
    groups: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            groups[-1].append(line.strip())
        elif groups[-1]:
            groups.append([])
    groups = [g for g in groups if g]
    has_blank_separators = len(groups) > 1 and any(len(g) > 1 for g in groups)
    wrapped = has_blank_separators and _is_hard_wrapped(lines)
    out: list[str] = []
    for group in groups:
        if wrapped:
            out.append(" ".join(group))
        else:
            out.extend(group)
    return out


def _is_hard_wrapped(lines: list[str]) -> bool:
    lengths = [len(line) for line in lines if line.strip()]
    if len(lengths) < 3:
        return False
    long_lines = sum(1 for n in lengths if n > 100)
    return long_lines / len(lengths) < 0.1 and max(lengths) <= 100


def _clean(line: str) -> str:
    return " ".join(line.replace("\t", " ").split())


def _split_title(text: str) -> tuple[str | None, str]:
    """The first line when it can be a title, and the text after it.

    Taken off before paragraphs are found, so a title followed directly by a hard-wrapped
    paragraph is not joined into it.
    """
    stripped = text.lstrip("\n \t")
    first, _, rest = stripped.partition("\n")
    first = _clean(first)
    if not first or len(first) > MAX_TITLE_CHARS or not rest.strip():
        return None, text
    return first, rest


def parse_text(text: str, name: str) -> ImportedArticle:
    title, body = _split_title(text)
    rest = [p for p in (_clean(p) for p in _paragraphs(body)) if p]
    if not rest:
        return ImportedArticle(title=title or Path(name).stem or name, document=Document(()), format="text")
    if title is None:
        # No title line: the file's name is the title and every line is body.
        title = Path(name).stem.replace("_", " ").replace("-", " ").strip() or name

    published = None
    for i, line in enumerate(rest[:4]):
        date = parse_dateline(line)
        if date is not None:
            published = date
            del rest[i]
            break

    blocks: list[Block] = []
    for i, line in enumerate(rest):
        heading_text = line.lstrip("#").strip() if line.startswith("#") else line
        next_line = rest[i + 1] if i + 1 < len(rest) else None
        is_heading = (
            i > 0
            and next_line is not None
            and _looks_like_heading(heading_text)
            and len(next_line) > len(heading_text)
            and not _looks_like_heading(next_line)
            and (not blocks or blocks[-1].kind != "heading")
        )
        if is_heading:
            blocks.append(Block("heading", heading_text, level=2))
        else:
            blocks.append(Block("paragraph", line))
    return ImportedArticle(title=title, document=Document(tuple(blocks)), published=published, format="text")
