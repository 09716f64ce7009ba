"""What the index holds: the Whoosh schema and how an article becomes an index document."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from whoosh import fields as wf
from whoosh import formats
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemmingAnalyzer
from whoosh.analysis.filters import STOP_WORDS
from whoosh.lang.porter import stem as porter_stem

from reader.core.search import links
from reader.core.search.links import LinkedCharacters, neighbour_hash
from reader.core.search.pairs import PairField
from reader.core.search.status import SCHEMA_VERSION
from reader.core.storage import IndexRecord

__all__ = ["SCHEMA_VERSION", "StemmedText", "make_schema", "record_to_doc"]

# StemmingAnalyzer's own pieces, so the one-pass analysis below gives the same terms.
_WORD = re.compile(r"\w+(\.?\w+)*", re.UNICODE)
_STOPS = frozenset(STOP_WORDS)
_STEMS: dict[str, str] = {}   # word -> stem, for the life of the process (a few MB at most)
_MAX_STEMS = 500_000


def _stem(word: str) -> str:
    s = _STEMS.get(word)
    if s is None:
        s = porter_stem(word)
        if len(_STEMS) < _MAX_STEMS:
            _STEMS[word] = s
    return s


class StemmedText(wf.TEXT):
    """A TEXT field with ``StemmingAnalyzer`` whose indexing does the analysis in one pass.

    Whoosh's analyzer makes a Token per word and sends it through four generator stages;
    indexing the body of a 5 KB article took ~6 ms, most of an import's indexing time.
    This gives the same terms, positions and character offsets (tested against Whoosh's)
    in ~1 ms. Queries still go through the analyzer. A value may also be a list of
    ``(offset, text)`` pieces: each piece's character offsets are shifted by its offset
    (highlights carry their place in the article this way).
    """

    def __init__(self, *args: Any, links: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if links:  # each occurrence also names its neighbours (see links.py)
            self.format = LinkedCharacters(field_boost=self.format.field_boost)

    def index(self, value: Any, **kwargs: Any) -> Any:
        if kwargs.get("mode", "index") != "index" or len(kwargs) > 1 or not isinstance(value, (str, list)):
            yield from super().index(value, **kwargs)
            return
        pieces = [(0, value)] if isinstance(value, str) else value
        fmt = self.format
        linked = isinstance(fmt, LinkedCharacters)
        seen: dict[str, list[Any]] = {}
        order: list[str] = []  # the body's stems in order, for its pairs (pairs.PairField)
        base = 0
        for offset, piece in pieces:
            pos = None
            last = -1
            before: list[int] | None = None  # the previous kept word's occurrence, to give it its next
            before_hash = 0
            for i, m in enumerate(_WORD.finditer(piece)):
                last = i
                word = m.group().lower()
                if len(word) < 2 or word in _STOPS:
                    continue
                # StopFilter's renumbering: the first kept word keeps its place, the rest follow on.
                pos = base + i if pos is None else pos + 1
                stem = _stem(word)
                if linked:
                    order.append(stem)
                    here = neighbour_hash(stem)
                    occurrence = [pos, offset + m.start(), offset + m.end(), before_hash << 8]
                    if before is not None:
                        before[3] |= here
                    before, before_hash = occurrence, here
                    seen.setdefault(stem, []).append(occurrence)
                else:
                    seen.setdefault(stem, []).append((pos, offset + m.start(), offset + m.end()))
            base = (pos if pos is not None else base + last) + 2  # pieces are never one phrase
        if linked:
            links.LAST_STEMS = (value, order)
        boost = fmt.field_boost
        chars = isinstance(fmt, formats.Characters)
        for term, postings in seen.items():
            encoded = fmt.encode(postings if chars else [p for p, _, _ in postings])
            yield term.encode("utf-8"), len(postings), len(postings) * boost, encoded


def make_schema() -> wf.Schema:
    stem = StemmingAnalyzer()                     # unicode \w words, lowercased, English stems
    words = RegexTokenizer(r"\w+") | LowercaseFilter()  # names, sites, URLs, tags: split at dots too
    return wf.Schema(
        id=wf.ID(stored=True, unique=True),
        title=StemmedText(analyzer=stem),
        author=wf.TEXT(analyzer=words),
        site=wf.TEXT(analyzer=words),
        url=wf.TEXT(analyzer=words),
        # Character offsets in the postings make snippets without re-reading the body;
        # the body itself stays in SQLite.
        text=StemmedText(analyzer=stem, chars=True, links=True),
        # Each highlight at its place in the article: a match marks the highlighted words.
        highlight=StemmedText(analyzer=stem, chars=True),
        note=StemmedText(analyzer=stem),
        tag=wf.TEXT(analyzer=words),
        # Pairs of adjacent common words of the body: phrases of common words (see pairs.py).
        # Named to come after "text": Whoosh indexes fields in name order and the pairs
        # reuse the body's analysis.
        text_pairs=PairField(),
        added=wf.DATETIME(),
        published=wf.DATETIME(),
    )


def _parse_date(value: str | None, *, to_local: bool) -> datetime | None:
    if not value:
        return None
    value = value.strip()
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        m = re.match(r"^(\d{4})(?:-(\d{1,2}))?", value)
        if not m:
            return None
        try:
            dt = datetime(int(m.group(1)), int(m.group(2) or 1), 1)
        except ValueError:
            return None
    if dt.tzinfo is not None:
        # "added:today" means the user's today; a published date keeps its own wall time.
        dt = dt.astimezone() if to_local else dt
        dt = dt.replace(tzinfo=None)
    return dt


def record_to_doc(rec: IndexRecord) -> dict[str, Any]:
    text = rec.text or ""
    doc: dict[str, Any] = {"id": str(rec.id), "text": text, "text_pairs": text}  # one string: analysed once
    for name, value in (("title", rec.title), ("author", rec.author), ("site", rec.site), ("url", rec.url)):
        if value:
            doc[name] = value
    if rec.highlights:
        starts = rec.highlight_starts or (None,) * len(rec.highlights)
        # At their place in the article, so a match marks the highlighted words themselves;
        # an orphan (no place) counts from 0, where its words are found but marked nowhere useful.
        doc["highlight"] = [(start if start is not None else 0, exact) for start, exact in zip(starts, rec.highlights)]
    notes = tuple(rec.notes) + tuple(rec.highlight_notes)
    if notes:
        doc["note"] = "\n".join(notes)
    tags = tuple(rec.tags) + tuple(rec.highlight_tags)
    if tags:
        doc["tag"] = "\n".join(tags)
    added = _parse_date(rec.added, to_local=True)
    if added:
        doc["added"] = added
    published = _parse_date(rec.published, to_local=False)
    if published:
        doc["published"] = published
    return doc


