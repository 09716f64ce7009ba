"""The Whoosh index over the whole archive, one module per job:

- ``index``: ``SearchIndex``, made of the three parts below;
- ``status``: how far behind the index is, read without opening it;
- ``schema``: what the index holds and how an article becomes a document;
- ``lifecycle``: opening, damage and repair, other processes' commits, the searcher's life;
- ``writer``: catching up with SQLite, bulk writes, rebuilds, background merges;
- ``background``: the detached indexer process a big import hands its indexing to;
- ``searcher``: running queries, results, fuzzy vocabulary, "did you mean";
- ``evaluate``: term-at-a-time evaluation of the query shapes people type;
- ``query``: the query language and its rewriting for speed;
- ``fuzzy``: which indexed stems a misspelt ``word~`` stands for;
- ``codec``: Whoosh's postings format with positions apart from doc numbers;
- ``snippets``: results and the passage shown for each.

SQLite is the truth; this index is derived data that follows it through the change
counter (``article_changes``, see ``storage/changes.py``). The index records the last sequence number it has
seen in ``reader-index.json`` beside its segments, written only after a commit, so a
crash at any point leaves the index behind (caught up at the next start), never ahead.

Speed choices (measured, see shared/notes/search-speed.md and benchmarks/search_bench.py):
the article body is indexed with character offsets and not stored; snippets come from
the postings of the matched terms for the few hits shown, with bodies read from SQLite in
one query; one searcher and one parser live as long as the index; small updates commit a
new small segment without merging and a background thread merges the small segments.
Queries are evaluated a term at a time with set operations (Whoosh's own scores), reading
posting blocks whose positions are unpacked only for phrases and snippets.
"""

from __future__ import annotations

import importlib
from typing import Any

# Names importable from here, and the module each lives in. Loaded on first use, so that
# ``reader.core.search.status`` (asked after every import) does not load Whoosh.
_EXPORTS = {
    "SearchIndex": "index",
    "SearchResult": "snippets",
    "SearchResults": "snippets",
    "make_snippet": "snippets",
    "make_schema": "schema",
    "record_to_doc": "schema",
    "SCHEMA_VERSION": "status",
    "META_FILE": "status",
    "IndexStatus": "status",
    "LOCK_FILE": "lifecycle",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'reader.core.search' has no attribute {name!r}")
    return getattr(importlib.import_module(f"reader.core.search.{module}"), name)


__all__ = sorted(_EXPORTS)
