"""Selectors for highlights and re-anchoring them after the article's text changed.

A highlight keeps, as in the W3C Web Annotation model (and as Hypothesis does), a
*position* selector (``start``/``end`` into the canonical text) and a *quote* selector
(the ``exact`` text plus up to :data:`CONTEXT_CHARS` characters of ``prefix`` and
``suffix``). When the text changes, :func:`reanchor` looks for the passage again, in
this order:

1. ``position``: the old range still holds the quote and its context agrees;
2. ``quote``: the exact quote elsewhere, the occurrence whose context agrees best
   (nearest to the old position on a tie);
3. ``fuzzy``: the quote with whitespace or case changes, then an approximate match
   (rapidfuzz), near the old position first and then anywhere, accepted only when the
   quote *and* its context are similar enough;
4. otherwise ``None``: the highlight is an orphan.

Placing a highlight on the wrong passage is worse than orphaning it (an orphan is shown
to the user, a wrong place is silently wrong), so every stage after the first demands
that the context agree, and demands more of it the shorter or less similar the quote is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel, Levenshtein

from reader.core.errors import InvalidInput

CONTEXT_CHARS = 32

# A quote at least this long is distinctive enough that finding it verbatim is
# evidence by itself; shorter quotes ("the", "missiles") need their context too.
LONG_QUOTE_CHARS = 64
# Context agreement (0..1) an exact occurrence of a short quote needs. Unrelated
# English passages score about 0.15 on average and rarely above 0.5; a passage whose
# context lost one side (paragraph moved, words inserted next to it) scores about 0.6.
SHORT_QUOTE_MIN_CONTEXT = 0.5
# An approximate match must keep at least this much of the quote (rapidfuzz ratio).
FUZZY_MIN_QUOTE = 0.75
# ...and then its context must agree at least this much, plus FUZZY_CONTEXT_PER_LOSS
# for each unit of quote similarity lost: a reworded quote is only trusted where its
# surroundings are still the ones it had.
FUZZY_MIN_CONTEXT = 0.45
FUZZY_CONTEXT_PER_LOSS = 1.5
# With both sides of its context in place (mean similarity at least this)...
SANDWICH_MIN_CONTEXT = 0.9
# ...a passage is the quote if it keeps this share of the quote's characters in order.
SANDWICH_MIN_KEPT = 0.8
# How many characters of the context are looked up verbatim, and how many hits kept.
_CONTEXT_PROBE = 16
_MAX_PROBE_HITS = 8
# Size of the text slice searched at once by the whole-text fuzzy pass.
_CHUNK_CHARS = 8192

_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class Selector:
    """Where a highlight was: its range, its text, and the text around it."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class Anchor:
    """Where a highlight is now, and how it was found: "position", "quote" or "fuzzy"."""

    start: int
    end: int
    method: str


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


def find_quote_loose(text: str, quote: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each match of ``quote`` ignoring case and how whitespace runs.

    Any run of whitespace in the quote matches any run in the text (so a line break
    matches a space), and leading or trailing whitespace of the quote is ignored.
    """
    words = quote.split()
    if not words:
        return []
    pattern = re.compile(r"\s+".join(map(re.escape, words)), re.IGNORECASE)
    return [m.span() for m in pattern.finditer(text)]


def reanchor(new_text: str, sel: Selector) -> Anchor | None:
    """Where the highlight described by ``sel`` lies in ``new_text``; ``None`` if orphaned."""
    return _Anchorer(new_text).anchor(sel)


def reanchor_all(new_text: str, sels: Sequence[Selector]) -> list[Anchor | None]:
    """:func:`reanchor` for many highlights of one article, sharing the text's caches."""
    anchorer = _Anchorer(new_text)
    return [anchorer.anchor(sel) for sel in sels]


def _side_similarity(old: str, new: str) -> float:
    return Levenshtein.normalized_similarity(old, new)


class _Anchorer:
    """Re-anchors selectors in one text; caches what several highlights can share."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._occurrences: dict[str, list[int]] = {}

    # -- scoring ---------------------------------------------------------------

    def context_score(self, sel: Selector, start: int, end: int) -> float:
        """How well the text around ``start..end`` agrees with the selector's (0..1).

        Each side is compared with the same number of characters of the new text; a
        side the selector has none of (the highlight began or ended the text) says
        nothing, unless both are empty.
        """
        text = self.text
        scores = []
        if sel.prefix:
            scores.append(_side_similarity(sel.prefix, text[max(0, start - len(sel.prefix)) : start]))
        if sel.suffix:
            scores.append(_side_similarity(sel.suffix, text[end : end + len(sel.suffix)]))
        if not scores:
            return 1.0 if start == 0 and end == len(text) else 0.5
        return sum(scores) / len(scores)

    def has_exact_context(self, sel: Selector, start: int, end: int) -> bool:
        text = self.text
        return (
            text[max(0, start - len(sel.prefix)) : start] == sel.prefix
            and text[end : end + len(sel.suffix)] == sel.suffix
        )

    @staticmethod
    def min_exact_context(sel: Selector) -> float:
        return 0.0 if len(sel.exact.strip()) >= LONG_QUOTE_CHARS else SHORT_QUOTE_MIN_CONTEXT

    @staticmethod
    def min_fuzzy_context(sel: Selector, quote_similarity: float) -> float:
        # Never below what the same quote found verbatim would need.
        base = max(FUZZY_MIN_CONTEXT, _Anchorer.min_exact_context(sel))
        return base + FUZZY_CONTEXT_PER_LOSS * (1.0 - quote_similarity)

    # -- stages ----------------------------------------------------------------

    def anchor(self, sel: Selector) -> Anchor | None:
        text = self.text
        exact = sel.exact
        if not exact:
            return None
        at_position = text[sel.start : sel.end] == exact and sel.end <= len(text)
        if at_position and (
            self.has_exact_context(sel, sel.start, sel.end)
            or self.context_score(sel, sel.start, sel.end) >= self.min_exact_context(sel)
        ):
            return Anchor(sel.start, sel.end, "position")
        found = self.best_exact(sel)
        if found is not None:
            start, end = found
            return Anchor(start, end, "position" if start == sel.start else "quote")
        found = self.best_loose(sel)
        if found is None:
            found = self.best_fuzzy(sel)
        if found is not None:
            return Anchor(found[0], found[1], "fuzzy")
        return None

    def occurrences(self, quote: str) -> list[int]:
        found = self._occurrences.get(quote)
        if found is None:
            found = self._occurrences[quote] = find_quote(self.text, quote)
        return found

    def pick(self, sel: Selector, spans: Sequence[tuple[int, int]], min_context: float) -> tuple[int, int] | None:
        """The span whose context agrees best (nearest the old place on a tie), if good enough."""
        if len(spans) > 64:
            spans = self.likely_spans(sel, spans)
        best: tuple[float, int, tuple[int, int]] | None = None
        for start, end in spans:
            score = self.context_score(sel, start, end)
            key = (score, -abs(start - sel.start), (start, end))
            if best is None or key[:2] > best[:2]:
                best = key
        if best is None or best[0] < min_context:
            return None
        return best[2]

    def likely_spans(self, sel: Selector, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        """A common quote ("the") can occur thousands of times: score only the occurrences
        nearest the old place and those whose nearest context characters are unchanged."""
        text = self.text
        near = sorted(spans, key=lambda s: abs(s[0] - sel.start))[:32]
        head, tail = sel.prefix[-4:], sel.suffix[:4]
        matching = [
            (s, e)
            for s, e in spans
            if (head and text[max(0, s - len(head)) : s] == head) or (tail and text[e : e + len(tail)] == tail)
        ]
        return list(dict.fromkeys(near + matching))

    def best_exact(self, sel: Selector) -> tuple[int, int] | None:
        n = len(sel.exact)
        spans = [(s, s + n) for s in self.occurrences(sel.exact)]
        return self.pick(sel, spans, self.min_exact_context(sel))

    def best_loose(self, sel: Selector) -> tuple[int, int] | None:
        spans = find_quote_loose(self.text, sel.exact)
        return self.pick(sel, spans, self.min_exact_context(sel))

    def best_fuzzy(self, sel: Selector) -> tuple[int, int] | None:
        """An approximate match of the quote: near the old place first, then anywhere."""
        text = self.text
        n = len(sel.exact)
        reach = max(256, 2 * n)
        lo, hi = max(0, sel.start - reach), min(len(text), sel.end + reach)
        near = self.fuzzy_candidates(sel, lo, hi) + self.context_candidates(sel, lo, hi)
        best = self.best_candidate(sel, near)
        if best is not None and best[0] >= 0.9:
            return best[1]
        step = max(_CHUNK_CHARS, 4 * n)
        overlap = 2 * n
        everywhere: list[tuple[int, int]] = []
        for start in range(0, max(1, len(text) - overlap), step):
            everywhere.extend(self.fuzzy_candidates(sel, start, min(len(text), start + step + overlap)))
        everywhere.extend(self.context_candidates(sel, 0, len(text)))
        best_anywhere = self.best_candidate(sel, everywhere)
        if best_anywhere is not None and (best is None or best_anywhere[0] > best[0]):
            best = best_anywhere
        return None if best is None else best[1]

    def fuzzy_candidates(self, sel: Selector, lo: int, hi: int) -> list[tuple[int, int]]:
        """Where rapidfuzz best aligns the quote inside ``text[lo:hi]``, if it aligns well."""
        quote = sel.exact
        if hi - lo < 1:
            return []
        found = fuzz.partial_ratio_alignment(quote, self.text[lo:hi], score_cutoff=FUZZY_MIN_QUOTE * 100)
        if found is None:
            return []
        if len(quote) > hi - lo:
            # partial_ratio aligns the shorter string inside the longer one.
            return [(lo, hi)]
        return [(lo + found.dest_start, lo + found.dest_end)]

    def context_candidates(self, sel: Selector, lo: int, hi: int) -> list[tuple[int, int]]:
        """Spans that follow the prefix's end or precede the suffix's start, verbatim:
        they find a quote changed too much for the alignment (a short phrase with a long
        insertion), and the scoring then decides whether it is still that quote."""
        n = len(sel.exact)
        head, tail = sel.prefix[-_CONTEXT_PROBE:], sel.suffix[:_CONTEXT_PROBE]
        after_head = [p + len(head) for p in self.occurrences(head) if lo <= p < hi] if len(head) >= 4 else []
        before_tail = [s for s in self.occurrences(tail) if lo <= s < hi] if len(tail) >= 4 else []
        if len(after_head) > _MAX_PROBE_HITS or len(before_tail) > _MAX_PROBE_HITS:
            nearest = lambda p: abs(p - sel.start)  # noqa: E731
            after_head = sorted(after_head, key=nearest)[:_MAX_PROBE_HITS]
            before_tail = sorted(before_tail, key=nearest)[:_MAX_PROBE_HITS]
        spans = []
        for p in after_head:
            ends = [s for s in before_tail if p < s <= p + 3 * n + 64]
            spans.append((p, min(ends)) if ends else (p, p + n))
        for s in before_tail:
            if not any(p < s <= p + 3 * n + 64 for p in after_head):
                spans.append((max(0, s - n), s))
        return spans

    def best_candidate(self, sel: Selector, spans: Sequence[tuple[int, int]]) -> tuple[float, tuple[int, int]] | None:
        """The refined candidate with the best combined score that passes the thresholds."""
        best: tuple[float, tuple[int, int]] | None = None
        n = len(sel.exact)
        for rough in dict.fromkeys(spans):
            start, end = self.refine(sel, *rough)
            if start >= end:
                continue
            found = self.text[start:end]
            ratio = fuzz.ratio(sel.exact, found) / 100
            # How much of the quote survives, in order: 1.0 when words were only added.
            kept = Indel.similarity(sel.exact, found) / 2 / n
            context = self.context_score(sel, start, end)
            ok = ratio >= FUZZY_MIN_QUOTE and context >= self.min_fuzzy_context(sel, ratio)
            # Both sides of the context intact and the quote all there, with words added.
            ok = ok or (context >= SANDWICH_MIN_CONTEXT and kept >= SANDWICH_MIN_KEPT and len(found) <= 3 * n + 64)
            if not ok:
                continue
            score = (ratio + kept + context) / 3
            if best is None or score > best[0]:
                best = (score, (start, end))
        return best

    def refine(self, sel: Selector, rough_start: int, rough_end: int) -> tuple[int, int]:
        """Exact bounds of an approximate match: align prefix + quote + suffix with the
        text around it, so a changed first or last word is still inside the range."""
        text = self.text
        pad = len(sel.prefix) + max(16, len(sel.exact) // 4)
        lo = max(0, rough_start - pad)
        hi = min(len(text), rough_end + len(sel.suffix) + max(16, len(sel.exact) // 4))
        window = text[lo:hi]
        whole = sel.prefix + sel.exact + sel.suffix
        q_start, q_end = len(sel.prefix), len(sel.prefix) + len(sel.exact)
        start = end = None
        for op in Levenshtein.opcodes(whole, window):
            if op.src_start == op.src_end:
                continue
            if start is None and op.src_start <= q_start < op.src_end:
                start = op.dest_start + min(q_start - op.src_start, op.dest_end - op.dest_start)
            if end is None and op.src_start < q_end <= op.src_end:
                end = op.dest_start + min(q_end - op.src_start, op.dest_end - op.dest_start)
        if start is None or end is None:
            return rough_start, rough_end
        start, end = lo + start, lo + end
        return self.snap(sel, start, end)

    def snap(self, sel: Selector, start: int, end: int) -> tuple[int, int]:
        """Keep the quote's shape at its ends: whole words if it had whole words, and no
        whitespace at an end where it had none."""
        text = self.text
        exact = sel.exact
        if not exact[0].isspace():
            while start < end and text[start].isspace():
                start += 1
        if not exact[-1].isspace():
            while end > start and text[end - 1].isspace():
                end -= 1
        starts_word = _WORD.match(exact[0]) and not (sel.prefix and _WORD.match(sel.prefix[-1]))
        if starts_word:
            while start > 0 and start < end and _WORD.match(text[start - 1]):
                start -= 1
        ends_word = _WORD.match(exact[-1]) and not (sel.suffix and _WORD.match(sel.suffix[0]))
        if ends_word:
            while end < len(text) and end > start and _WORD.match(text[end]):
                end += 1
        return start, end
