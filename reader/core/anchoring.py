"""Re-anchoring highlights after the article's text changed.

A highlight keeps a position and a quote selector (``reader.core.selectors``; its names are
also importable from here). When the text changes, :func:`reanchor` looks for it again:

1. ``position``: the old range still holds the quote, with its context unchanged;
2. ``quote``: the quote verbatim (the old range included), the occurrence whose
   context agrees best, nearest the old range on a tie;
3. ``fuzzy``: the quote with other whitespace or case, then an approximate match
   (rapidfuzz) near the old range and then anywhere, or the passage between the
   unchanged prefix and suffix (a phrase with words inserted or replaced);
4. otherwise ``None``: the highlight is an orphan, which the UI shows and never drops.

Placing a highlight on the wrong passage is worse than orphaning it (an orphan is shown
to the user, a wrong place is silently wrong), so every match after the first needs its
context to agree, the more so the shorter the quote, the less similar the match and
the further it is from the old range; a side of the context counts as unchanged when its
nearest characters are, or it is unchanged up to the paragraph's edge (a paragraph that
moved keeps its own words around the quote, not its neighbours).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel, Levenshtein

from reader.core.selectors import CONTEXT_CHARS, Selector, find_quote, find_quote_loose, make_selector

__all__ = [
    "CONTEXT_CHARS", "Anchor", "Selector", "find_quote", "find_quote_loose", "make_selector", "reanchor", "reanchor_all",
]

# A quote at least this long is distinctive enough that finding it verbatim is
# evidence by itself; shorter quotes ("the", "missiles") need their context too.
LONG_QUOTE_CHARS = 64
# Context agreement (0..1) a verbatim occurrence of a shorter quote needs. Unrelated
# English passages score about 0.15 on average and rarely above 0.5; one that kept one
# side of its context and lost the other scores about 0.6, and is taken only near the
# old place (an article often repeats a phrase; a title paraphrases a sentence).
SHORT_QUOTE_MIN_CONTEXT = 0.75
# An approximate match must keep at least this much of the quote (rapidfuzz ratio).
FUZZY_MIN_QUOTE = 0.75
# ...and then its context must agree at least this much, plus FUZZY_CONTEXT_PER_LOSS
# for each unit of quote similarity lost: a reworded quote is only trusted where its
# surroundings are still the ones it had.
FUZZY_MIN_CONTEXT = 0.45
FUZZY_CONTEXT_PER_LOSS = 1.5
# A side of the context whose nearest this many characters are unchanged counts as
# unchanged, and fewer count in proportion: an edit further out (words inserted a few
# words before the quote) says little about the quote.
SAME_RUN_CHARS = 16
# A quote that was a whole paragraph this long is found again as a whole paragraph.
PARAGRAPH_MIN_CHARS = 12
# A quote this short ("The", "in") says almost nothing by itself: the next sentence
# may well start with the same word. It needs most of its context.
TINY_QUOTE_CHARS = 4
TINY_QUOTE_MIN_CONTEXT = 0.85
# The context a match needs rises by up to DISTANCE_WEIGHT with its distance from the
# old place beyond DISTANCE_FREE characters, reaching it DISTANCE_SCALE further.
DISTANCE_FREE = 256
DISTANCE_WEIGHT = 0.5
DISTANCE_SCALE = 2000
# A verbatim occurrence whose context agrees this much is taken without looking further.
CLEAR_CONTEXT = 0.9
# An approximate match scoring this much (of 1) is taken without searching the whole text.
CLEAR_SCORE = 0.9
# How much better (of 1) an approximate match elsewhere must score to beat a verbatim
# occurrence whose context changed.
MARGIN_OVER_VERBATIM = 0.1
# With the nearest characters of its context in place on both sides (and the context
# agreeing at least this much)...
SANDWICH_MIN_CONTEXT = 0.9
# ...a passage is the quote if it keeps this share of the quote's words in order...
SANDWICH_MIN_KEPT = 0.7
# ...or this share, when all of the context on both sides is unchanged.
SAME_PLACE_MIN_KEPT = 0.3
# How many characters of the context are looked up verbatim, and how many hits kept.
_CONTEXT_PROBE = 16
_MAX_PROBE_HITS = 8
# A quote longer than this is looked for approximately by _PIECES pieces of it, of
# _PIECE_CHARS characters each, found verbatim.
_PIECES_ABOVE_CHARS = 256
_PIECES = 8
_PIECE_CHARS = 24
# Aligning a quote longer than this with its surroundings costs too much (quadratic).
_REFINE_MAX_CHARS = 10_000
# Size of the text slice searched at once by the whole-text fuzzy pass.
_CHUNK_CHARS = 8192

_WORD = re.compile(r"\w")
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class Anchor:
    """Where a highlight is now, and how it was found: "position", "quote" or "fuzzy"."""

    start: int
    end: int
    method: str


def reanchor(new_text: str, sel: Selector) -> Anchor | None:
    """Where the highlight described by ``sel`` lies in ``new_text``; ``None`` if orphaned."""
    return _Anchorer(new_text).anchor(sel)


def reanchor_all(new_text: str, sels: Sequence[Selector]) -> list[Anchor | None]:
    """:func:`reanchor` for many highlights of one article, sharing the text's caches."""
    anchorer = _Anchorer(new_text)
    return [anchorer.anchor(sel) for sel in sels]


def _kept_share(quote: str, found: str) -> float:
    """The share of the quote's words (weighted by length) found again, in order: words
    added in between do not lower it, and unrelated text sharing letters scores low."""
    quote_words = _WORDS.findall(quote)
    if not quote_words:
        return Indel.normalized_similarity(quote, found)
    blocks = Indel.opcodes(quote_words, _WORDS.findall(found)).as_matching_blocks()
    kept = sum(len(word) for block in blocks for word in quote_words[block.a : block.a + block.size])
    return kept / sum(map(len, quote_words))


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _is_paragraph(before: str, after: str, quote: str) -> bool:
    return (not before or before[-1] == "\n") and (not after or after[0] == "\n") and "\n" not in quote


def _side_match(old: str, new: str) -> tuple[float | None, bool]:
    """How similar a side of the context is (0..1), read outward from the quote, and
    whether it is unchanged up to its end or up to a line break: the passage kept its
    own surroundings, whatever paragraph now comes before or after it.

    A side that begins with the line break that ends the quote's paragraph says nothing
    (``None``) when the match is at a paragraph's edge too: any paragraph is.
    """
    run = 0
    for a, b in zip(old, new):
        if a != b:
            break
        run += 1
    if run == len(old):
        return 1.0, True
    if old[0] == "\n" and new[:1] in ("\n", ""):
        return None, True
    # Unchanged up to a line break; or the break is missing only because the paragraph
    # now begins or ends the text.
    if "\n" in old[:run] or (run == len(new) and old[run] == "\n"):
        return 1.0, True
    return max(min(1.0, run / SAME_RUN_CHARS), _side_similarity(old, new)), False


def _side_similarity(old: str, new: str) -> float:
    return Levenshtein.normalized_similarity(old, new)


class _Anchorer:
    """Re-anchors selectors in one text; caches what several highlights can share."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._occurrences: dict[str, list[int]] = {}

    # -- scoring ---------------------------------------------------------------

    def context_score(self, sel: Selector, start: int, end: int) -> float:
        """How well the text around ``start..end`` agrees with the selector's (0..1),
        less a penalty for the distance from the old place.

        Each side is compared with the same number of characters of the new text. A
        side the selector has none of (the highlight began or ended the text) agrees
        if the match too is at that edge of the text, and otherwise says nothing. Text
        moves, but rarely far, while a similar passage elsewhere in a long article is
        common; so a match far away needs more context, unless its context is unchanged
        up to the paragraph's edges (a moved paragraph).
        """
        text = self.text
        scores: list[float | None] = []
        intact: list[bool] = []
        if sel.prefix:
            before = text[max(0, start - len(sel.prefix)) : start]
            score, whole = _side_match(sel.prefix[::-1], before[::-1])
            scores.append(score)
            intact.append(whole)
        elif start == 0:
            scores.append(1.0)
            intact.append(True)
        if sel.suffix:
            score, whole = _side_match(sel.suffix, text[end : end + len(sel.suffix)])
            scores.append(score)
            intact.append(whole)
        elif end == len(text):
            scores.append(1.0)
            intact.append(True)
        known = [score for score in scores if score is not None]
        if not known:
            return 0.5
        score = sum(known) / len(known)
        if not all(intact) and sel.start >= 0:
            # A tiny quote ("of") recurs everywhere with similar words around it.
            free = 0 if len(sel.exact.strip()) <= TINY_QUOTE_CHARS else DISTANCE_FREE
            distance = max(0, abs(start - sel.start) - free)
            score -= DISTANCE_WEIGHT * min(1.0, distance / DISTANCE_SCALE)
        return score

    def raw_context(self, sel: Selector, start: int, end: int) -> float:
        """Plain similarity of both sides of the context, whatever the line breaks."""
        text = self.text
        before = text[max(0, start - len(sel.prefix)) : start]
        after = text[end : end + len(sel.suffix)]
        return _side_similarity(sel.prefix, before) + _side_similarity(sel.suffix, after)

    def kept_one_side_nearby(self, sel: Selector, start: int, end: int) -> bool:
        """Whether a quote that is not tiny kept one whole side of its context and is near
        its old place (if known): words were added on its other side."""
        if len(sel.exact.strip()) <= TINY_QUOTE_CHARS or sel.start < 0 or abs(start - sel.start) > DISTANCE_FREE:
            return False
        text = self.text
        if sel.prefix:
            before = text[max(0, start - len(sel.prefix)) : start]
            prefix_kept = _side_match(sel.prefix[::-1], before[::-1]) == (1.0, True)
        else:
            prefix_kept = start == 0
        if sel.suffix:
            suffix_kept = _side_match(sel.suffix, text[end : end + len(sel.suffix)]) == (1.0, True)
        else:
            suffix_kept = end == len(text)
        return prefix_kept or suffix_kept

    def has_exact_context(self, sel: Selector, start: int, end: int) -> bool:
        text = self.text
        return (
            text[max(0, start - len(sel.prefix)) : start] == sel.prefix
            and text[end : end + len(sel.suffix)] == sel.suffix
        )

    def has_near_context(self, sel: Selector, start: int, end: int) -> bool:
        """Whether the nearest SAME_RUN_CHARS characters of context (or all, if fewer)
        are unchanged on both sides: not merely a line break, as for any paragraph.

        A side the selector has none of (the quote began or ended the text) is unchanged
        only if the match is at that edge of the text too, as in ``context_score``.
        """
        text = self.text
        near_prefix = sel.prefix[-SAME_RUN_CHARS:]
        near_suffix = sel.suffix[:SAME_RUN_CHARS]
        return (
            (text[max(0, start - len(near_prefix)) : start] == near_prefix if near_prefix else start == 0)
            and (text[end : end + len(near_suffix)] == near_suffix if near_suffix else end == len(text))
        )

    @staticmethod
    def min_exact_context(sel: Selector) -> float:
        length = len(sel.exact.strip())
        if length >= LONG_QUOTE_CHARS:
            return -1.0
        return TINY_QUOTE_MIN_CONTEXT if length <= TINY_QUOTE_CHARS else SHORT_QUOTE_MIN_CONTEXT

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
        if 0 <= sel.start and text[sel.start : sel.end] == exact and self.has_exact_context(sel, sel.start, sel.end):
            return Anchor(sel.start, sel.end, "position")
        verbatim = self.best_exact(sel)
        if verbatim is not None and verbatim[0] >= CLEAR_CONTEXT:
            return self.exact_anchor(sel, verbatim[1])
        # The context changed around every verbatim occurrence (or there is none): an
        # approximate match elsewhere whose context is intact may be the better answer.
        approximate = self.best_fuzzy(sel)
        if verbatim is not None and (approximate is None or self.prefer_verbatim(sel, verbatim, approximate)):
            return self.exact_anchor(sel, verbatim[1])
        if approximate is not None:
            start, end = approximate[1]
            inside = [(s, s + len(exact)) for s in find_quote(text[start:end], exact)]
            best_inside = self.pick(sel, [(start + s, start + e) for s, e in inside], -2.0)
            if best_inside is not None:
                # The quote is there verbatim: what was added next to it is not part of it.
                return self.exact_anchor(sel, best_inside[1])
            return Anchor(start, end, "fuzzy")
        # Last, as the weakest evidence: only when nothing like it is near the old place.
        paragraph = self.moved_paragraph(sel)
        if paragraph is not None:
            return self.exact_anchor(sel, paragraph)
        return None

    def prefer_verbatim(
        self, sel: Selector, verbatim: tuple[float, tuple[int, int]], approximate: tuple[float, tuple[int, int]]
    ) -> bool:
        """Whether an unchanged quote whose context changed beats an approximate match."""
        if _overlaps(verbatim[1], approximate[1]):
            # Words added at the quote's edge are not part of it.
            return True
        if self.has_near_context(sel, *approximate[1]) and not self.has_near_context(sel, *verbatim[1]):
            # A changed quote in its own place beats an unchanged one elsewhere.
            return False
        # Scored as approximate matches are: (quote ratio + words kept + context) / 3.
        return (2 + verbatim[0]) / 3 + MARGIN_OVER_VERBATIM >= approximate[0]

    @staticmethod
    def exact_anchor(sel: Selector, span: tuple[int, int]) -> Anchor:
        return Anchor(*span, "position" if span[0] == sel.start else "quote")

    def occurrences(self, quote: str) -> list[int]:
        found = self._occurrences.get(quote)
        if found is None:
            found = self._occurrences[quote] = find_quote(self.text, quote)
        return found

    def pick(
        self, sel: Selector, spans: Sequence[tuple[int, int]], min_context: float
    ) -> tuple[float, tuple[int, int]] | None:
        """The span whose context agrees best, less its distance penalty (nearest the old
        place on a tie), and that score, if it is good enough."""
        if len(spans) > 64:
            spans = self.likely_spans(sel, spans)
        best: tuple[float, int, tuple[int, int]] | None = None
        for start, end in spans:
            score = self.context_score(sel, start, end)
            # On a tie (context unchanged up to the paragraph's edges, as for a pull
            # quote of the same sentence), the context unchanged further out wins.
            key = (score, self.raw_context(sel, start, end), -abs(start - sel.start), (start, end))
            if best is None or key[:3] > best[:3]:
                best = key
        if best is None:
            return None
        if best[0] < min_context and not self.kept_one_side_nearby(sel, *best[3]):
            return None
        return best[0], best[3]

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

    def best_exact(self, sel: Selector) -> tuple[float, tuple[int, int]] | None:
        """The verbatim occurrence whose context agrees best, with that agreement."""
        n = len(sel.exact)
        spans = [(s, s + n) for s in self.occurrences(sel.exact)]
        if not sel.prefix and not sel.suffix and len(spans) == 1:
            # A quote imported without its context (a Kindle clipping): once is enough.
            return 1.0, spans[0]
        return self.pick(sel, spans, self.min_exact_context(sel))

    def moved_paragraph(self, sel: Selector) -> tuple[int, int] | None:
        """A whole paragraph (a heading) that moved has a new context on both sides; if
        it is still a whole paragraph, once, and not a tiny one, it is the same one."""
        if len(sel.exact.strip()) < PARAGRAPH_MIN_CHARS or not _is_paragraph(sel.prefix, sel.suffix, sel.exact):
            return None
        text = self.text
        n = len(sel.exact)
        whole = [
            (s, s + n)
            for s in self.occurrences(sel.exact)
            if _is_paragraph(text[max(0, s - 1) : s], text[s + n : s + n + 1], sel.exact)
        ]
        return whole[0] if len(whole) == 1 else None

    def best_fuzzy(self, sel: Selector) -> tuple[float, tuple[int, int]] | None:
        """The best approximate match of the quote and its score: the quote with other
        whitespace or case, then rapidfuzz alignments near the old place, then anywhere."""
        text = self.text
        n = len(sel.exact)
        # Only whitespace here: searching without case is slow on a long text, and the
        # alignment below finds a quote whose case changed.
        # A long quote's pieces (below) find it with other whitespace too.
        short_phrase = len(sel.exact.split()) > 1 and n <= _PIECES_ABOVE_CHARS
        loose = find_quote_loose(text, sel.exact, ignore_case=False) if short_phrase else []
        best = self.best_candidate(sel, loose, refine=False)
        if best is not None and best[0] >= CLEAR_SCORE:
            return best
        if n > _PIECES_ABOVE_CHARS:
            # rapidfuzz's partial alignment slows down with the square of a long quote;
            # pieces of it found verbatim say where it is as well.
            best_long = self.best_candidate(sel, self.piece_candidates(sel) + self.context_candidates(sel, 0, len(text)))
            if best_long is not None and (best is None or best_long[0] > best[0]):
                best = best_long
            return best
        reach = max(256, 2 * n)
        lo, hi = max(0, sel.start - reach), min(len(text), sel.end + reach)
        near = self.fuzzy_candidates(sel, lo, hi) + self.context_candidates(sel, lo, hi)
        best_near = self.best_candidate(sel, near)
        if best_near is not None and (best is None or best_near[0] > best[0]):
            best = best_near
        if best is not None and best[0] >= CLEAR_SCORE:
            return best
        step = max(_CHUNK_CHARS, 4 * n)
        overlap = 2 * n
        # A slice holding none of the quote's longest words (their first letters, to
        # allow for endings) cannot hold an approximate match: skip it.
        probes = {word[:5] for word in sorted(_WORDS.findall(sel.exact), key=len)[-3:]}
        everywhere: list[tuple[int, int]] = []
        for start in range(0, max(1, len(text) - overlap), step):
            stop = min(len(text), start + step + overlap)
            if not probes or any(text.find(probe, start, stop) != -1 for probe in probes):
                everywhere.extend(self.fuzzy_candidates(sel, start, stop))
        everywhere.extend(self.context_candidates(sel, 0, len(text)))
        best_anywhere = self.best_candidate(sel, everywhere)
        if best_anywhere is not None and (best is None or best_anywhere[0] > best[0]):
            best = best_anywhere
        return best

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

    def piece_candidates(self, sel: Selector) -> list[tuple[int, int]]:
        """Where a long quote would start, by the votes of pieces of it found verbatim
        (common pieces, found everywhere, do not vote)."""
        quote, n = sel.exact, len(sel.exact)
        votes: Counter[int] = Counter()
        for i in range(_PIECES):
            offset = (n - _PIECE_CHARS) * i // (_PIECES - 1)
            hits = self.occurrences(quote[offset : offset + _PIECE_CHARS])
            if len(hits) <= _MAX_PROBE_HITS:
                votes.update(hit - offset for hit in hits)
        return [(max(0, start), min(len(self.text), start + n)) for start, _ in votes.most_common(4)]

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
            spans.append((p, min(ends)) if ends else (p, min(len(self.text), p + n)))
        for s in before_tail:
            starts = [p for p in after_head if p < s <= p + 3 * n + 64]
            spans.append((max(starts), s) if starts else (max(0, s - n), s))
        return spans

    def best_candidate(
        self, sel: Selector, spans: Sequence[tuple[int, int]], refine: bool = True
    ) -> tuple[float, tuple[int, int]] | None:
        """The candidate (as found, or with refined bounds) with the best combined score
        of those that pass the thresholds, and that score."""
        best: tuple[tuple[float, float], tuple[int, int]] | None = None
        n = len(sel.exact)
        if len(spans) > 64:
            spans = self.likely_spans(sel, spans)
        tried = set()
        for rough in spans:
            if refine:
                tried.add(self.snap(sel, *rough))
                if n <= _REFINE_MAX_CHARS:
                    tried.add(self.refine(sel, *rough))
            else:
                tried.add(rough)
        for start, end in tried:
            found = self.text[start:end]
            if start >= end or found == sel.exact:
                # Verbatim occurrences are weighed by best_exact.
                continue
            ratio = fuzz.ratio(sel.exact, found) / 100
            # How much of the quote survives, in order: 1.0 when words were only added.
            kept = _kept_share(sel.exact, found)
            context = self.context_score(sel, start, end)
            ok = ratio >= FUZZY_MIN_QUOTE and context >= self.min_fuzzy_context(sel, ratio)
            # Both sides of the context in place and the quote mostly there, perhaps with
            # words added; or the context unchanged on both sides, so that the passage
            # between is the quote's place, and still somewhat like the quote.
            ok = ok or (
                n // 2 <= len(found) <= 3 * n + 64
                and self.has_near_context(sel, start, end)
                and (
                    (context >= SANDWICH_MIN_CONTEXT and kept >= SANDWICH_MIN_KEPT)
                    or (kept >= SAME_PLACE_MIN_KEPT and self.has_exact_context(sel, start, end))
                )
            )
            if not ok:
                continue
            score = (ratio + kept + context) / 3
            # On a tie, the span closest to the quote (one not running on past it).
            if best is None or (score, ratio) > best[0]:
                best = ((score, ratio), (start, end))
        return None if best is None else (best[0][0], best[1])

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
        start, end = max(0, start), min(len(text), end)
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
