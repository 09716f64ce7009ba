"""Hypothesis JSON exports: the API's list of annotations, or the client's export file
(``{"export_date": ..., "annotations": [...]}``).

Each annotation has ``uri``, ``text`` (the note, Markdown), ``tags``, ``created`` /
``updated`` and ``target[0].selector`` with a ``TextQuoteSelector`` and usually a
``TextPositionSelector``; ``document.title`` is a list. An annotation without a quote
(a page note, a reply) becomes a note on the article.
"""

from __future__ import annotations

from typing import Any

from reader.core.annotation_imports.model import AnnotatedSource, iso_time, selectors_from


def annotations_of(obj: Any) -> list[dict[str, Any]] | None:
    """The annotations if ``obj`` looks like a Hypothesis export, else None."""
    if isinstance(obj, dict) and isinstance(obj.get("annotations"), list):
        obj = obj["annotations"]
    elif isinstance(obj, dict) and isinstance(obj.get("rows"), list):  # a saved API search response
        obj = obj["rows"]
    if not isinstance(obj, list) or not obj:
        return None
    items = [a for a in obj if isinstance(a, dict)]
    if not items or not all("uri" in a and ("target" in a or "text" in a) for a in items):
        return None
    return items


def _title(annotation: dict[str, Any]) -> str | None:
    title = (annotation.get("document") or {}).get("title")
    if isinstance(title, list):
        title = next((t for t in title if isinstance(t, str) and t.strip()), None)
    return title.strip() if isinstance(title, str) and title.strip() else None


def parse_hypothesis(items: list[dict[str, Any]]) -> list[AnnotatedSource]:
    sources: dict[str, AnnotatedSource] = {}
    for a in items:
        uri = str(a.get("uri") or "").strip()
        if not uri:
            continue
        source = sources.get(uri)
        if source is None:
            web = uri.lower().startswith(("http://", "https://"))  # not "urn:x-pdf:..." of a local PDF
            source = sources[uri] = AnnotatedSource(title=_title(a) or uri, url=uri if web else None)
        elif source.title == uri and _title(a):
            source.title = _title(a) or uri
        targets = a.get("target") or []
        target = targets[0] if isinstance(targets, list) and targets else targets if isinstance(targets, dict) else {}
        sel = selectors_from(target.get("selector") if isinstance(target, dict) else None)
        tags = [str(t) for t in a.get("tags") or () if str(t).strip()]
        note = str(a.get("text") or "")
        if not sel.exact and not note.strip():
            continue
        source.clippings.append(
            sel.clipping(
                note=note,
                tags=tags,
                created=iso_time(a.get("created")),
                updated=iso_time(a.get("updated") or a.get("created")),
            )
        )
    return list(sources.values())
