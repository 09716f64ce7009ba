"""Term-at-a-time evaluation of the query shapes people type, with Whoosh's own scores.

Whoosh evaluates a query document by document through a tree of matcher objects: for two
common words over fifteen segments that is ~20,000 Python method calls per query. Here each
term's postings are read a block at a time into dictionaries (docnum -> term frequency),
combined with set operations that run in C, and only the documents that match the whole
query are scored, with the same BM25F formula, statistics and boosts Whoosh uses, so the
ranking is the one Whoosh would give. Words (in one or several fields), AND, OR, scored
prefix and fuzzy expansions and phrases are handled; anything else (NOT, ranges, ...)
returns None and Whoosh's matchers run as before.

A phrase reads only its rarest word whole; its other words, and the snippets' positions,
are read only in the blocks whose header (the highest doc number in it) says they may
hold a candidate, so a phrase with a word in every article does not unpack that word.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Iterable
from itertools import accumulate
from pickle import loads
from typing import Any

from whoosh import query as wq
from whoosh import scoring
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.util.numeric import byte_to_length

from reader.core.search import pairs
from reader.core.search.codec import SplitLeafMatcher, _LazyValues
from reader.core.search.links import LinkedCharacters, links_of, neighbour_hash
from reader.core.search.terms import term_table

_INT_SIZE = 4          # a position value starts with the frequency as a 4-byte integer
_MAX_LENGTH_CACHE = 64  # (segment, field) length tables kept


class Unsupported(Exception):
    """The query has a shape this evaluator leaves to Whoosh."""


class DocFilter:
    """The documents a query is limited to (its date conditions): a set, and the same in
    order, so that each segment's share is found by bisection, not by a walk over all."""

    def __init__(self, docs: Iterable[int]):
        self.docs = frozenset(docs)
        self.ordered = sorted(self.docs)

    def __bool__(self) -> bool:
        return bool(self.docs)

    def within(self, start: int, end: int) -> list[int]:
        """The documents in ``start <= d < end``."""
        return self.ordered[bisect_left(self.ordered, start):bisect_left(self.ordered, end)]


def evaluate(searcher: Any, q: wq.Query, limit: int, docfilter: DocFilter | None,
             lengths: dict[tuple[str, str], list[int]],
             versions: pairs.Versions | None = None,
             segments: dict[str, _Segment] | None = None,
             ) -> tuple[list[tuple[int, float]], int] | None:
    """The top ``limit`` (docnum, score) of ``q`` and the exact number of matches, or None
    when ``q`` is not a shape handled here. ``lengths`` caches field lengths per segment;
    ``versions`` are the index's choices of common words (for phrases, see pairs.py);
    ``segments`` receives each segment's postings as read, by segment id: the snippets of
    the same hits read them again (see ``segment_postings``)."""
    weighting = searcher.weighting
    if type(weighting) is not scoring.BM25F:
        return None
    try:
        plan = _plan(q, searcher.schema, weighting, versions)
    except Unsupported:
        return None
    scores: dict[int, float] = {}
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        count = reader.doc_count_all()
        if not count:
            continue
        allowed = None
        if docfilter is not None:
            allowed = docfilter.within(offset, offset + count)
            if not allowed:
                continue
        segment = _Segment(searcher, reader, lengths)
        if segments is not None:
            segments[reader.segment().segment_id()] = segment
        docs = segment.matched(plan)
        if allowed is not None:
            if len(allowed) < len(docs):
                docs = docs & {d - offset for d in allowed}
            else:
                docs = {d for d in docs if d + offset in docfilter.docs}
        deleted = reader.deleted_docs_set if reader.has_deletions() else None
        if deleted:
            docs = docs - deleted
        if not docs:
            continue
        for d, s in plan.scores(segment, docs).items():
            scores[d + offset] = s
    top = heapq.nsmallest(limit, scores.items(), key=lambda ds: (-ds[1], ds[0]))
    return top, len(scores)


class _Segment:
    """One segment's postings and field lengths, read once per query."""

    def __init__(self, searcher: Any, reader: Any, lengths: dict[tuple[str, str], list[int]]):
        self.searcher = searcher   # the top searcher: statistics are index-wide, as in Whoosh
        self.reader = reader
        self._lengths = lengths
        self._infos: dict[tuple[str, bytes], Any] = {}
        self._postings: dict[tuple[str, bytes], dict[int, float]] = {}
        self._blocks: dict[tuple[str, bytes], list[tuple[int, list[int], Any]]] = {}
        self._matched: dict[int, set[int]] = {}
        # (field, documents) of each word or phrase the query matched: where a hit matched.
        self.field_matches: list[tuple[str, set[int]]] = []
        # What reading some blocks of a term told: docnum -> weight, or None (not there).
        self._some_weights: dict[tuple[str, bytes], dict[int, float | None]] = {}
        self._some_values: dict[tuple[str, bytes], dict[int, bytes | None]] = {}

    def _info(self, field: str, term: bytes) -> Any:
        """The term's entry in this segment (None when it is not there), looked up once."""
        key = (field, term)
        if key in self._infos:
            return self._infos[key]
        info = self._infos[key] = term_table(self.reader).info(field, term)
        return info

    def doc_frequency(self, field: str, term: bytes) -> int:
        info = self._info(field, term)
        return info.doc_frequency() if info is not None else 0

    def _matcher(self, field: str, term: bytes) -> Any:
        info = self._info(field, term)
        if info is None:
            return None
        terms = self.reader._terms
        return terms._codec.postings_reader(terms._postfile, info, self.reader.schema[field].format,
                                            term=(field, term))

    def postings(self, field: str, term: bytes) -> dict[int, float]:
        """docnum -> weight (term frequency × field boost) of ``term`` in this segment."""
        key = (field, term)
        got = self._postings.get(key)
        if got is not None:
            return got
        weights: dict[int, float] = {}
        m = self._matcher(field, term)
        if isinstance(m, SplitLeafMatcher) and (m._fixedsize or -1) < 0:  # values of any size
            blocks = self._blocks[key] = []  # where each block's values are, for values_for
            while m.is_active():
                if m._data is None:
                    m._read_data()
                ids = m._data[0]
                ids = list(ids if m._byteids else accumulate(ids))  # stored as gaps
                m._read_weights()
                weights.update(zip(ids, m._weights))
                blocks.append((ids[-1], ids, m._data[2]))
                m._next_block()
        elif m is not None:  # postings short enough to be kept inside the term's entry
            while m.is_active():
                weights[m.id()] = m.weight()
                m.next()
        self._postings[key] = weights
        return weights

    def matched(self, node: _Node) -> set[int]:
        """The documents ``node`` matches in this segment, found once per query."""
        got = self._matched.get(id(node))
        if got is None:
            got = self._matched[id(node)] = node.docs(self)
            field = getattr(node, "field", None)
            if field is not None:
                self.field_matches.append((field, got))
        return got

    def fields_of(self, doc: int) -> set[str]:
        """The fields in which a word or phrase of the query matched ``doc`` (a phrase
        counts in a field only where its words stand together there)."""
        return {field for field, docs in self.field_matches if doc in docs}

    def weights_for(self, field: str, term: bytes, docs: set[int]) -> dict[int, float]:
        """docnum -> weight of ``term`` in those of ``docs`` that have it (and, when the
        whole postings were read, maybe in others too: looked up, never iterated, by scoring)."""
        key = (field, term)
        every = self._postings.get(key)
        if every is None:
            self.some(field, term, docs)
            known = self._some_weights[key]
            return {d: w for d in docs if (w := known.get(d)) is not None}
        return every if len(docs) * 4 > len(every) else {d: every[d] for d in docs if d in every}

    def values_for(self, field: str, term: bytes, docs: set[int]) -> dict[int, bytes]:
        """The values (positions...) of ``term`` in ``docs`` only."""
        self.some(field, term, docs, values=True)
        known = self._some_values[(field, term)]
        return {d: v for d in docs if (v := known.get(d)) is not None}

    def some(self, field: str, term: bytes, docs: set[int], values: bool = False) -> None:
        """Read ``term``'s postings in ``docs`` only (their weights, and values if asked):
        a block is unpacked only when one of ``docs`` may be in it, which its header (the
        highest doc number in it) tells, so a common word costs a few blocks, not all."""
        key = (field, term)
        weights = self._some_weights.setdefault(key, {})
        known = self._some_values.get(key)
        if values and known is None:
            known = self._some_values[key] = {}
        wanted = [d for d in docs if d not in weights or (values and d not in known)]
        if not wanted:
            return
        weights.update(dict.fromkeys(wanted))  # None: the term is not in that document
        if values:
            known.update(dict.fromkeys(wanted))
        every = self._postings.get(key)
        if every is not None:  # who has the term is known: read the others' blocks only
            wanted = [d for d in wanted if d in every]
            for d in wanted:
                weights[d] = every[d]
            if not values or not wanted:
                return
        wanted.sort()
        blocks = self._blocks.get(key)
        if blocks is not None:  # read whole already: unpack the values of the blocks wanted
            tops = [top for top, _, _ in blocks]
            for b in sorted({bisect_left(tops, d) for d in wanted}):
                top, ids, block_values = blocks[b]
                if isinstance(block_values, _LazyValues):
                    block_values = block_values.load()
                    blocks[b] = (top, ids, block_values)
                known.update(zip(ids, block_values))
            return
        m = self._matcher(field, term)
        if m is None:
            return
        if not isinstance(m, W3LeafMatcher):
            wanted_set = set(wanted)
            while m.is_active():
                if m.id() in wanted_set:
                    weights[m.id()] = m.weight()
                    if values:
                        known[m.id()] = m.value()
                m.next()
            return
        i, n = 0, len(wanted)
        while i < n and m.is_active():
            top = m._maxid
            if wanted[i] <= top:
                m._read_data()
                ids = m._data[0]
                ids = list(ids if m._byteids else accumulate(ids))
                m._read_weights()
                block_weights = m._weights
                if values:
                    m._read_values()
                    block_values = m._values
                while i < n and wanted[i] <= top:
                    i += 1
                for j, d in enumerate(ids):
                    if d in weights:
                        weights[d] = block_weights[j]
                        if values:
                            known[d] = block_values[j]
            m._next_block()

    def lengths(self, field: str) -> list[int]:
        """Every document's length in ``field`` (segments never change: cached by segment)."""
        key = (self.reader.segment().segment_id(), field)
        table = self._lengths.get(key)
        if table is None:
            table = _read_lengths(self.reader, field)
            if len(self._lengths) >= _MAX_LENGTH_CACHE:
                self._lengths.clear()
            self._lengths[key] = table
        return table


def segment_postings(reader: Any) -> _Segment:
    """Postings of one segment read a block at a time (``values_for``, ``weights_for``), for
    callers outside a query's evaluation (the snippets of hits Whoosh found)."""
    return _Segment(None, reader, {})


def _read_lengths(reader: Any, field: str) -> list[int]:
    count = reader.doc_count_all()
    perdoc = reader._perdoc
    lenfield = _lenfield(field)
    if not perdoc.has_column(lenfield):
        return [1] * count
    column = perdoc._cached_reader(lenfield, LENGTHS_COLUMN)
    try:  # one byte per document: read them in one go
        raw = column._dbfile.get(column._basepos, column._count)
    except AttributeError:
        raw = bytes(column[d] for d in range(count))
    table = [byte_to_length(b) or 1 for b in raw]
    if len(table) < count:  # documents after the last one with this field
        table.extend([1] * (count - len(table)))
    return table


# -- the plan: a tree of nodes with docs() (which documents) and scores() (how well) ------------

class _Node:
    def docs(self, seg: _Segment) -> set[int]:
        raise NotImplementedError

    def scores(self, seg: _Segment, docs: Iterable[int]) -> dict[int, float]:
        raise NotImplementedError


class _Term(_Node):
    def __init__(self, field: str, term: bytes, text: str, boost: float, B: float, K1: float):
        self.field, self.term, self.text, self.boost, self.B, self.K1 = field, term, text, boost, B, K1

    def docs(self, seg: _Segment) -> set[int]:
        return set(seg.postings(self.field, self.term))

    def scores(self, seg: _Segment, docs: Iterable[int]) -> dict[int, float]:
        docs = docs if isinstance(docs, (set, frozenset)) else set(docs)
        post = seg.weights_for(self.field, self.term, docs)
        if not post:
            return {}
        top = seg.searcher
        # bm25(idf, tf, fl, avgfl, B, K1) = idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * fl / avgfl))
        idf = top.idf(self.field, self.term)
        avgfl = top.avg_field_length(self.field) or 1
        c1 = self.boost * idf * (self.K1 + 1)
        c2 = self.K1 * (1 - self.B)
        c3 = self.K1 * self.B / avgfl
        fl = seg.lengths(self.field)
        # The shorter side is walked: an Or of many terms asks each about all its documents.
        if len(post) < len(docs):
            pairs_ = [(d, w) for d, w in post.items() if d in docs]
        else:
            get = post.get
            pairs_ = [(d, w) for d in docs if (w := get(d)) is not None]
        return {d: c1 * w / (w + c2 + c3 * fl[d]) for d, w in pairs_}


class _Or(_Node):
    def __init__(self, children: list[_Node], boost: float):
        self.children, self.boost = children, boost

    def docs(self, seg: _Segment) -> set[int]:
        out: set[int] = set()
        for child in self.children:
            out |= seg.matched(child)
        return out

    def scores(self, seg: _Segment, docs: Iterable[int]) -> dict[int, float]:
        docs = docs if isinstance(docs, (set, frozenset)) else set(docs)
        total: dict[int, float] = {}
        for child in self.children:
            for d, s in child.scores(seg, docs).items():
                total[d] = total.get(d, 0.0) + s
        if self.boost != 1.0:
            total = {d: s * self.boost for d, s in total.items()}
        return total


class _And(_Node):
    def __init__(self, children: list[_Node], boost: float):
        self.children, self.boost = children, boost

    def docs(self, seg: _Segment) -> set[int]:
        sets = sorted((seg.matched(child) for child in self.children), key=len)
        out = sets[0]
        for other in sets[1:]:
            if not out:
                break
            out = out & other
        return out

    def scores(self, seg: _Segment, docs: Iterable[int]) -> dict[int, float]:
        # An Or above may ask about documents that lack one of the words: those get no score.
        return _summed(seg, set(docs) & seg.matched(self), self.children, self.boost)


class _Phrase(_Node):
    """Words next to each other, in order (Whoosh's Phrase with slop 1): the documents that
    have every word, then their positions; scored as the sum of the words' scores."""

    def __init__(self, words: list[_Term], boost: float, decode: Any, linked: bool = False,
                 versions: pairs.Versions | None = None):
        self.words, self.boost, self.decode, self.linked = words, boost, decode, linked
        self.field = words[0].field
        self.pair: tuple[bytes, list[bytes]] | None = None
        self.other_markers: list[bytes] = []  # of the versions without the pair
        if versions is not None and versions.words and words[0].field == "text":
            # The adjacent pair indexed in the most versions (usually all or none).
            best: list[int] = []
            for a, b in zip(words, words[1:]):
                covering = versions.covering(a.text, b.text)
                if len(covering) > len(best):
                    best = covering
                    term = pairs.pair(a.text, b.text).encode("utf-8")
            if best:
                self.pair = (term, [pairs.marker(v).encode("utf-8") for v in best])
                self.other_markers = [pairs.marker(v).encode("utf-8") for v in versions.words if v not in best]

    def docs(self, seg: _Segment) -> set[int]:
        if not all(seg.doc_frequency(w.field, w.term) for w in self.words):
            return set()
        if self.pair is not None:
            return self._by_pair(seg)
        return self._verify(seg)

    def _verify(self, seg: _Segment, among: set[int] | None = None, besides: set[int] | None = None) -> set[int]:
        """The documents (of ``among``, none of ``besides``) with the words next to each other.

        Only the rarest word's postings are read whole. Its neighbour bytes (links.py) leave
        few candidates, so the other words, however common, are read only in the blocks
        that hold one of those."""
        words = self.words
        order = sorted(range(len(words)), key=lambda i: seg.doc_frequency(words[i].field, words[i].term))
        rarest = words[order[0]]
        candidates = set(seg.postings(rarest.field, rarest.term))
        if among is not None:
            candidates &= among
        if besides:
            candidates -= besides
        if self.linked and candidates:
            candidates = self._by_neighbours(seg, order[0], candidates)
        for i in order[1:]:
            if not candidates:
                return candidates
            w = words[i]
            seg.some(w.field, w.term, candidates, values=True)  # the positions come next
            candidates = set(seg.weights_for(w.field, w.term, candidates))
        return self._by_position(seg, candidates)

    def _by_pair(self, seg: _Segment) -> set[int]:
        """Articles indexed with the pair have it or do not; the rest are verified."""
        term, markers = self.pair  # type: ignore[misc]
        count = seg.reader.doc_count_all()
        found = set(seg.postings(pairs.FIELD, term))
        if len(self.words) > 2 and found:
            found = self._verify(seg, found)  # one pair of a longer phrase: a first sieve
        # Only an article indexed with a version that has the pair can have it, so the pair's
        # articles are all found; the others are verified by their words.
        with_pair = sum(seg.doc_frequency(pairs.FIELD, m) for m in markers)
        if with_pair == count:
            return found
        others = sum(seg.doc_frequency(pairs.FIELD, m) for m in self.other_markers)
        if with_pair + others == count:  # every article has a version: those of the others
            without: set[int] = set()
            for m in self.other_markers:
                without |= set(seg.postings(pairs.FIELD, m))
            return found | self._verify(seg, among=without)
        having: set[int] = set()  # some articles predate every version: all but the pair's
        for m in markers:
            having |= set(seg.postings(pairs.FIELD, m))
        return found | self._verify(seg, besides=having)

    def _by_neighbours(self, seg: _Segment, r: int, candidates: set[int]) -> set[int]:
        """The candidates where word ``r`` has the phrase's neighbours (see links.py)."""
        words = self.words
        before = neighbour_hash(words[r - 1].text) if r > 0 else None
        after = neighbour_hash(words[r + 1].text) if r + 1 < len(words) else None
        values = seg.values_for(words[r].field, words[r].term, candidates)
        out = set()
        for d, value in values.items():
            tail = links_of(value)  # previous, next, previous, next... one pair an occurrence
            if after is None:
                ok = before in tail[0::2]
            elif before is None:
                ok = after in tail[1::2]
            else:
                ok = any(p == before and n == after for p, n in zip(tail[0::2], tail[1::2]))
            if ok:
                out.add(d)
        return out

    def _by_position(self, seg: _Segment, candidates: set[int]) -> set[int]:
        if not candidates:
            return candidates
        values = [seg.values_for(w.field, w.term, candidates) for w in self.words]
        decode = self.decode
        out = set()
        for d in candidates:
            starts = {p for p in decode(values[0][d])}
            for i, vals in enumerate(values[1:], 1):
                starts &= {p - i for p in decode(vals[d])}
                if not starts:
                    break
            if starts:
                out.add(d)
        return out

    def scores(self, seg: _Segment, docs: Iterable[int]) -> dict[int, float]:
        # Only where the words stand next to each other; scored as Whoosh does, by the words.
        return _summed(seg, set(docs) & seg.matched(self), self.words, self.boost)


def _summed(seg: _Segment, docs: set[int], parts: list[Any], boost: float) -> dict[int, float]:
    """Each of ``docs`` scored as the sum of ``parts``' scores (all of which match it), boosted."""
    total = dict.fromkeys(docs, 0.0)
    for part in parts:
        for d, s in part.scores(seg, docs).items():
            total[d] += s
    if boost != 1.0:
        total = {d: s * boost for d, s in total.items()}
    return total


def _positions_decoder(fmt: Any) -> Any:
    """A fast position decoder for the field's format (Whoosh's, minus a Python call a value)."""
    from whoosh import formats

    if type(fmt) in (formats.Characters, LinkedCharacters):
        return lambda v: accumulate(code[0] for code in loads(v[_INT_SIZE:] + b"."))
    if type(fmt) is formats.Positions:
        return lambda v: accumulate(loads(v[_INT_SIZE:] + b"."))
    return None


def _plan(q: wq.Query, schema: Any, weighting: scoring.BM25F, versions: pairs.Versions | None = None) -> _Node:
    kind = type(q)
    if kind is wq.Term:
        return _term(q.fieldname, q.text, q.boost, schema, weighting)
    if isinstance(q, wq.Or) and kind.__name__ in ("Or", "ExpandedOr"):
        if q.minmatch or q.scale is not None or not q.subqueries:
            raise Unsupported
        return _Or([_plan(c, schema, weighting, versions) for c in q.subqueries], q.boost)
    if kind is wq.And:
        if not q.subqueries:
            raise Unsupported
        return _And([_plan(c, schema, weighting, versions) for c in q.subqueries], q.boost)
    if kind is wq.Phrase:
        if q.slop != 1 or len(q.words) < 2 or q.fieldname not in schema:
            raise Unsupported
        decode = _positions_decoder(schema[q.fieldname].format)
        if decode is None:
            raise Unsupported
        words = [_term(q.fieldname, w, 1.0, schema, weighting) for w in q.words]
        return _Phrase(words, q.boost, decode, isinstance(schema[q.fieldname].format, LinkedCharacters),
                       versions if pairs.FIELD in schema else None)
    raise Unsupported


def _term(field: str, text: Any, boost: float, schema: Any, weighting: scoring.BM25F) -> _Term:
    if field not in schema or not schema[field].scorable:
        raise Unsupported
    try:
        term = schema[field].to_bytes(text)
    except ValueError as exc:
        raise Unsupported from exc
    text = term.decode("utf-8") if isinstance(text, bytes) else text
    B = weighting._field_B.get(field, weighting.B)
    return _Term(field, term, text, boost, B, weighting.K1)
