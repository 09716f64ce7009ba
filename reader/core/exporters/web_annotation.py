"""Highlights as W3C Web Annotations (https://www.w3.org/TR/annotation-model/), JSON-LD.

The export is an ``AnnotationCollection`` whose first (and only) ``AnnotationPage``
holds one ``Annotation`` per highlight. Each targets the article (its URL when it has
one, else ``reader://article/ID``) through a ``TextPositionSelector`` (offsets into the
article's canonical text; absent for an orphan) and a ``TextQuoteSelector``. The note is
a ``TextualBody`` with purpose ``commenting`` (Markdown), each tag a ``TextualBody`` with
purpose ``tagging``. A note on a whole article is an ``Annotation`` too, motivated by
``commenting``, whose target is the article itself (no selector), so that an export read
back with ``reader import-annotations`` loses none of them. What the model has no term
for (the colour, the article's title and author) lives under Reader's own namespace,
declared in a second ``@context``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from reader.core.exporters import Cancel, Progress, article_link, each_article
from reader.core.models import Article, Highlight, Note

if TYPE_CHECKING:
    from reader.core.library import Library

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
READER_NS = "https://reader-desktop.invalid/ns#"
CONTEXT: list[Any] = [ANNO_CONTEXT, {"reader": READER_NS}]


def _datetime(value: str) -> str:
    # The model asks for xsd:dateTime, in UTC with a 'Z' when the zone is known.
    return value[:-6] + "Z" if value.endswith("+00:00") else value


def highlight_id(h: Highlight) -> str:
    return f"reader://highlight/{h.id}"


def note_id(n: Note) -> str:
    return f"reader://note/{n.id}"


def _article_target(article: Article) -> dict[str, Any]:
    target: dict[str, Any] = {
        "source": article.url or article_link(article.id),
        "reader:article": article_link(article.id),
        "reader:title": article.title,
    }
    if article.author:
        target["reader:author"] = article.author
    return target


def annotation(article: Article, h: Highlight) -> dict[str, Any]:
    """One highlight as an Annotation (without @context: it inherits the collection's)."""
    selectors: list[dict[str, Any]] = []
    if not h.orphaned:
        selectors.append({"type": "TextPositionSelector", "start": h.start, "end": h.end})
    selectors.append({"type": "TextQuoteSelector", "exact": h.exact, "prefix": h.prefix, "suffix": h.suffix})
    page = article.pdf.page_number_at(h.start) if article.pdf is not None and not h.orphaned else None
    if page is not None:  # a PDF: the page, as RFC 3778 fragment identifiers name it
        selectors.append({"type": "FragmentSelector", "conformsTo": "http://tools.ietf.org/rfc/rfc3778",
                          "value": f"page={page}"})
    target = _article_target(article)
    target["selector"] = selectors
    body: list[dict[str, Any]] = []
    if h.note.strip():
        body.append({"type": "TextualBody", "purpose": "commenting", "format": "text/markdown", "value": h.note})
    body.extend({"type": "TextualBody", "purpose": "tagging", "value": tag} for tag in h.tags)
    out: dict[str, Any] = {
        "id": highlight_id(h),
        "type": "Annotation",
        "motivation": "commenting" if h.note.strip() else "highlighting",
        "created": _datetime(h.created),
        "modified": _datetime(h.updated),
    }
    if body:
        out["body"] = body
    out["target"] = target
    out["reader:color"] = h.color
    return out


def note_annotation(article: Article, n: Note) -> dict[str, Any]:
    """A note on a whole article: its target is the article, without a selector."""
    return {
        "id": note_id(n),
        "type": "Annotation",
        "motivation": "commenting",
        "created": _datetime(n.created),
        "modified": _datetime(n.updated),
        "body": [{"type": "TextualBody", "purpose": "commenting", "format": "text/markdown", "value": n.body}],
        "target": _article_target(article),
    }


def annotation_collection(
    library: Library,
    article_ids: list[int] | None = None,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    for article in each_article(library, article_ids, progress=progress, cancel=cancel):
        items.extend(annotation(article, h) for h in sorted(article.highlights, key=lambda h: h.id))
        items.extend(note_annotation(article, n) for n in sorted(article.notes, key=lambda n: n.id) if n.body.strip())
    scope = article_link(article_ids[0]) if article_ids is not None and len(article_ids) == 1 else "reader://library"
    return {
        "@context": CONTEXT,
        "id": f"{scope}/annotations",
        "type": "AnnotationCollection",
        "label": "Highlights exported from Reader",
        "total": len(items),
        "first": {
            "id": f"{scope}/annotations/page1",
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
    }


def export_web_annotations(
    library: Library,
    article_ids: list[int] | None = None,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> str:
    collection = annotation_collection(library, article_ids, progress=progress, cancel=cancel)
    return json.dumps(collection, ensure_ascii=False, indent=2) + "\n"
