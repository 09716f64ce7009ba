"""Searching: parse, rewrite for speed, run, and turn hits into results with snippets;
the fuzzy vocabulary and "did you mean"."""

from __future__ import annotations

import logging
import threading
from bisect import bisect_right
from typing import Any

from whoosh import query as wq
from whoosh.analysis import Token

from reader.core.errors import InvalidSearchQueryError, SearchError
from reader.core.search import pairs
from reader.core.search import query as sq
from reader.core.search.evaluate import DocFilter, evaluate, segment_postings
from reader.core.search.lifecycle import IndexLifecycle
from reader.core.search.snippets import (
    SearchResult,
    SearchResults,
    highlight_snippet,
    make_snippet,
    note_snippet,
)
from reader.core.search.vocabulary import MergedBuckets, SegmentVocab, read_segment_vocab

log = logging.getLogger(__name__)

WARM_DELAY_SECONDS = 1.0        # after the first search, build the fuzzy vocabulary in the background
MATCH_FIELDS = ("title", "author", "site", "text", "highlight", "note", "tag", "url")
# Terms of these fields carry character offsets into the article, which place the snippet.
SNIPPET_FIELDS = ("text", "highlight")
# What the user wrote on a highlight: a match only here points at that highlight.
HIGHLIGHT_FIELDS = frozenset({"highlight", "note", "tag"})
_MATCH_FIELD_SET = frozenset(MATCH_FIELDS)


class IndexSearching(IndexLifecycle):
    """Queries, results and suggestions (mixed into SearchIndex)."""

    # -- searching -------------------------------------------------------------------------
    def search(self, query: str, limit: int = 20) -> SearchResults:
        """Ranked results for ``query`` in Whoosh's query language (see search_query)."""
        text = sq.clean_query_text(query)
        if not text:
            raise InvalidSearchQueryError("The search query is empty.")
        limit = max(1, int(limit))
        self._warm_vocab_later()
        try:
            return self._search(text, limit, suggest=True)
        except InvalidSearchQueryError:
            raise
        except Exception as exc:  # Whoosh and the OS report a damaged index in many ways
            if not self._damaged():
                raise SearchError(f"The search for '{sq.shown(text)}' failed: {exc}.") from exc
        # The index broke under us (a truncated file): rebuild it from SQLite, then answer.
        with self._write_lock:
            self._reset("corrupt")
            self._catch_up_locked(None, None)
        return self._search(text, limit, suggest=True)

    def _damaged(self) -> bool:
        try:
            with self._read_lock:
                self._verify(self._searcher)
            return False
        except Exception:
            return True

    def _search(self, text: str, limit: int, suggest: bool) -> SearchResults:
        self._refresh_if_newer()
        with self._read_lock:
            searcher = self._searcher
            q = sq.parse(self._parsers, text)
            q, date_queries = sq.split_date_filters(q)
            if not date_queries and not sq.has_words(q):
                raise InvalidSearchQueryError(f"The search query '{sq.shown(text)}' has no words to search for.")
            sq.check_expansions(q, text)
            reader = searcher.reader()
            typed = sq.typed_fuzzy_words(text, self._analyze) if "~" in text else None
            q = sq.QueryRewriter(reader, self._merged_vocab, self._analyze, typed).rewrite(q)
            q = sq.use_tree_unions(q.normalize())
            docfilter = self._date_filter(searcher, date_queries) if date_queries else None
            if docfilter is not None and not docfilter:
                return SearchResults([], total=0)
            hits = self._run_fast(searcher, q, limit, docfilter)
            results = self._results(searcher, q, hits)
            if not results and suggest and not date_queries:
                results.suggestion = self._suggest(searcher, text, q, limit)
            return results

    def _run_fast(self, searcher: Any, q: wq.Query, limit: int,
                  docfilter: DocFilter | None) -> tuple[list[tuple[int, float]], int]:
        """The query's shapes people type are evaluated term at a time (see evaluate);
        the rest by Whoosh's matchers."""
        self._segments_read = {}  # never another query's (its readers may be closed since)
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return [], 0
        if self.term_at_a_time:
            done = evaluate(searcher, q, limit, docfilter, self._lengths, self._pair_versions(), self._segments_read)
            if done is not None:
                return done
        return self._run(searcher, q, limit, set(docfilter.docs) if docfilter is not None else None)

    def _pair_versions(self) -> pairs.Versions:
        """The index's choices of common words (pairs.py), read again when the file changes."""
        path = self.dir / pairs.VERSIONS_FILE
        try:
            st = path.stat()
            stamp: tuple[int, int] | None = (st.st_mtime_ns, st.st_size)
        except OSError:
            stamp = None
        if self._pairs_read is None or self._pairs_read[0] != stamp:
            self._pairs_read = (stamp, pairs.load(self.dir))
        return self._pairs_read[1]

    @staticmethod
    def _run(searcher: Any, q: wq.Query, limit: int, docfilter: Any) -> tuple[list[tuple[int, float]], int]:
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return [], 0
        r = searcher.search(q, limit=limit, filter=docfilter)
        hits = [(docnum, score or 0.0) for score, docnum in r.top_n]
        # Counting every match of a common word costs as much as the search: estimate it then.
        total = r.scored_length() if r.scored_length() < limit else max(r.estimated_length(), limit)
        return hits, total

    def _date_filter(self, searcher: Any, date_queries: list[wq.Query]) -> DocFilter:
        """Doc numbers passing every date condition, cached until the index changes.

        Ranges are widened to whole days first ("now" moves every second, a day does not),
        so a range typed again, or the same range with other words, is a cache hit."""
        days = [_whole_days(dq) for dq in date_queries]
        key = (id(searcher), tuple(repr(dq) for dq in days))
        found = self._filters.get(key)
        if found is None:
            result: frozenset[int] | None = None
            for dq in days:
                docs = frozenset(searcher.docs_for_query(dq))
                result = docs if result is None else result & docs
            found = DocFilter(result or ())
            if len(self._filters) > 64:
                self._filters.clear()
            self._filters[key] = found
        return found

    def _analyze(self, field_name: str, word: str) -> str | None:
        if field_name not in self.schema:
            return None
        for tok in self.schema[field_name].analyzer(word, mode="query", removestops=False):
            return tok.text
        return None

    def _fuzzy_vocab(self, reader: Any, field_name: str) -> list[SegmentVocab]:
        """Each segment's terms of ``field_name`` by first letter, built once per segment."""
        out = []
        for sub, _offset in reader.leaf_readers():
            segment = getattr(sub, "segment", lambda: None)()
            if segment is None:  # the empty index's reader: no terms
                continue
            key = (segment.segment_id(), field_name)
            buckets = self._vocab.get(key)
            if buckets is None:
                buckets = self._vocab[key] = self._segment_vocab(sub, segment.segment_id(), field_name)
            out.append(buckets)
        return out

    def _merged_vocab(self, reader: Any, field_name: str) -> list[MergedBuckets]:
        """All segments' terms of ``field_name`` as one vocabulary (a misspelling is then
        compared with each word once, not once per segment that has it)."""
        known = self._merged.get((field_name, id(reader)))
        if known is not None and known[0] is reader:  # the same reader: the same segments
            return [known[1]]
        parts = self._fuzzy_vocab(reader, field_name)
        segments = tuple(sub.segment().segment_id() for sub, _ in reader.leaf_readers()
                         if getattr(sub, "segment", lambda: None)() is not None)
        key = (field_name, segments)
        merged = self._merged.get(key)
        if merged is None:
            if len(self._merged) > 32:
                self._merged.clear()
            merged = self._merged[key] = MergedBuckets(parts)
        self._merged[(field_name, id(reader))] = (reader, merged)
        return [merged]

    def _segment_vocab(self, reader: Any, segment_id: str, field_name: str) -> SegmentVocab:
        return read_segment_vocab(self.dir, reader, segment_id, field_name)

    def warm_vocabulary(self) -> None:
        """Write every segment's word list now (the background indexer does, after its work)."""
        with self._read_lock:
            self._fuzzy_vocab(self._searcher.reader(), "text")

    def _warm_vocab_later(self) -> None:
        """Build the body's vocabulary (fuzzy words, did-you-mean) in the background once the
        index is in use, so the first misspelt query does not pay ~0.5 s for it."""
        if self._warm_thread is not None or self._closed:
            return
        self._warm_thread = threading.Thread(target=self._warm_vocab, name="search-vocab", daemon=True)
        self._warm_thread.start()

    def _warm_vocab(self) -> None:
        from whoosh.reading import SegmentReader

        if self._closing.wait(WARM_DELAY_SECONDS):
            return
        try:
            for segment in self._ix._segments():
                key = (segment.segment_id(), "text")
                if self._closed or key in self._vocab or segment.doc_count_all() < 1:
                    continue
                # Its own reader: the searcher's may be closed by a refresh meanwhile.
                reader = SegmentReader(self._ix.storage, self.schema, segment)
                try:
                    self._vocab.setdefault(key, self._segment_vocab(reader, segment.segment_id(), "text"))
                finally:
                    reader.close()
        except Exception:  # a segment merged away meanwhile: it is built on first use instead
            log.debug("warming the search vocabulary stopped", exc_info=True)

    # -- results and snippets --------------------------------------------------------------
    def _results(self, searcher: Any, q: wq.Query, run: tuple[list[tuple[int, float]], int]) -> SearchResults:
        hits, total = run
        if not hits:
            return SearchResults([], total=0)
        reader = searcher.reader()
        ids = {docnum: int(searcher.stored_fields(docnum)["id"]) for docnum, _ in hits}
        rows = self.storage.live_titles_and_texts(list(ids.values()))
        docnums = sorted(d for d in ids if ids[d] in rows)
        matched, spans = self._matches(reader, q, docnums)
        # A hit found only in what the user wrote on a highlight points at that highlight.
        in_highlights = [ids[d] for d in docnums if matched[d] & HIGHLIGHT_FIELDS and "text" not in matched[d]]
        highlights = self.storage.highlights_for_results(in_highlights) if in_highlights else {}
        terms = _terms_by_field(q) if highlights else {}
        out = []
        for docnum, score in hits:
            aid = ids[docnum]
            if aid not in rows:  # deleted in SQLite, not yet in the index
                total -= 1
                continue
            title, body = rows[aid]
            fields_hit = [f for f in MATCH_FIELDS if f in matched.get(docnum, ())]
            tokens = spans.get(docnum, [])
            found = self._which_highlight(highlights.get(aid, []), fields_hit, tokens, terms)
            if found is None:
                snippet, plain, marks, start, end = make_snippet(body, tokens)
                out.append(SearchResult(aid, title, float(score), snippet, plain, marks, start, end, fields_hit))
                continue
            hl, note_spans = found
            snippet, plain, marks, start, end = highlight_snippet(body, hl["start"], hl["end"], tokens)
            note_html = note_snippet(hl["note"], note_spans) if note_spans else None
            out.append(SearchResult(aid, title, float(score), snippet, plain, marks, start, end, fields_hit,
                                    highlight_id=hl["id"], note_snippet=note_html))
        return SearchResults(out, total=max(total, len(out)))

    def _which_highlight(
        self, highlights: list[dict[str, Any]], fields_hit: list[str], tokens: list[Token],
        terms: dict[str, set[str]],
    ) -> tuple[dict[str, Any], list[tuple[int, int]]] | None:
        """The highlight a match lies in (its quote, then its note, then its tags), with the
        note's matched words; None when the match is not a highlight's."""
        if not highlights:
            return None
        if "highlight" in fields_hit:
            for tok in tokens:
                for hl in highlights:
                    if hl["start"] <= tok.startchar < hl["end"]:
                        return hl, self._note_spans(hl["note"], terms.get("note", set()))
        if "note" in fields_hit:
            for hl in highlights:
                note_spans = self._note_spans(hl["note"], terms.get("note", set()))
                if note_spans:
                    return hl, note_spans
        if "tag" in fields_hit:
            wanted = terms.get("tag", set())
            for hl in highlights:
                words = {tok.text for tag in hl["tags"] for tok in self.schema["tag"].analyzer(tag)}
                if words & wanted:
                    return hl, []
        return None

    def _note_spans(self, note: str, wanted: set[str]) -> list[tuple[int, int]]:
        if not note or not wanted:
            return []
        analyzer = self.schema["note"].analyzer
        return [(t.startchar, t.endchar) for t in analyzer(note, chars=True) if t.text in wanted]

    def _matches(
        self, reader: Any, q: wq.Query, docnums: list[int]
    ) -> tuple[dict[int, set[str]], dict[int, list[Token]]]:
        """Which fields each hit matched in, and the matched tokens in its body (from the postings)."""
        matched: dict[int, set[str]] = {d: set() for d in docnums}
        spans: dict[int, list[Token]] = {d: [] for d in docnums}
        if not docnums:
            return matched, spans
        # The query's own reading of each segment: what it read is not read again.
        segments = self._segments_read
        self._segments_read = {}
        # Each hit in its own segment: only those segments' postings are read.
        leaves = reader.leaf_readers()
        offsets = [offset for _, offset in leaves]
        by_leaf: dict[int, dict[int, int]] = {}
        for d in docnums:
            leaf = bisect_right(offsets, d) - 1
            by_leaf.setdefault(leaf, {})[d - offsets[leaf]] = d
        postings = {}
        for leaf in by_leaf:
            sub = leaves[leaf][0]
            seg = segments.get(sub.segment().segment_id())
            postings[leaf] = seg if seg is not None and seg.reader is sub else segment_postings(sub)
        # Where each hit matched: as the query's evaluation found it (a phrase only where its
        # words stand together), else wherever one of its words is.
        evaluated = {leaf for leaf, seg in postings.items() if seg.field_matches}
        for leaf in evaluated:
            for local, d in by_leaf[leaf].items():
                matched[d] |= postings[leaf].fields_of(local) & _MATCH_FIELD_SET
        seen: set[tuple[str, Any]] = set()
        for fname, term in q.iter_all_terms():
            if fname not in MATCH_FIELDS or not isinstance(term, str) or (fname, term) in seen:
                continue
            seen.add((fname, term))
            tbytes = term.encode("utf-8")
            # Body and highlight postings carry character offsets into the article: the
            # snippet marks the words where they matched (a highlight's, not the same word elsewhere).
            decode = self.schema[fname].format.decode_characters if fname in SNIPPET_FIELDS else None
            for leaf, hits in by_leaf.items():
                seg = postings[leaf]
                if decode is None:
                    if leaf not in evaluated:
                        for local in seg.weights_for(fname, tbytes, hits.keys()):
                            if local in hits:
                                matched[hits[local]].add(fname)
                    continue
                for local, value in seg.values_for(fname, tbytes, hits.keys()).items():
                    d = hits[local]
                    if leaf not in evaluated:
                        matched[d].add(fname)
                    spans[d].extend(Token(text=term, startchar=s, endchar=e, boost=1.0, matched=True)
                                    for _pos, s, e in decode(value))
        return matched, spans

    # -- did you mean ------------------------------------------------------------------------
    def _suggest(self, searcher: Any, text: str, q: wq.Query, limit: int) -> str | None:
        """A close spelling of the query's unknown words that finds something, or None."""
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        reader = searcher.reader()
        words = list(sq._WORDS.finditer(text))
        if not words or len(words) > 8:
            return None
        replacements: dict[int, str] = {}  # word index -> replacement stem
        for i, m in enumerate(words):
            word = m.group(0)
            if word in ("AND", "OR", "NOT", "TO") or text[m.end():m.end() + 1] == ":":
                continue
            stem = self._analyze("text", word)
            if not stem or any((f, stem.encode("utf-8")) in reader for f in ("text", "title")):
                continue
            best: tuple[int, int, str] | None = None
            for buckets in self._merged_vocab(reader, "text"):
                for cand, dist, _ in process.extract(
                    stem, buckets.get(stem[0], []), scorer=OSA.distance, score_cutoff=2, limit=10
                ):
                    freq = reader.doc_frequency("text", cand)
                    key = (dist, -freq, cand)
                    if best is None or key < best:
                        best = key
            if best is not None:
                replacements[i] = best[2]
        if not replacements:
            return None
        corrected = []
        for i, m in enumerate(words):
            corrected.append(replacements.get(i, m.group(0)))
        corrected_text = " ".join(corrected)
        try:
            cq = sq.use_tree_unions(self._parsers.plain.parse(corrected_text).normalize())
            hits, _ = self._run(searcher, cq, 1, None)
        except Exception:
            return None
        if not hits:
            return None
        # Show the words as they are written in a matching article, not as stems.
        docnum = hits[0][0]
        aid = int(searcher.stored_fields(docnum)["id"])
        body = self.storage.texts([aid]).get(aid, "")
        _, spans = self._matches(reader, cq, [docnum])
        surface = {tok.text: body[tok.startchar:tok.endchar].lower() for tok in spans.get(docnum, [])}
        out, pos = [], 0
        for i, m in enumerate(words):
            if i in replacements:
                stem = self._analyze("text", replacements[i]) or replacements[i]
                out.append(text[pos:m.start()])
                out.append(surface.get(stem, replacements[i]))
                pos = m.end()
        out.append(text[pos:])
        suggestion = "".join(out)
        return suggestion if suggestion != text else None



def _terms_by_field(q: wq.Query) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for fname, term in q.iter_all_terms():
        if isinstance(term, bytes):
            term = term.decode("utf-8", "replace")
        if isinstance(term, str):
            out.setdefault(fname, set()).add(term)
    return out


def _whole_days(q: wq.Query) -> wq.Query:
    if isinstance(q, wq.DateRange):
        start = q.startdate.replace(hour=0, minute=0, second=0, microsecond=0) if q.startdate else None
        end = q.enddate.replace(hour=23, minute=59, second=59, microsecond=999999) if q.enddate else None
        return wq.DateRange(q.fieldname, start, end, q.startexcl, q.endexcl, boost=q.boost)
    if q.is_leaf():
        return q
    return q.apply(_whole_days)


