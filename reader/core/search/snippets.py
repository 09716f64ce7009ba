"""Results and their snippets: the best passage around the matched words, with offsets
into the article's canonical text (from the postings' character offsets, not re-analysis)."""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from whoosh.analysis import Token
from whoosh.highlight import SCORE as FRAGMENT_ORDER_SCORE
from whoosh.highlight import BasicFragmentScorer, PinpointFragmenter, top_fragments

SNIPPET_CHARS = 200
SNIPPET_SURROUND = 50


@dataclass
class SearchResult:
    article_id: int
    title: str
    score: float
    snippet: str                      # HTML-escaped passage with <b>…</b> around matched words
    snippet_plain: str                # the same passage as plain text (line breaks as spaces)
    marks: list[tuple[int, int]]      # matched words, as offsets into snippet_plain
    start: int                        # the passage is text[start:end] of the canonical text
    end: int
    matched_in: list[str] = field(default_factory=list)
    # Set when the match is only in a highlight (its quote, note or tags): start/end are that
    # highlight's, and a note's matching words are in note_snippet (HTML, <b>…</b>).
    highlight_id: int | None = None
    note_snippet: str | None = None

    @property
    def match_offsets(self) -> list[tuple[int, int]]:
        """The matched words as offsets into the article's canonical text."""
        return [(self.start + a, self.start + b) for a, b in self.marks]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.article_id, "title": self.title, "score": round(self.score, 4),
            "snippet": self.snippet, "snippet_plain": self.snippet_plain, "marks": [list(m) for m in self.marks],
            "start": self.start, "end": self.end, "matched_in": list(self.matched_in),
            "highlight_id": self.highlight_id, "note_snippet": self.note_snippet,
        }


class SearchResults(list):
    """The ranked results, with ``total`` matches (exact when fewer than the limit, else an
    estimate) and a ``suggestion`` when nothing matched."""

    def __init__(self, items: Iterable[SearchResult] = (), total: int = 0, suggestion: str | None = None):
        super().__init__(items)
        self.total = total
        self.suggestion = suggestion



Snippet = tuple[str, str, list[tuple[int, int]], int, int]  # html, plain, marks, start, end


def make_snippet(text: str, tokens: list[Token]) -> Snippet:
    """(html, plain, marks, start, end) for the best passage of ``text`` around ``tokens``."""
    if tokens:
        uniq: dict[tuple[int, int], Token] = {}
        for t in tokens:
            uniq.setdefault((t.startchar, t.endchar), t)
        ordered = [uniq[k] for k in sorted(uniq)]
        fragmenter = PinpointFragmenter(maxchars=SNIPPET_CHARS, surround=SNIPPET_SURROUND, autotrim=True)
        best = top_fragments(fragmenter.fragment_matches(text, ordered), 1, BasicFragmentScorer(),
                             FRAGMENT_ORDER_SCORE, minscore=0)
        if best:
            frag = best[0]
            start, end = frag.startchar, frag.endchar
            marks = [(t.startchar - start, t.endchar - start) for t in frag.matches
                     if start <= t.startchar and t.endchar <= end]
            return _render(text, start, end, marks)
    end = len(text)
    if end > SNIPPET_CHARS:
        cut = text.rfind(" ", 0, SNIPPET_CHARS)
        end = cut if cut > SNIPPET_CHARS // 2 else SNIPPET_CHARS
    return _render(text, 0, end, [])


def _render(text: str, start: int, end: int, marks: list[tuple[int, int]]) -> Snippet:
    plain = text[start:end].replace("\n", " ")  # same length: marks stay valid
    parts, pos = [], 0
    clean: list[tuple[int, int]] = []
    for a, b in sorted(marks):
        if a < pos:  # overlapping marks: keep the first
            continue
        parts.append(html.escape(plain[pos:a]))
        parts.append("<b>" + html.escape(plain[a:b]) + "</b>")
        clean.append((a, b))
        pos = b
    parts.append(html.escape(plain[pos:]))
    return "".join(parts), plain, clean, start, end




HIGHLIGHT_SNIPPET_CHARS = 400
NOTE_SNIPPET_CHARS = 160


def highlight_snippet(text: str, start: int, end: int, tokens: list[Token]) -> Snippet:
    """The highlight ``text[start:end]`` as the passage (cut after HIGHLIGHT_SNIPPET_CHARS),
    with the matched words inside it marked."""
    end = min(end, start + HIGHLIGHT_SNIPPET_CHARS)
    marks = sorted({(t.startchar - start, t.endchar - start) for t in tokens
                    if start <= t.startchar and t.endchar <= end})
    return _render(text, start, end, marks)


def note_snippet(note: str, spans: list[tuple[int, int]]) -> str:
    """A piece of a note around its first matched word, matched words in <b>, HTML-escaped."""
    if not spans:
        return html.escape(note[:NOTE_SNIPPET_CHARS])
    spans = sorted(spans)
    begin = max(0, spans[0][0] - NOTE_SNIPPET_CHARS // 3)
    if begin:
        space = note.find(" ", begin)
        begin = space + 1 if 0 <= space < spans[0][0] else begin
    stop = min(len(note), begin + NOTE_SNIPPET_CHARS)
    marks = [(a - begin, b - begin) for a, b in spans if begin <= a and b <= stop]
    html_text, _plain, _marks, _s, _e = _render(note, begin, stop, marks)
    return ("…" if begin else "") + html_text + ("…" if stop < len(note) else "")
