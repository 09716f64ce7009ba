"""A generated corpus of text edits and highlights, to measure re-anchoring.

Used by tests/core/test_anchoring.py (small, fast) and benchmarks/anchoring_bench.py
(larger, with ~100 KB articles). Each case is an article, one highlight in it, one kind
of edit, and where the highlight truly is after the edit (``None`` when the highlighted
sentence was deleted). Everything is drawn from a seeded ``random.Random``.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from reader.core.anchoring import Selector, make_selector

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "samples" / "atacms-news.txt"

# Our own prose, so the corpus has more than one voice: repeated words ("river",
# "council"), similar sentences, curly quotes, numbers and a list.
EXTRA_PARAGRAPHS = [
    "Bringing a buried river back to daylight",
    "For almost a century the Brent ran under the town in a brick culvert, out of sight "
    "and, for most residents, out of mind. This spring the council began to open it up "
    "again, block by block, in a project that has cost £14 million so far.",
    "The first stretch, some 300 metres behind the old market hall, was uncovered in "
    "April. Engineers removed the culvert roof, widened the channel and planted its "
    "banks with reeds, willows and yellow flag iris. Within weeks, herons and a pair of "
    "kingfishers had been seen fishing there.",
    "“People stop on the bridge and just watch the water,” said Amara Okafor, who "
    "chairs the council’s environment committee. “We spent decades hiding the river. "
    "Now it is the most popular place in the centre.”",
    "Not everyone is convinced. Shop owners on Mill Street say the works have blocked "
    "deliveries for months, and a petition asking the council to pause the second "
    "phase has gathered more than 2,000 signatures. The council says the second phase "
    "will go ahead in September as planned.",
    "What the project involves",
    "Removing 1.2 kilometres of culvert in four phases, the last due in 2028.",
    "Planting native trees and reeds along both banks to slow floodwater.",
    "Building two footbridges and a path that links the station to the park.",
    "Hydrologists expect the open channel to hold far more water during storms than the "
    "culvert could. In 2019 the culvert overflowed twice, flooding 60 homes on the "
    "lower streets; the council hopes the new channel will prevent a repeat. Critics "
    "reply that the same money could have repaired the culvert twice over.",
    "The river trust will publish its first survey of fish and insects in the autumn. "
    "If the numbers are good, other towns with buried rivers are likely to follow, "
    "said Okafor, adding that three councils had already asked to visit the site.",
]

INSERTS = [
    "reportedly",
    "on Monday",
    "according to officials",
    "— and this matters —",
    "in a statement",
    "as expected",
    "once again",
    "very",
    "after weeks of debate",
]
NEW_SENTENCES = [
    "The statement was published late in the evening.",
    "Officials declined to give further details.",
    "This article was updated with new information.",
    "Local reporters were not allowed into the briefing.",
]
NEW_PARAGRAPHS = [
    "Editor’s note: this article has been updated since it was first published.",
    "Read more: what the decision means for the coming months, in five questions.",
    "Advertisement",
]
REPLACEMENT_WORDS = [
    "major", "several", "new", "recent", "limited", "large", "former", "local",
    "senior", "quickly", "cautiously", "nearly", "announced", "claimed", "decided",
]
EMOJI = ["🚀", "👍🏽", "🇺🇦", "𝒳", "🙂", "🌊🌿", "📈", "🤔"]

SMALL_EDITS = (
    "insert_before",
    "insert_inside",
    "insert_after",
    "paragraph_moved",
    "whitespace",
    "reworded",
    "duplicated",
    "emoji_before",
)
CATEGORIES = SMALL_EDITS + ("sentence_deleted",)
# Categories where the highlighted text itself changes, so "right" means overlap.
QUOTE_MAY_CHANGE = ("insert_inside", "whitespace", "reworded")
RIGHT_OVERLAP = 0.8

_SENTENCE = re.compile(r"[^\s].*?(?:[.!?][\"”’]?(?=\s|$)|$)")
_WORD = re.compile(r"\w[\w’'-]*")


@dataclass(frozen=True)
class Case:
    category: str
    old_text: str
    new_text: str
    selector: Selector
    truth: tuple[int, int] | None  # None: the highlighted sentence is gone
    kind: str  # what was highlighted: word, phrase, sentence, cross


def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8").strip()


def base_article() -> str:
    """The sample news article plus our own paragraphs, as a canonical text."""
    return sample_text() + "\n" + "\n".join(EXTRA_PARAGRAPHS)


def long_article(rng: random.Random, size: int) -> str:
    """The base article followed by paragraphs like its own, about ``size`` characters long.

    Each added paragraph is one of the base article's with most longer words swapped for
    other words of the article and numbers changed: the text keeps its function words,
    punctuation, paragraph lengths and recurring terms, without repeating passages.
    """
    base = base_article()
    paragraphs = base.split("\n")
    vocabulary = sorted({w for w in re.findall(r"[A-Za-z]{4,}", base)})
    length = len(base) + 1

    def swap(match: re.Match[str]) -> str:
        word = match.group()
        if word.isdigit():
            return str(rng.randint(2, 2000))
        if len(word) < 4 or rng.random() < 0.2:
            return word
        new = rng.choice(vocabulary)
        return new.capitalize() if word[0].isupper() else new.lower()

    while length < size:
        para = re.sub(r"[A-Za-z]+|\d+", swap, rng.choice(paragraphs))
        paragraphs.append(para)
        length += len(para) + 1
    return "\n".join(paragraphs)


# -- text structure -----------------------------------------------------------


def paragraph_ranges(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for para in text.split("\n"):
        out.append((pos, pos + len(para)))
        pos += len(para) + 1
    return out


def sentence_ranges(text: str) -> list[tuple[int, int]]:
    out = []
    for ps, pe in paragraph_ranges(text):
        for m in _SENTENCE.finditer(text, ps, pe):
            if m.end() > m.start():
                out.append(m.span())
    return out


def word_ranges(text: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
    return [m.span() for m in _WORD.finditer(text, lo, len(text) if hi is None else hi)]


def pick_highlight(rng: random.Random, text: str) -> tuple[int, int, str]:
    sentences = sentence_ranges(text)
    kind = rng.choice(["word", "word", "phrase", "phrase", "sentence", "cross"])
    if kind == "cross":
        paras = [r for r in paragraph_ranges(text) if r[1] > r[0]]
        i = rng.randrange(len(paras) - 1)
        first, second = word_ranges(text, *paras[i]), word_ranges(text, *paras[i + 1])
        return first[rng.randrange(max(0, len(first) - 6), len(first))][0], second[rng.randrange(min(6, len(second)))][1], kind
    ss, se = rng.choice(sentences)
    if kind == "sentence":
        return ss, se, kind
    words = word_ranges(text, ss, se)
    if kind == "word" or len(words) < 3:
        w = rng.choice(words)
        return w[0], w[1], "word"
    count = rng.randint(2, min(6, len(words)))
    i = rng.randrange(len(words) - count + 1)
    return words[i][0], words[i + count - 1][1], "phrase"


# -- edits as replacements, and where a range goes through them ---------------

Edit = tuple[int, int, str]  # (position, characters removed, text inserted)


def apply_edits(text: str, edits: list[Edit]) -> str:
    for pos, removed, inserted in sorted(edits, reverse=True):
        text = text[:pos] + inserted + text[pos + removed :]
    return text


def map_start(x: int, edits: list[Edit]) -> int:
    """New offset of a range start; an insertion exactly at the start goes before it."""
    shift = 0
    for pos, removed, inserted in sorted(edits):
        if pos + removed <= x:
            shift += len(inserted) - removed
        elif pos < x:
            return pos + shift
    return x + shift


def map_end(x: int, edits: list[Edit]) -> int:
    """New offset of a range end; an insertion exactly at the end goes after it."""
    shift = 0
    for pos, removed, inserted in sorted(edits):
        if pos < x and pos + removed <= x:
            shift += len(inserted) - removed
        elif pos < x:
            return pos + shift + len(inserted)
    return x + shift


def spaces(text: str, lo: int, hi: int) -> list[int]:
    return [i for i in range(max(0, lo), min(len(text), hi)) if text[i] == " "]


def _containing_paragraph(text: str, start: int, end: int) -> int | None:
    for i, (ps, pe) in enumerate(paragraph_ranges(text)):
        if ps <= start and end <= pe:
            return i
    return None


# -- the edit kinds; each returns (new_text, truth) or None if it does not apply --


def edit_insert_before(rng: random.Random, text: str, start: int, end: int):
    way = rng.random()
    if way < 0.4:
        points = spaces(text, start - 60, start)
        if not points:
            return None
        pos = rng.choice(points)
        edits = [(pos, 0, " " + rng.choice(INSERTS))]
    elif way < 0.7:
        points = spaces(text, 0, start)
        if not points:
            return None
        edits = [(rng.choice(points), 0, " " + rng.choice(NEW_SENTENCES))]
    else:
        ends = [pe for ps, pe in paragraph_ranges(text) if pe < start]
        pos = rng.choice(ends) if ends else 0
        para = rng.choice(NEW_PARAGRAPHS)
        edits = [(pos, 0, "\n" + para)] if ends else [(0, 0, para + "\n")]
    return apply_edits(text, edits), (map_start(start, edits), map_end(end, edits))


def edit_insert_inside(rng: random.Random, text: str, start: int, end: int):
    points = spaces(text, start + 1, end - 1)
    if not points:
        return None
    edits = [(rng.choice(points), 0, " " + rng.choice(INSERTS))]
    return apply_edits(text, edits), (map_start(start, edits), map_end(end, edits))


def edit_insert_after(rng: random.Random, text: str, start: int, end: int):
    way = rng.random()
    if way < 0.5:
        points = spaces(text, end, end + 60) or [len(text)]
        edits = [(rng.choice(points), 0, " " + rng.choice(INSERTS))]
    else:
        ends = [pe for ps, pe in paragraph_ranges(text) if ps >= end] or [len(text)]
        edits = [(rng.choice(ends), 0, "\n" + rng.choice(NEW_PARAGRAPHS + NEW_SENTENCES))]
    return apply_edits(text, edits), (map_start(start, edits), map_end(end, edits))


def edit_paragraph_moved(rng: random.Random, text: str, start: int, end: int):
    paras = text.split("\n")
    own = _containing_paragraph(text, start, end)
    ranges = paragraph_ranges(text)
    first = max(i for i, (ps, _) in enumerate(ranges) if ps <= start)
    last = max(i for i, (ps, _) in enumerate(ranges) if ps < end)
    if own is not None and rng.random() < 0.5:
        moved = own
    else:
        others = [i for i in range(len(paras)) if i < first or i > last]
        if not others:
            return None
        moved = rng.choice(others)
    order = [i for i in range(len(paras)) if i != moved]
    # Never drop the moved paragraph inside the highlighted run of paragraphs.
    slots = [k for k in range(len(order) + 1) if not (k > 0 and k < len(order) and first <= order[k - 1] and order[k] <= last)]
    if not slots:
        return None
    order.insert(rng.choice(slots), moved)
    new_starts, pos = {}, 0
    for i in order:
        new_starts[i] = pos
        pos += len(paras[i]) + 1
    new_text = "\n".join(paras[i] for i in order)
    truth = (new_starts[first] + start - ranges[first][0], new_starts[last] + end - ranges[last][0])
    if order == list(range(len(paras))):
        return None
    return new_text, truth


def edit_whitespace(rng: random.Random, text: str, start: int, end: int):
    edits: list[Edit] = []
    used: set[int] = set()
    inside = spaces(text, start + 1, end - 1)
    if inside and rng.random() < 0.5:
        pos = rng.choice(inside)
        edits.append((pos, 1, rng.choice(["  ", "\n", " \n"])))
        used.add(pos)
    for pos in rng.sample(spaces(text, 0, len(text)), min(6, len(spaces(text, 0, len(text))))):
        if pos not in used:
            edits.append((pos, 1, rng.choice(["  ", "   "])))
            used.add(pos)
    for _ps, pe in rng.sample(paragraph_ranges(text), 3):
        if pe not in used and pe != start and pe != end:
            edits.append((pe, 0, " "))
            used.add(pe)
    return apply_edits(text, edits), (map_start(start, edits), map_end(end, edits))


def edit_reworded(rng: random.Random, text: str, start: int, end: int):
    sentence = next(((ss, se) for ss, se in sentence_ranges(text) if ss <= start < se), None)
    if sentence is None:
        return None
    inside = word_ranges(text, start, end)
    if len(inside) >= 3:
        pool = inside
        count = 1 if len(inside) < 8 else rng.randint(1, 2)
    else:
        pool = [w for w in word_ranges(text, *sentence) if w[1] <= start or w[0] >= end]
        count = rng.randint(1, 2)
    if len(pool) < count:
        return None
    edits = []
    for ws, we in sorted(rng.sample(pool, count)):
        replacement = rng.choice([w for w in REPLACEMENT_WORDS if w != text[ws:we]])
        edits.append((ws, we - ws, replacement))
    return apply_edits(text, edits), (map_start(start, edits), map_end(end, edits))


def covering_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(ss, se) for ss, se in sentence_ranges(text) if ss < end and se > start]


def edit_sentence_deleted(rng: random.Random, text: str, start: int, end: int):
    edits = []
    for ss, se in covering_sentences(text, start, end):
        # Take the space after the sentence too, or the line break if it was alone.
        if se < len(text) and text[se] == " ":
            se += 1
        elif ss > 0 and text[ss - 1] == " ":
            ss -= 1
        elif se < len(text) and text[se] == "\n":
            se += 1
        edits.append((ss, se - ss, ""))
    return apply_edits(text, edits), None


def edit_duplicated(rng: random.Random, text: str, start: int, end: int):
    covering = covering_sentences(text, start, end)
    copy = text[covering[0][0] : covering[-1][1]].replace("\n", " ")
    if rng.random() < 0.5:
        copy = "“" + copy + "”"
    ranges = paragraph_ranges(text)
    first = max(i for i, (ps, _) in enumerate(ranges) if ps <= start)
    last = max(i for i, (ps, _) in enumerate(ranges) if ps < end)
    # A pull quote at least one paragraph away from the original, before or after it.
    gaps = [ranges[i][1] for i in range(len(ranges)) if i < first - 1 or i > last]
    if not gaps:
        return None
    edits = [(rng.choice(gaps), 0, "\n" + copy)]
    return apply_edits(text, edits), (map_start(start, edits), map_end(end, edits))


def edit_emoji_before(rng: random.Random, text: str, start: int, end: int):
    edits: list[Edit] = [(0, 0, rng.choice(EMOJI) + " ")]
    points = spaces(text, start - 40, start)
    if points:
        edits.append((rng.choice(points), 0, " " + rng.choice(EMOJI)))
    if start > 0 and text[start - 1] == " " and rng.random() < 0.5:
        edits.append((start, 0, rng.choice(EMOJI) + " "))
    edits = sorted(set(edits))
    return apply_edits(text, edits), (map_start(start, edits), map_end(end, edits))


EDITS: dict[str, Callable] = {
    "insert_before": edit_insert_before,
    "insert_inside": edit_insert_inside,
    "insert_after": edit_insert_after,
    "paragraph_moved": edit_paragraph_moved,
    "whitespace": edit_whitespace,
    "reworded": edit_reworded,
    "duplicated": edit_duplicated,
    "emoji_before": edit_emoji_before,
    "sentence_deleted": edit_sentence_deleted,
}


def build_cases(n_per_category: int, seed: int = 0, article_chars: int = 0) -> list[Case]:
    """``n_per_category`` cases of every edit kind, on the base article or, with
    ``article_chars``, on generated articles about that long."""
    return list(iter_cases(n_per_category, seed, article_chars))


def iter_cases(n_per_category: int, seed: int = 0, article_chars: int = 0) -> Iterator[Case]:
    """:func:`build_cases` one at a time, for corpora too large to hold at once."""
    rng = random.Random(seed)
    articles = [base_article()] if not article_chars else [long_article(rng, article_chars) for _ in range(3)]
    for category in CATEGORIES:
        made = 0
        attempts = 0
        while made < n_per_category and attempts < 50 * n_per_category:
            attempts += 1
            text = rng.choice(articles)
            start, end, kind = pick_highlight(rng, text)
            if category == "insert_inside" and kind == "word":
                continue
            result = EDITS[category](rng, text, start, end)
            if result is None:
                continue
            new_text, truth = result
            if new_text == text:
                continue
            quote = text[start:end]
            made_anew = new_text.count(quote) > text.count(quote) or (
                truth is not None
                and new_text[truth[0] : truth[1]] != quote
                and new_text.count(quote) >= text.count(quote)
            )
            if category != "duplicated" and made_anew:
                # The edit made the quote anew (an insertion ending in its first word):
                # both places would be defensible answers.
                continue
            yield Case(category, text, new_text, make_selector(text, start, end), truth, kind)
            made += 1


def quote_changed(case: Case) -> bool:
    if case.truth is None:
        return False
    return case.new_text[case.truth[0] : case.truth[1]] != case.selector.exact


def judge(case: Case, found: tuple[int, int] | None) -> str:
    """"right", "wrong" or "orphaned"; for a deleted sentence an orphan is right."""
    if found is None:
        return "right" if case.truth is None else "orphaned"
    if case.truth is None:
        return "wrong"
    if not quote_changed(case):
        return "right" if found == case.truth else "wrong"
    (a, b), (c, d) = found, case.truth
    union = max(b, d) - min(a, c)
    overlap = max(0, min(b, d) - max(a, c))
    return "right" if union and overlap / union >= RIGHT_OVERLAP else "wrong"
