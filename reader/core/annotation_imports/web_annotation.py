"""W3C Web Annotations (JSON-LD): Reader's own export, and other tools' that follow the model.

Accepts an ``AnnotationCollection`` with its first page embedded, an ``AnnotationPage``,
a list of annotations or a single one. Targets may be a bare IRI, an object or a list;
selectors an object or a list; bodies likewise. ``TextualBody`` with purpose
``tagging`` is a tag; any other textual body is the note.
"""

from __future__ import annotations

import re
from typing import Any

from reader.core.annotation_imports import AnnotatedSource, iso_time, selectors_from
from reader.core.exporters.web_annotation import ANNO_CONTEXT, READER_NS

_ANNOTATION_TYPES = {"Annotation", "oa:Annotation", "AnnotationCollection", "AnnotationPage"}
_READER_ARTICLE = re.compile(r"^reader://article/(\d+)$")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _types(obj: Any) -> set[str]:
    return {str(t) for t in _as_list(obj.get("type") or obj.get("@type"))} if isinstance(obj, dict) else set()


def looks_like_web_annotations(obj: Any) -> bool:
    first = obj[0] if isinstance(obj, list) and obj else obj
    if not isinstance(first, dict):
        return False
    context = [c for c in _as_list(first.get("@context")) if isinstance(c, str)]
    return ANNO_CONTEXT in context or "https://www.w3.org/ns/anno.jsonld" in context or bool(_types(first) & _ANNOTATION_TYPES)


def annotations_in(obj: Any) -> list[dict[str, Any]]:
    """The annotations of a collection, page, list or single annotation (embedded pages only)."""
    if isinstance(obj, list):
        out: list[dict[str, Any]] = []
        for item in obj:
            out.extend(annotations_in(item))
        return out
    if not isinstance(obj, dict):
        return []
    kinds = _types(obj)
    if "AnnotationCollection" in kinds:
        out = []
        page = obj.get("first")
        while isinstance(page, dict):
            out.extend(annotations_in(page))
            page = page.get("next")
        return out
    if "AnnotationPage" in kinds:
        return [a for a in _as_list(obj.get("items")) if isinstance(a, dict)]
    if kinds & {"Annotation", "oa:Annotation"}:
        return [obj]
    return []


def _extension(obj: dict[str, Any], name: str) -> Any:
    """A Reader property, written compact ('reader:color') or as a full IRI."""
    return obj.get(f"reader:{name}", obj.get(READER_NS + name))


def parse_web_annotations(obj: Any) -> list[AnnotatedSource]:
    sources: dict[str, AnnotatedSource] = {}
    for a in annotations_in(obj):
        target = next(iter(_as_list(a.get("target"))), None)
        if isinstance(target, str):
            target = {"source": target}
        if not isinstance(target, dict):
            continue
        source_iri = target.get("source") or target.get("id") or ""
        if isinstance(source_iri, dict):
            source_iri = source_iri.get("id") or ""
        source_iri = str(source_iri).strip()
        article_link = str(_extension(target, "article") or (source_iri if _READER_ARTICLE.match(source_iri) else ""))
        key = source_iri or article_link
        if not key:
            continue
        source = sources.get(key)
        if source is None:
            title = _extension(target, "title")
            m = _READER_ARTICLE.match(article_link)
            source = sources[key] = AnnotatedSource(
                title=str(title) if title else source_iri,
                author=_extension(target, "author"),
                url=source_iri if source_iri.lower().startswith(("http://", "https://")) else None,
                reader_article=int(m.group(1)) if m else None,
            )
        sel = selectors_from(target.get("selector"))
        note_parts: list[str] = []
        tags: list[str] = []
        for body in _as_list(a.get("body")):
            if isinstance(body, str):
                continue  # an IRI: nothing to keep as text
            if not isinstance(body, dict):
                continue
            value = body.get("value", body.get("chars"))
            if not isinstance(value, str) or not value.strip():
                continue
            purposes = {str(p) for p in _as_list(body.get("purpose"))}
            if "tagging" in purposes or a.get("motivation") == "tagging" and not purposes:
                tags.append(value.strip())
            else:
                note_parts.append(value)
        if not sel.exact and not note_parts:
            continue
        source.clippings.append(
            sel.clipping(
                note="\n\n".join(note_parts),
                tags=tags,
                color=_extension(a, "color"),
                created=iso_time(a.get("created")),
                updated=iso_time(a.get("modified") or a.get("created")),
            )
        )
    return list(sources.values())
