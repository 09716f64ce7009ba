"""Turning what the user typed into a Whoosh query that runs fast.

The language is Whoosh's (words AND-ed, "phrases", OR, NOT, -word, grouping, word*,
word~, field:value, added:/published: dates and ranges). After parsing, the query is
rewritten for speed (see shared/notes/search-speed.md):

- ``word*`` becomes an explicit, scored ``Or`` of the indexed terms with that prefix;
- ``word~`` becomes an explicit ``Or`` of the terms within the edit distance of the word or
  of a whole word they are the stem of (see fuzzy.py);
- date conditions AND-ed at the top are taken out and applied as a ``filter=`` set of
  document numbers, cached until the index changes.

A query Whoosh cannot parse is searched as its plain words; one with no words at all
raises :class:`InvalidSearchQueryError` with one sentence.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from whoosh import qparser
from whoosh import query as wq
from whoosh.qparser.dateparse import DateParserPlugin

from reader.core.errors import InvalidSearchQueryError
from reader.core.search import fuzzy
from reader.core.search.fuzzy import MAX_FUZZY_TERMS
from reader.core.search.schema import StemmedText
from reader.core.search.terms import has_term, prefix_frequencies

MAX_QUERY_CHARS = 1000
MAX_PREFIX_TERMS = 24          # a prefix such as "th*" matches thousands of terms: keep the common ones
PREFIX_SCAN_LIMIT = 1000       # stop reading the lexicon after this many terms with the prefix
MIN_WILDCARD_LETTERS = 2       # letters before the first * or ?: "t*" or "*ing" would read the whole lexicon
MAX_EXPANDED_WORDS = 4         # words with * ? or ~ in one query
# An expanded word reads the postings of every term it stands for, ~2.5 us each in Python:
# "ba*" over 10,000 made-up articles stands for terms in most documents (2 s). Keep the
# terms, nearest or most common first, until their documents add up to this many, for all
# the expanded words of a query together (each keeps at least its best term).
POSTINGS_BUDGET = 15_000

# Fields searched when the user names none, with their weight in the ranking.
DEFAULT_FIELDS = ("title", "author", "site", "text", "highlight", "note", "tag", "url")
FIELD_BOOSTS = {"title": 3.0, "author": 2.0, "tag": 2.0, "highlight": 1.5, "note": 1.5, "site": 1.0,
                "text": 1.0, "url": 0.5}
DATE_FIELDS = ("added", "published")
FIELD_ALIASES = {"tag": ["tags"], "note": ["notes"], "highlight": ["highlights"], "title": ["titles"],
                 "author": ["by"], "url": ["link"]}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")  # and lone surrogates (not text)
_WORDS = re.compile(r"\w+")


def make_parser(schema: Any, dates: bool = True) -> qparser.QueryParser:
    parser = qparser.MultifieldParser(list(DEFAULT_FIELDS), schema, fieldboosts=FIELD_BOOSTS)
    parser.add_plugin(qparser.FuzzyTermPlugin())
    parser.add_plugin(qparser.PlusMinusPlugin())
    parser.add_plugin(qparser.GtLtPlugin())
    parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))
    if dates:
        parser.add_plugin(DateParserPlugin())
    return parser


class Parsers:
    """The parsers of one index, made once. The date parser compiles a hundred regular
    expressions (~0.1 s), so it is made on the first query that names a date field."""

    def __init__(self, schema: Any):
        self.schema = schema
        self.words = make_parser(schema, dates=False)
        self.plain = make_plain_parser(schema)
        self._dates: qparser.QueryParser | None = None

    def for_query(self, text: str) -> qparser.QueryParser:
        if _DATE_EXPR.search(text) is None:
            return self.words
        if self._dates is None:
            self._dates = make_parser(self.schema)
        return self._dates


def make_plain_parser(schema: Any) -> qparser.QueryParser:
    """Words only: the fallback for queries the full language cannot make sense of."""
    return qparser.QueryParser(
        None, schema,
        plugins=[qparser.WhitespacePlugin(), qparser.MultifieldPlugin(list(DEFAULT_FIELDS), FIELD_BOOSTS)],
    )


def clean_query_text(text: str) -> str:
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidSearchQueryError(
            f"The search query is too long ({len(text):,} characters; the limit is {MAX_QUERY_CHARS:,})."
        )
    return " ".join(_CONTROL.sub(" ", text).split())


def shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:39] + "…"


def walk(q: wq.Query) -> Iterable[wq.Query]:
    yield q
    for child in q.children():
        yield from walk(child)


def has_error(q: wq.Query) -> str | None:
    for node in walk(q):
        err = getattr(node, "error", None)
        if err:
            return str(err)
    return None


def is_date_query(q: wq.Query) -> bool:
    """True for a condition on added: or published: alone (a range, a day, a year...)."""
    leaves = [n for n in walk(q) if n.is_leaf()]
    return bool(leaves) and all(getattr(n, "fieldname", None) in DATE_FIELDS for n in leaves)


def has_words(q: wq.Query) -> bool:
    """True when ``q`` asks for at least one word (not only "everything")."""
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return False
    return any(n.is_leaf() and not isinstance(n, (wq.Every, type(wq.NullQuery))) for n in walk(q))


_DATE_EXPR = re.compile(
    r"\b(?P<field>added|published):(?P<value>\[[^\]]*\]|\{[^}]*\}|'[^']*'|[<>]=?\S+|\S+)", re.IGNORECASE
)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\b")
_RELATIVE = {"last week": "-1 week", "past week": "-1 week", "last month": "-1 month", "past month": "-1 month",
             "last year": "-1 year", "past year": "-1 year", "this week": "-7 days"}


def _normalize_dates(text: str) -> str:
    """Rewrite dates into the forms Whoosh's English date parser reads: 2024-06-30 -> 20240630,
    and "last week" -> "-1 week"."""

    def iso(m: re.Match[str]) -> str:
        return m.group(1) + m.group(2).zfill(2) + (m.group(3).zfill(2) if m.group(3) else "")

    def fix(m: re.Match[str]) -> str:
        value = _ISO_DATE.sub(iso, m.group("value"))
        for words, relative in _RELATIVE.items():
            value = re.sub(rf"\b{words}\b", relative, value, flags=re.IGNORECASE)
        return f"{m.group('field').lower()}:{value}"

    return _DATE_EXPR.sub(fix, text)


def split_date_filters(q: wq.Query) -> tuple[wq.Query, list[wq.Query]]:
    """Take the date conditions AND-ed at the top out of ``q``; they become filters."""
    if isinstance(q, wq.And):
        dates = [c for c in q.subqueries if is_date_query(c)]
        if dates:
            rest = [c for c in q.subqueries if not is_date_query(c)]
            if not rest:
                return wq.Every(), dates
            return (rest[0] if len(rest) == 1 else wq.And(rest, boost=q.boost)), dates
        return q, []
    if is_date_query(q):
        return wq.Every(), [q]
    return q, []


class QueryRewriter:
    """Replaces prefix and fuzzy nodes by explicit, scored ``Or``s of index terms."""

    def __init__(self, reader: Any, fuzzy_vocab: Callable[[Any, str], dict[str, list[str]]],
                 analyze: Callable[[str, str], str | None], typed: dict[str, str] | None = None):
        self.reader = reader
        self.typed = typed or {}  # the parser stems a fuzzy word: its stem -> the word as typed
        self.fuzzy_vocab = fuzzy_vocab
        self.analyze = analyze
        self.budget = POSTINGS_BUDGET

    def rewrite(self, q: wq.Query) -> wq.Query:
        if isinstance(q, wq.FuzzyTerm):
            return self._fuzzy(q)
        if isinstance(q, (wq.Prefix, wq.Wildcard)):
            return self._pattern(q)
        if isinstance(q, wq.Every) and q.fieldname:
            # field:* reads every posting of the field to list who has one; any document will do.
            return wq.Every(boost=q.boost)
        if q.is_leaf():
            return q
        if type(q) is wq.Or:
            # A word is searched in eight fields and usually stands in two or three: leave
            # out the fields that lack it, so the matcher tree stays small.
            kept = [c for c in q.subqueries if self._may_match(c)]
            if kept and len(kept) < len(q.subqueries):
                q = wq.Or(kept, boost=q.boost, minmatch=q.minmatch, scale=q.scale)
        return q.apply(self.rewrite)

    def _may_match(self, q: wq.Query) -> bool:
        if isinstance(q, wq.Term):
            return has_term(self.reader, q.fieldname, q.text)
        if isinstance(q, wq.Phrase):
            return all(has_term(self.reader, q.fieldname, w) for w in q.words)
        return True

    def _within_budget(self, ranked: list[tuple[int, str]]) -> list[str]:
        """The leading terms of ``ranked`` ((doc frequency, term), best first) whose postings
        fit what is left of the query's budget; always the first one."""
        out: list[str] = []
        for df, term in ranked:
            if out and df > self.budget:
                continue  # a smaller one further on may still fit
            out.append(term)
            self.budget -= df
        return out

    def _pattern(self, q: wq.Query) -> wq.Query:
        """``word*`` or ``w?rd*``: the most common matching terms, read from the lexicon
        from the letters before the first wildcard on (check_expansions made sure of them)."""
        field = q.fieldname
        pattern = q.text.lower() + ("*" if isinstance(q, wq.Prefix) else "")
        literal = re.split(r"[*?]", pattern, maxsplit=1)[0]
        if field not in self.reader.schema or not literal:
            return wq.NullQuery
        matches = None if pattern == literal + "*" else re.compile(fnmatch.translate(pattern)).match
        try:
            counts = prefix_frequencies(self.reader, field, self.reader.schema[field].to_bytes(literal),
                                        PREFIX_SCAN_LIMIT)
        except Exception:  # a field without a lexicon (dates): nothing to expand
            return wq.NullQuery
        found: list[tuple[int, str]] = []
        for term, df in counts.items():
            word = term.decode("utf-8")
            if matches is None or matches(word):
                found.append((df, word))
        if matches is None and isinstance(self.reader.schema[field], StemmedText):
            found += self._stems_of_words_with(field, literal, {w for _, w in found})
        found.sort(key=lambda fw: -fw[0])
        return _or_terms(field, self._within_budget(found[:MAX_PREFIX_TERMS]), q.boost)

    def _stems_of_words_with(self, field: str, prefix: str, known: set[str]) -> list[tuple[int, str]]:
        """Stems shorter than ``prefix`` whose words may start with it: the index holds "run"
        for "running" and "va" for "vaing", so "runn*" or "vain*" finds no term of its own."""
        out = []
        for n in range(max(fuzzy.MIN_STEM - 1, len(prefix) - 5), len(prefix)):
            stem = prefix[:n]
            if stem in known or not has_term(self.reader, field, stem):
                continue
            rest = prefix[n:]
            bases = [stem, stem + stem[-1]]          # "run" + "n" + "ing"
            if stem.endswith("i"):
                bases.append(stem[:-1] + "y")      # the stemmer's y -> i
            if any((base + ending).startswith(prefix) or prefix.startswith(base + ending)
                   for base in bases for ending in fuzzy.ENDINGS if len(base) + len(ending) > n and rest):
                out.append((self.reader.doc_frequency(field, stem), stem))
        return out

    def _fuzzy(self, q: wq.FuzzyTerm) -> wq.Query:
        field = q.fieldname
        if field not in self.reader.schema:
            return wq.NullQuery
        maxdist = max(1, min(int(q.maxdist or 1), 2))
        word = q.text.lower()
        word = self.typed.get(word, word)
        if not word:
            return wq.NullQuery
        reader = self.reader
        stems = isinstance(reader.schema[field], StemmedText)
        buckets = self.fuzzy_vocab(reader, field)
        known = getattr(buckets[0], "__contains__", None) if len(buckets) == 1 else None
        scored = fuzzy.expand(word, self.analyze(field, word), maxdist, buckets,
                              known or (lambda term: has_term(reader, field, term)), stems)
        if not scored:
            return wq.NullQuery
        counted = getattr(buckets[0], "doc_frequency", None) if len(buckets) == 1 else None
        # From the vocabulary when merged (a lookup per segment otherwise, ~10 us each).
        freqs = {t: counted(t) if counted else reader.doc_frequency(field, t) for t in scored}
        best = sorted(scored.items(), key=lambda kv: (-kv[1], -freqs[kv[0]]))[:MAX_FUZZY_TERMS]
        kept = set(self._within_budget([(freqs[t], t) for t, _ in best]))
        return ExpandedOr([wq.Term(field, t, boost=q.boost * w) for t, w in best if t in kept])


class ExpandedOr(wq.Or):
    """The terms a prefix or a fuzzy word stands for: many short postings, which the array
    matcher (preloading them) unions fastest. Only here: elsewhere it is slower."""

    matcher_type = wq.Or.ARRAY_MATCHER


def use_tree_unions(q: wq.Query) -> wq.Query:
    """Whoosh preloads every posting of an ``Or`` on indexes under 5,000 documents (the
    array matcher); for a word searched in eight fields the binary tree of unions, which
    can skip, is several times faster. Call after ``normalize()``, which rebuilds nodes."""
    for node in walk(q):
        if type(node) is wq.Or:
            # normalize() flattens a prefix's terms into the word's Or: many terms, array.
            many = len(node.subqueries) > len(DEFAULT_FIELDS)
            node.matcher_type = wq.Or.ARRAY_MATCHER if many else wq.Or.DEFAULT_MATCHER
    return q


def check_expansions(q: wq.Query, text: str) -> None:
    """Refuse, in one sentence, wildcards and fuzzy words that would cost seconds."""
    words: set[str] = set()
    for node in walk(q):
        if isinstance(node, wq.TermRange) and node.fieldname not in DATE_FIELDS:
            # [a TO z] on a text field reads a good part of its lexicon.
            raise InvalidSearchQueryError("Ranges such as [a to b] work on added: and published: only.")
        if isinstance(node, (wq.Prefix, wq.Wildcard)):
            pattern = node.text + ("*" if isinstance(node, wq.Prefix) else "")
            if len(re.split(r"[*?]", pattern, maxsplit=1)[0]) < MIN_WILDCARD_LETTERS:
                raise InvalidSearchQueryError(
                    f"The wildcard '{shown(pattern)}' needs at least {MIN_WILDCARD_LETTERS} letters"
                    " before its first * or ?."
                )
            words.add(pattern)
        elif isinstance(node, wq.FuzzyTerm):
            words.add(node.text + "~")
    if len(words) > MAX_EXPANDED_WORDS:
        raise InvalidSearchQueryError(
            f"The search query '{shown(text)}' has {len(words)} words with * ? or ~; use at most {MAX_EXPANDED_WORDS}."
        )


def _or_terms(field: str, terms: list[str], boost: float = 1.0) -> wq.Query:
    if not terms:
        return wq.NullQuery
    if len(terms) == 1:
        return wq.Term(field, terms[0], boost=boost)
    return ExpandedOr([wq.Term(field, t) for t in terms], boost=boost)


_FUZZY_WORD = re.compile(r"(\w+)~")


def typed_fuzzy_words(text: str, analyze: Callable[[str, str], str | None]) -> dict[str, str]:
    """The fuzzy words of ``text`` as typed, by their stem (which is what the parser keeps)."""
    out: dict[str, str] = {}
    for m in _FUZZY_WORD.finditer(text):
        word = m.group(1).lower()
        out.setdefault(analyze("text", word) or word, word)
    return out


def plain_words(text: str) -> str:
    return " ".join(_WORDS.findall(text))


def parse(parsers: Parsers, text: str) -> wq.Query:
    """Parse with the full language, falling back to plain words; never raises Whoosh errors."""
    parser, plain_parser = parsers.for_query(text), parsers.plain
    for plugin in parser.plugins:
        if isinstance(plugin, DateParserPlugin):
            plugin.basedate = datetime.now()  # "today" is the user's today, and the parser lives long
    text = _normalize_dates(text)
    try:
        q = parser.parse(text)
    except Exception:
        q = None
    if q is not None:
        err = has_error(q)
        if err is not None:
            if any(f"{f}:" in text.lower() for f in DATE_FIELDS):
                raise InvalidSearchQueryError(
                    f"The date in '{shown(text)}' is not understood; try added:today, published:2024-11"
                    " or added:[2024-01-01 to now]."
                )
            q = None
    if q is None or q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        words = plain_words(text)
        q = plain_parser.parse(words) if words else wq.NullQuery
    return q
