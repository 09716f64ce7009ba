"""What the index holds: the Whoosh schema and how an article becomes an index document."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from whoosh import fields as wf
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemmingAnalyzer

from reader.core.storage import IndexRecord

# Bump when the schema or the analysis changes: an index of another version is rebuilt.
SCHEMA_VERSION = 1


def make_schema() -> wf.Schema:
    stem = StemmingAnalyzer()                     # unicode \w words, lowercased, English stems
    words = RegexTokenizer(r"\w+") | LowercaseFilter()  # names, sites, URLs, tags: split at dots too
    return wf.Schema(
        id=wf.ID(stored=True, unique=True),
        title=wf.TEXT(analyzer=stem),
        author=wf.TEXT(analyzer=words),
        site=wf.TEXT(analyzer=words),
        url=wf.TEXT(analyzer=words),
        # Character offsets in the postings make snippets without re-reading the body;
        # the body itself stays in SQLite.
        text=wf.TEXT(analyzer=stem, chars=True),
        highlight=wf.TEXT(analyzer=stem),
        note=wf.TEXT(analyzer=stem),
        tag=wf.TEXT(analyzer=words),
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
    doc: dict[str, Any] = {"id": str(rec.id), "text": rec.text or ""}
    for name, value in (("title", rec.title), ("author", rec.author), ("site", rec.site), ("url", rec.url)):
        if value:
            doc[name] = value
    if rec.highlights:
        doc["highlight"] = "\n".join(rec.highlights)
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


