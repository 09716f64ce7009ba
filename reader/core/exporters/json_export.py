"""Reader's own JSON export: everything Reader knows, and the restore that reads it back.

The file is ``{"format": "reader-library", "version": 1, "articles": [...]}``; each article
carries its metadata, reading state and position, tags, its ``Document`` (blocks and
spans, so the text and every offset come back exactly), its highlights (selectors,
colour, note, tags, times) and its notes. Ids are kept, so ``reader://article/ID`` links
in a Markdown export still point to the right article after a restore.

Export then restore into an empty library then export again gives the same file.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.core.document import Document
from reader.core.errors import ImportFailed, InvalidInput, ReaderError
from reader.core.exporters import Cancel, Progress, each_article
from reader.core.models import READING_STATES, Article
from reader.core.storage import ConstraintError

if TYPE_CHECKING:
    from reader.core.library import Library

FORMAT_NAME = "reader-library"
FORMAT_VERSION = 1
MAX_RESTORE_BYTES = 4 * 1024**3


def _article_record(article: Article, source_key: str | None, reviews: dict[int, Any] | None = None) -> dict[str, Any]:
    reviews = reviews or {}
    return {
        "id": article.id,
        "title": article.title,
        "author": article.author,
        "site": article.site,
        "url": article.url,
        "source_path": article.source_path,
        "source_key": source_key,
        "format": article.format,
        "published": article.published,
        "added": article.added,
        "updated": article.updated,
        "reading_state": article.reading_state,
        "reading_position": article.reading_position,
        "tags": list(article.tags),
        "document": json.loads(article.document.to_json()),
        "highlights": [
            {
                "id": h.id,
                "start": h.start,
                "end": h.end,
                "exact": h.exact,
                "prefix": h.prefix,
                "suffix": h.suffix,
                "color": h.color,
                "note": h.note,
                "tags": list(h.tags),
                "created": h.created,
                "updated": h.updated,
                # Daily review state (reader/core/review.py); null while never rated nor discarded.
                "review": reviews[h.id].to_json() if h.id in reviews else None,
            }
            for h in sorted(article.highlights, key=lambda h: h.id)
        ],
        "notes": [
            {"id": n.id, "body": n.body, "created": n.created, "updated": n.updated}
            for n in sorted(article.notes, key=lambda n: n.id)
        ],
        **_pdf_member(article),
    }


def _pdf_member(article: Article) -> dict[str, Any]:
    """A PDF goes with its file, so a restore brings the pages back (reader.core.pdf_store)."""
    if article.pdf is None:
        return {}
    from reader.core import pdf_store

    return {"pdf": pdf_store.export_record(article.pdf)}


def library_records(
    library: Library,
    article_ids: list[int] | None = None,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> dict[str, Any]:
    """The export as a Python object (``article_ids`` None: every article)."""
    articles = []
    for article in each_article(library, article_ids, progress=progress, cancel=cancel):
        reviews = library.reviews.states([h.id for h in article.highlights])
        articles.append(_article_record(article, library.source_key(article.id), reviews))
    return {"format": FORMAT_NAME, "version": FORMAT_VERSION, "articles": articles}


def export_json(
    library: Library,
    article_ids: list[int] | None = None,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> str:
    records = library_records(library, article_ids, progress=progress, cancel=cancel)
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


# -- restore -------------------------------------------------------------------------------
@dataclass(frozen=True)
class RestoreResult:
    articles: int
    highlights: int
    notes: int


def load_export(path: Path | str) -> dict[str, Any]:
    """Read and check a Reader JSON export; one clear sentence when it is not one."""
    from reader.core.importers import read_file_checked

    shown = f"'{os.fspath(path)}'"
    data = read_file_checked(Path(path), limit=MAX_RESTORE_BYTES)
    return parse_export(data, shown)


def parse_export(data: bytes | str, shown: str) -> dict[str, Any]:
    if not data.strip():
        raise ImportFailed(f"{shown} is empty.")
    try:
        obj = json.loads(data)
    except UnicodeDecodeError:
        raise ImportFailed(f"{shown} is not a Reader library export: it is not UTF-8 text.") from None
    except json.JSONDecodeError as exc:
        raise ImportFailed(f"{shown} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).") from None
    if not isinstance(obj, dict) or obj.get("format") != FORMAT_NAME:
        raise ImportFailed(f"{shown} is not a Reader library export (made by 'reader export --format json').")
    version = obj.get("version")
    if version != FORMAT_VERSION:
        if isinstance(version, int) and version > FORMAT_VERSION:
            raise ImportFailed(
                f"{shown} was written by a newer Reader (export version {version}); this one reads version {FORMAT_VERSION}."
            )
        raise ImportFailed(f"{shown} has an unknown export version ({version!r}); this Reader reads version {FORMAT_VERSION}.")
    if not isinstance(obj.get("articles"), list):
        raise ImportFailed(f"{shown} is not a valid Reader library export: it has no list of articles.")
    return obj


def restore_library(library: Library, path: Path | str) -> RestoreResult:
    """Restore an export into an EMPTY library, keeping ids; all of it or nothing."""
    return restore_records(library, load_export(path), f"'{os.fspath(path)}'")


def restore_records(library: Library, records: dict[str, Any], shown: str = "The export") -> RestoreResult:
    from reader.core.importers import ImportedArticle
    from reader.core.library import content_hash

    n_highlights = n_notes = 0
    ids: list[int] = []
    where = "the start"
    try:
        with library.batch() as batch:
            existing = batch.count_articles(with_deleted=True)
            if existing:
                raise ImportFailed(
                    f"The library at '{library.home}' already holds {existing} article(s); a library export is"
                    " restored only into an empty library (point READER_HOME at a new folder)."
                )
            for index, a in enumerate(records["articles"]):
                where = f"article {a.get('id', f'#{index + 1}') if isinstance(a, dict) else f'#{index + 1}'}"
                document = Document.from_json(a["document"])
                text = document.text
                title = str(a["title"])
                state = a.get("reading_state") or "unread"
                if state not in READING_STATES:
                    raise ValueError(f"unknown reading state {state!r}")
                digest = content_hash(ImportedArticle(title=title, document=document, format=a["format"]))
                article_id = batch.restore_article(
                    {
                        "id": int(a["id"]), "title": title, "author": a.get("author"), "site": a.get("site"),
                        "url": a.get("url"), "source_path": a.get("source_path"), "source_key": a.get("source_key"),
                        "format": str(a["format"]), "published": a.get("published"), "added": str(a["added"]),
                        "updated": str(a.get("updated") or a["added"]),
                        "reading_position": max(0, min(int(a.get("reading_position") or 0), len(text))),
                        "reading_state": state, "content_hash": digest, "document": document.to_json(),
                        "text": text, "word_count": len(text.split()),
                    },
                    a.get("tags") or (),
                )
                ids.append(article_id)
                for h in a.get("highlights") or ():
                    where = f"highlight {h.get('id')} of article {article_id}"
                    start, end = h.get("start"), h.get("end")
                    if (start is None) != (end is None):
                        raise ValueError("a highlight needs both start and end, or neither")
                    if start is not None and not (0 <= int(start) < int(end) <= len(text)):
                        raise ValueError(f"the range {start}-{end} is outside the text")
                    batch.add_highlight(
                        article_id, start=start, end=end, exact=str(h["exact"]), prefix=str(h.get("prefix") or ""),
                        suffix=str(h.get("suffix") or ""), color=h.get("color") or "yellow",
                        note=str(h.get("note") or ""), tags=h.get("tags") or (), created=str(h["created"]),
                        updated=str(h.get("updated") or h["created"]), highlight_id=int(h["id"]),
                    )
                    if h.get("review") is not None:  # daily review state; joins the batch's transaction
                        from reader.core.review import ReviewState

                        library.reviews.put_back(int(h["id"]), ReviewState.from_json(int(h["id"]), h["review"]))
                    n_highlights += 1
                if a.get("pdf"):
                    where = f"the PDF of article {article_id}"
                    batch.restore_pdf(article_id, a["pdf"], len(text))
                for n in a.get("notes") or ():
                    where = f"note {n.get('id')} of article {article_id}"
                    batch.add_note(
                        article_id, str(n["body"]), created=str(n["created"]),
                        updated=str(n.get("updated") or n["created"]), note_id=int(n["id"]),
                    )
                    n_notes += 1
    except KeyError as exc:
        raise ImportFailed(f"{shown} is not a valid Reader library export: {where} has no {exc}; nothing was restored.") from None
    except InvalidInput as exc:
        raise ImportFailed(f"{shown} is not a valid Reader library export: at {where}, {exc} Nothing was restored.") from None
    except ConstraintError:
        # A duplicated id (or a highlight of a missing article): the file is wrong, not the library.
        raise ImportFailed(
            f"{shown} is not a valid Reader library export: {where} clashes with another one of the same id;"
            " nothing was restored."
        ) from None
    except ReaderError:
        raise
    except (TypeError, ValueError, AttributeError) as exc:
        raise ImportFailed(f"{shown} is not a valid Reader library export: {where} is malformed ({exc}); nothing was restored.") from None
    return RestoreResult(len(ids), n_highlights, n_notes)
