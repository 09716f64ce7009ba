"""Whatever is typed into the search field: one clear sentence or results, within a second.

Random strings and strings built from the query language's pieces (words, quotes,
brackets, AND/OR/NOT, -, *, ?, ~, ^, every field with and without a value, date words and
ranges, emoji, control characters, lone surrogates, very long input) go through
``Library.search``. The only error allowed is :class:`InvalidSearchQueryError` with one
sentence; every call must return within a second.

Two sizes: ~200 articles in the normal suite, 10,000 in a ``slow`` test. Each case is
recorded rather than asserted inside Hypothesis, so a run reports every bad query (and
how many ran, and the slowest) instead of stopping and shrinking on the first; a query
still running after ``HARD_CAP`` seconds is interrupted, so one runaway query cannot hold
the suite for minutes.
"""

from __future__ import annotations

import ctypes
import itertools
import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from reader.core.document import Block, Document, Span
from reader.core.errors import InvalidSearchQueryError
from reader.core.importers import ImportedArticle
from reader.core.library import Library
from tests.conftest import raw_storage

LIMIT_SECONDS = 1.0   # the bound for one search
HARD_CAP = 4.0        # past this a query is interrupted and reported as too slow

# ---------------------------------------------------------------- a library to search


def make_vocab(rnd: random.Random, size: int) -> list[str]:
    """English stop words first (most frequent), then made-up words, then a few foreign ones."""
    stop = ["the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "be", "by",
            "on", "not", "he", "this", "are", "or", "his", "from", "at", "which", "but", "have", "an"]
    cons, vows = "bcdfghjklmnprstvwz", "aeiou"
    seen, out = set(stop), list(stop)
    while len(out) < size:
        w = "".join(rnd.choice(cons) + rnd.choice(vows) for _ in range(rnd.randint(1, 4)))
        w += rnd.choice(["", "", "s", "ing", "ed", "tion", "ly", "er"])
        if len(w) > 2 and w not in seen:
            seen.add(w)
            out.append(w)
    out[200:200] = ["café", "naïve", "Straße", "Kühe", "Москва", "東京", "über", "jalapeño", "İstanbul", "ﬁsh"]
    return out


@dataclass
class Corpus:
    """Generated articles: Zipf-distributed words, metadata, dates spread over years."""

    n: int
    size: int = 2500                  # characters of body per article
    seed: int = 11
    vocab: list[str] = field(init=False)
    tags: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.rnd = random.Random(self.seed)
        self.vocab = make_vocab(self.rnd, 20_000)
        self.cum = list(itertools.accumulate(1.0 / (i + 1) ** 1.05 for i in range(len(self.vocab))))
        self.tags = ["Rust", "garden", "long read", "to-do", "émigré", "C++", "🙂 fun"] + self.vocab[300:330]
        self.authors = [f"{a.title()} {b.title()}" for a, b in zip(self.vocab[400:500], self.vocab[900:1000])]
        self.sites = [f"{w}.{tld}" for w, tld in zip(self.vocab[1200:1260], itertools.cycle(["com", "org", "io"]))]

    def words(self, k: int) -> list[str]:
        return self.rnd.choices(self.vocab, cum_weights=self.cum, k=k)

    def article(self, i: int) -> tuple[ImportedArticle, list[str]]:
        rnd = self.rnd
        blocks: list[Block] = []
        size = 0
        while size < self.size:
            words = self.words(rnd.randint(25, 70))
            if rnd.random() < 0.05:
                words.insert(rnd.randrange(len(words)), rnd.choice(["😀", "🎉", "👩‍👩‍👧", "𝔘𝔫𝔦"]))
            text = " ".join(words).capitalize() + "."
            spans: tuple[Span, ...] = ()
            if rnd.random() < 0.2:
                first = text.index(" ")
                spans = (Span("link", 0, first, f"https://{rnd.choice(self.sites)}/{i}"),)
            kind = rnd.choices(["paragraph", "heading", "quote", "list_item"], [8, 1, 1, 1])[0]
            blocks.append(Block(kind, text, level=2 if kind == "heading" else (1 if kind != "paragraph" else 0),
                                marker="•" if kind == "list_item" else None, spans=spans))
            size += len(text) + 1
        title = " ".join(self.words(rnd.randint(3, 8))).capitalize()
        site = rnd.choice(self.sites) if rnd.random() < 0.8 else None
        imported = ImportedArticle(
            title=title,
            document=Document(tuple(blocks)),
            format="html",
            author=rnd.choice(self.authors) if rnd.random() < 0.7 else None,
            site=site,
            url=f"https://{site or 'example.org'}/{'-'.join(title.lower().split()[:3])}-{i}",
            published=(datetime(2010, 1, 1) + timedelta(days=rnd.randrange(15 * 365))) if rnd.random() < 0.8 else None,
        )
        tags = rnd.sample(self.tags, rnd.randint(1, 3)) if rnd.random() < 0.3 else []
        return imported, tags


def build_library(home: Path, corpus: Corpus, *, annotate: int = 40) -> Library:
    """Store every article in one transaction, spread the added dates, annotate a few, index once."""
    library = Library(home, auto_index=False)
    rnd = random.Random(corpus.seed + 1)
    start = datetime(2018, 1, 1, tzinfo=UTC)
    with library.batch() as batch:
        conn = raw_storage(library).conn  # the batch's own transaction: there is no API to back-date
        for i in range(corpus.n):
            imported, tags = corpus.article(i)
            result = batch.store_imported(imported, tags)
            if i % 10:  # one in ten keeps today's date, so added:today finds something
                added = start + timedelta(minutes=rnd.randrange(8 * 365 * 24 * 60))
                conn.execute("UPDATE articles SET added = ? WHERE id = ?", (added.isoformat(), result.article_id))
    for article_id in range(1, min(annotate, corpus.n) + 1):
        text = library.get(article_id).document.text
        start_at = text.index(" ", len(text) // 3) + 1
        end_at = text.index(" ", start_at + 30)
        highlight = library.add_highlight(article_id, start_at, end_at, color="yellow", tags=["quoted"])
        library.update_highlight(highlight.id, note=f"Why this matters: {' '.join(corpus.words(8))}")
        library.add_note(article_id, f"My **note** on {' '.join(corpus.words(6))} — see {corpus.vocab[40]}")
    library.index_catch_up()
    return library


# ---------------------------------------------------------------- queries

FIELDS = ("title", "author", "site", "tag", "note", "highlight", "url", "added", "published",
          "tags", "notes", "by", "link", "id", "text", "nosuchfield", "TITLE", "Title")
DATE_VALUES = (
    "today", "yesterday", "now", "tomorrow", "2024", "2024-06", "2024-06-30", "20240630", "2024-13-45", "2024-02-30",
    "2024-00-00", "last week", "'last week'", "last month", "'past year'", "this week", "-1 week", "+2 days",
    "'-3 days'", "[2020 to now]", "[2020 TO 2024-06]", "{2019 to 2021}", "[to 2022]", "[2023 to]", "[now to 2020]",
    "[ to ]", "[]", "{}", "[2020 to", "2020 to 2021]", ">2023", "<=2024-01-01", ">=yesterday", "<now", "'june 2024'",
    "march", "tuesday", "1900", "9999", "99999", "0", "-1", "١٢٣", "'", "\"2019\"", "[yesterday to today]",
)
OPERATORS = ("AND", "OR", "NOT", "TO", "and", "or", "not", "ANDNOT", "&&", "||", "!", "+", "-", "(", ")", "[", "]",
             "{", "}", "\"", "'", "*", "?", "~", "~2", "^", "^2", ":", "\\", "/", "<", ">", "=", ",", ";", "…")
ODD = ("😀", "🎉", "👩‍👩‍👧", "🇫🇷", "\u200b", "\u200d", "\u202e", "\ufeff", "\x00", "\x07", "\x1b[31m", "\t", "\n", "\r\n",
       "\x7f", "\x85", "\u2028", "\u2029", "\udcff", "\ud83d", "\U0010ffff", "\U000e0001", "a\u0301", "ß", "ǅ", "İ",
       "ﬁ", "东京", "Москва", "١٢٣", "%s", "%(x)s", "{0}", "'; DROP TABLE articles; --", "<b>x</b>", "&amp;",
       "../../etc/passwd", "C:\\Windows", "https://example.org/a?b=c&d=e#f", "mailto:a@b.c")


def query_strategy(vocab: list[str]) -> st.SearchStrategy[str]:
    # Indexes into the vocabulary, not sampled_from(vocab): Hypothesis reprs its strategies.
    common = st.integers(0, 299).map(lambda i: vocab[i])
    rare = st.integers(300, len(vocab) - 1).map(lambda i: vocab[i])
    letters = st.text(st.characters(categories=("Ll", "Lu", "Nd")), min_size=1, max_size=8)
    word = st.one_of(common, rare, letters, st.sampled_from(ODD))
    stem = word.map(lambda w: w[: max(1, len(w) // 2)])
    term = st.one_of(
        word,
        word,
        st.builds(lambda w: w + "*", stem),
        st.builds(lambda w: "*" + w, stem),
        st.builds(lambda w: w[:1] + "?" + w[2:], word),
        st.builds(lambda w, d: f"{w}~{d}", word, st.sampled_from(["", "1", "2", "3", "9", "0", "x"])),
        st.builds(lambda w, b: f"{w}^{b}", word, st.sampled_from(["2", "0.5", "0", "-1", "1e9", "x", ""])),
        st.builds(lambda ws: '"' + " ".join(ws) + '"', st.lists(word, min_size=1, max_size=4)),
        st.builds(lambda ws, d: '"' + " ".join(ws) + f'"~{d}', st.lists(word, min_size=2, max_size=3),
                  st.sampled_from(["2", "10", ""])),
        st.builds(lambda w: '"' + w, word),  # an unclosed quote
        st.builds(lambda p, w: p + w, st.sampled_from(["-", "+", "NOT ", "!"]), word),
    )
    value = st.one_of(term, st.just(""), st.sampled_from(DATE_VALUES),
                      st.builds(lambda a, b: f"[{a} TO {b}]", word, word),
                      st.builds(lambda a: f"[{a} TO]", word))
    fielded = st.builds(lambda f, v: f"{f}:{v}", st.sampled_from(FIELDS), value)
    dated = st.builds(lambda f, v: f"{f}:{v}", st.sampled_from(("added", "published")), st.sampled_from(DATE_VALUES))
    atom = st.one_of(term, term, fielded, dated, st.sampled_from(OPERATORS), st.sampled_from(ODD))
    separator = st.sampled_from([" ", " ", " ", "", "  ", "\t", "\n"])

    def joined(parts: st.SearchStrategy[list[str]]) -> st.SearchStrategy[str]:
        return st.builds(lambda ps, sep: sep.join(ps), parts, separator)

    # Queries a reader would plausibly type: they must mostly be searched, not refused, so
    # the ranking, snippets and offsets are exercised too (one bad date refuses a whole query).
    plausible_term = st.one_of(
        common, common, rare,
        st.builds(lambda w: w + "*", common.filter(lambda w: len(w) >= 4).map(lambda w: w[:3])),
        st.builds(lambda w: w + "~", common),
        st.builds(lambda ws: '"' + " ".join(ws) + '"', st.lists(common, min_size=2, max_size=3)),
        st.builds(lambda w: "-" + w, rare),
        # Two letters and a * (the shortest prefix allowed), or a short word with ~2: each stands for
        # hundreds of words of this vocabulary.
        st.builds(lambda c, v: c + v + "*", st.sampled_from("bcdfghjklmnprstvwz"), st.sampled_from("aeiou")),
        st.builds(lambda w: w[:4] + "~2", rare),
    )
    plausible = joined(st.lists(st.one_of(
        plausible_term, plausible_term, plausible_term,
        st.builds(lambda f, w: f"{f}:{w}", st.sampled_from(("title", "author", "site", "tag", "note", "highlight", "url")),
                  st.one_of(common, rare)),
        st.builds(lambda f, v: f"{f}:{v}", st.sampled_from(("added", "published")),
                  st.sampled_from(("today", "2024", "2019-06", "[2015 to now]", "[2012 TO 2016-06-30]", ">2020"))),
        st.sampled_from(("AND", "OR", "NOT")),
    ), min_size=1, max_size=5))
    flat = joined(st.lists(atom, min_size=1, max_size=10))
    def grouped(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.builds(lambda q: f"({q})", inner),
            st.builds(lambda f, q: f"{f}:({q})", st.sampled_from(FIELDS), inner),
            st.builds(lambda a, op, b: f"{a} {op} {b}", inner, st.sampled_from(["AND", "OR", "AND NOT", "OR NOT", ""]),
                      inner),
            st.builds(lambda q: f"NOT ({q})", inner),
        )

    # Two levels of grouping by hand (st.recursive warns that this extend "doesn't use its argument").
    once = grouped(st.one_of(flat, plausible))
    nested = st.one_of(once, grouped(once))
    long_queries = st.one_of(
        joined(st.lists(atom, min_size=40, max_size=250)).map(lambda q: q[:1000]),
        st.builds(lambda w, n: (w + " ") * n, word, st.integers(100, 400)).map(lambda q: q[:1000]),
        st.text(min_size=990, max_size=1010),
        st.builds(lambda n: "(" * n + "a" + ")" * n, st.integers(50, 499)),
    )
    raw = st.one_of(
        st.text(max_size=60),
        st.text(st.one_of(st.characters(), st.characters(categories=("Cs",))), max_size=30),  # lone surrogates too
        st.text(st.sampled_from("*?~^:\"'()[]{}-+!\\ AOTNDR"), max_size=30),
    )
    return st.one_of(plausible, plausible, flat, nested, nested, raw, raw, long_queries)


# ---------------------------------------------------------------- running and recording


class QueryTooSlow(BaseException):
    """Raised in the searching thread when a query has run past HARD_CAP (never caught by the code under test,
    which catches Exception)."""


class Watchdog:
    """Interrupts the thread that calls :meth:`run` when the call outlives ``cap`` seconds.

    The exception is raised again every 0.2 s until the call ends: one raised while a
    garbage-collector callback runs is swallowed by Python ("Exception ignored in ...").
    """

    def __init__(self, cap: float):
        self.cap = cap

    def run(self, fn: Callable[[], object]) -> object:
        target = threading.get_ident()
        done = threading.Event()
        lock = threading.Lock()

        def watch() -> None:
            wait = self.cap
            while not done.wait(wait):
                with lock:
                    if done.is_set():
                        return
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), ctypes.py_object(QueryTooSlow))
                wait = 0.2

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            return fn()
        finally:
            while True:  # the exception may land in here too: retry until the watcher is stopped
                try:
                    with lock:
                        done.set()
                        # One set but not yet raised would surface later, outside this call.
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), None)
                    break
                except QueryTooSlow:
                    continue
            watcher.join()


@dataclass
class Record:
    """Every query tried, and what went wrong with some of them."""

    cases: int = 0
    invalid: int = 0
    slowest: tuple[float, str] = (0.0, "")
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    articles: int | None = None  # in the library searched: no total may exceed it

    def problem(self, query: str, what: str) -> None:
        if len(self.problems) < 200:
            self.problems.append(f"{what}: {query[:120]!r}")

    def summary(self, label: str) -> str:
        ms, query = self.slowest[0] * 1000, self.slowest[1]
        return (f"search fuzz ({label}): {self.cases} queries, {self.invalid} refused as invalid, "
                f"{len(self.problems)} problems; slowest {ms:.0f} ms for {query[:80]!r}")


def one_sentence(message: str) -> bool:
    return bool(message) and "\n" not in message and message[0].isupper() and message.endswith(".")


def check_query(library: Library, query: str, record: Record, watchdog: Watchdog) -> None:
    if record.articles is None:
        record.articles = library.count()
    record.cases += 1
    started = time.perf_counter()
    try:
        results = watchdog.run(lambda: library.search(query))
    except QueryTooSlow:
        elapsed = time.perf_counter() - started
        record.seconds += elapsed
        record.slowest = max(record.slowest, (elapsed, query))
        record.problem(query, f"still running after {HARD_CAP:.0f} s (interrupted)")
        return
    except InvalidSearchQueryError as exc:
        record.invalid += 1
        if not one_sentence(str(exc)):
            record.problem(query, f"InvalidSearchQueryError is not one sentence: {str(exc)[:160]!r}")
        results = None
    except Exception as exc:  # noqa: BLE001 - anything else is the bug this test looks for
        record.problem(query, f"raised {type(exc).__name__}: {str(exc)[:160]}")
        results = None
    elapsed = time.perf_counter() - started
    record.seconds += elapsed
    record.slowest = max(record.slowest, (elapsed, query))
    if elapsed >= LIMIT_SECONDS:
        record.problem(query, f"took {elapsed * 1000:.0f} ms")
    total = getattr(results, "total", 0)
    if total > record.articles:
        record.problem(query, f"says {total:,} articles matched, in a library of {record.articles:,}")
    for r in results or ():
        if not (0 <= r.start <= r.end and all(0 <= a <= b <= len(r.snippet_plain) for a, b in r.marks)):
            record.problem(query, f"result {r.article_id} has offsets out of its passage")


def run_nasty(library: Library, record: Record, budget: float) -> None:
    watchdog = Watchdog(HARD_CAP)
    for query in NASTY:
        if record.seconds < budget:
            check_query(library, query, record, watchdog)


def generated_queries(vocab: list[str], examples: int) -> list[str]:
    """``examples`` queries from the strategy, the same on every run (derandomized).

    Drawn first and searched afterwards, outside Hypothesis: its garbage-collector hook
    would swallow the watchdog's interrupt, and its own time would count as the search's.
    """
    drawn: list[str] = []

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              phases=(Phase.explicit, Phase.generate),
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.filter_too_much, HealthCheck.large_base_example])
    @given(query_strategy(vocab))
    def draw(query: str) -> None:
        drawn.append(query)

    draw()
    return list(dict.fromkeys(drawn))


def fuzz(library: Library, vocab: list[str], examples: int, budget: float, record: Record) -> None:
    """Search ``examples`` generated queries, until ``budget`` seconds of searching are used."""
    watchdog = Watchdog(HARD_CAP)
    for query in generated_queries(vocab, examples):
        if record.seconds >= budget:
            break
        check_query(library, query, record, watchdog)


# Oddities worth pinning (cheap, so they run first), then queries known to be expensive
# for an inverted index: wildcards, short prefixes, many expansions, huge ranges.
NASTY = [
    "\udcff", "caf\udcff", "\udcff?", "\udcff*", "title:\ud83d*", "x\udcff~", "\x00" * 1000, "x" * 1000, "x" * 1001,
    "😀" * 500, "id:1", "id:*", "nosuchfield:x", "*", "*:*", "title:", "\"", "(", ")", "NOT", "AND OR NOT", "TO",
    "added:today", "added:'last week'", "added:last week", "published:2024-13-45", "published:99999",
    "added:[now to 1970]", "added:yesterday the", "published:[2024-06-30 to 2024-06-01]", "tag:\"\"",
    "(" * 499 + "a" + ")" * 499, "\"" + "a b " * 240 + "\"",
    "?", "**", "*?*", "???", "?????", "*a", "*a*", "a*", "t*", "th*", "e*", "s*", "*ing", "*e*", "?e*",
    "a* b* c* d* e* f* g* h* i* j*", " ".join(f"{c}*" for c in "abcdefghijklmnopqrstuvwxyz"),
    " OR ".join(f"{c}*" for c in "bcdfghjklmnprstvwz"), "title:* text:*", "title:a*", "url:h*", "site:*.com",
    "a~2 b~2 c~2", "the~2 of~2 and~2 to~2 in~2", " ".join(f"{w}~2" for w in ("bala", "roti", "kepu", "sama", "lemo")),
    "the", "the of and to in", '"the of and"', " ".join(["the"] * 200), " OR ".join(["the"] * 150),
    "title:[a TO z]", "text:[a TO z]", "author:[a TO zzzz]", "tag:[a to z]", "added:[1970 to now]",
    "published:[1900 to 2100]", "published:>2015 a*", "NOT a", "NOT the", "-a* -b*", "NOT (a* OR b*)",
    # The shortest prefixes and widest fuzzy words allowed, each matching hundreds of the made-up words.
    "ba*", "ke*", "ba* be* bi* bo*", "ba* OR be* OR bi* OR bo*", "published:[2012 TO 2016-06-30] ba*",
    "b?la*", "bala~2", "zit~2 jit~2 bal~2 rot~2", "ka~2 ti~2 mo~2 su~2", "title:ba* author:ke*",
]


# ---------------------------------------------------------------- the tests


@pytest.fixture(scope="module")
def small_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Library, Corpus]]:
    home = tmp_path_factory.mktemp("fuzz-small")
    corpus = Corpus(200, size=2000)
    previous = os.environ.get("READER_HOME")
    os.environ["READER_HOME"] = str(home)
    library = build_library(home, corpus, annotate=20)
    yield library, corpus
    library.close()
    if previous is None:
        os.environ.pop("READER_HOME", None)
    else:
        os.environ["READER_HOME"] = previous


def test_random_queries_on_a_small_library_answer_or_refuse_in_one_sentence_within_a_second(
    small_library: tuple[Library, Corpus],
) -> None:
    library, corpus = small_library
    record = Record()
    run_nasty(library, record, budget=4.0)
    fuzz(library, corpus.vocab, examples=350, budget=10.0, record=record)
    print(record.summary("200 articles"))
    assert not record.problems, "\n".join(record.problems)
    assert record.cases >= 300, f"only {record.cases} queries ran in the time budget"


@pytest.fixture(scope="module")
def large_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Library, Corpus, float]]:
    home = tmp_path_factory.mktemp("fuzz-large")
    corpus = Corpus(10_000, size=2000)
    previous = os.environ.get("READER_HOME")
    os.environ["READER_HOME"] = str(home)
    started = time.perf_counter()
    library = build_library(home, corpus)
    built = time.perf_counter() - started
    yield library, corpus, built
    library.close()
    if previous is None:
        os.environ.pop("READER_HOME", None)
    else:
        os.environ["READER_HOME"] = previous


@pytest.mark.slow
def test_random_and_nasty_queries_at_ten_thousand_articles_each_within_a_second(
    large_library: tuple[Library, Corpus, float],
) -> None:
    library, corpus, built = large_library
    assert library.count() == 10_000
    record = Record()
    run_nasty(library, record, budget=30.0)
    fuzz(library, corpus.vocab, examples=300, budget=70.0, record=record)
    print(f"library of {library.count()} articles built and indexed in {built:.0f} s")
    print(record.summary("10,000 articles"))
    assert not record.problems, "\n".join(record.problems)
    assert record.cases >= len(NASTY) + 250, f"only {record.cases} queries ran in the time budget"


@pytest.mark.parametrize("query", [
    "\udcff?", "ab\udcff?", "\udcff*", "title:\ud83d*", "x\udcff~", "\"\udcff\"", "\udcff"])
def test_a_lone_surrogate_is_searched_or_refused_in_one_sentence(reader_home: Path, query: str) -> None:
    # A command-line argument that is not valid UTF-8 reaches Python as lone surrogates.
    with Library(reader_home) as library:
        library.add_imported(ImportedArticle("Café notes", Document.from_paragraphs(["A café on the quay."]), "text"))
        try:
            library.search(query)
        except InvalidSearchQueryError as exc:
            assert one_sentence(str(exc)), str(exc)
