"""W3C Web Annotations (JSON-LD): Reader's own export, and other tools' that follow the model.

Accepts an ``AnnotationCollection`` with its first page embedded, an ``AnnotationPage``,
a list of annotations or a single one. What the model allows is read in all its forms:

- bodies: an IRI (kept as a link in the note), ``bodyValue``, a ``TextualBody`` (HTML
  turned to text), an external resource or a ``SpecificResource`` (its IRI), a ``Choice``
  (every option, the default first), ``Composite`` / ``List`` / ``Independents`` (every
  item); purpose (or motivation) ``tagging`` makes a tag, any other purpose a note;
- targets: an IRI, a resource, a ``SpecificResource`` whose ``TextQuoteSelector`` /
  ``TextPositionSelector`` may sit at the end of a ``refinedBy`` chain, several targets or
  a ``Composite`` / ``List`` / ``Independents`` of them: each source is its own article;
- an annotation with neither a quote nor any body still says something (a bookmark):
  it becomes a note naming its motivation and id.

The model's MUSTs are checked first (:func:`check_annotations`): a file that breaks one is
refused with one sentence naming the annotation and the rule, and nothing is imported.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

from reader.core.annotation_imports.model import AnnotatedSource, QuoteSelectors, iso_time, selectors_from
from reader.core.errors import ImportFailed
from reader.core.exporters.web_annotation import ANNO_CONTEXT, READER_NS

_ANNOTATION_TYPES = {"Annotation", "oa:Annotation", "AnnotationCollection", "AnnotationPage"}
_SET_TYPES = {"Composite", "List", "Independents"}
_READER_ARTICLE = re.compile(r"^reader://article/(\d+)$")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_CONTEXTS = {ANNO_CONTEXT, "https://www.w3.org/ns/anno.jsonld"}
_VALUE_SELECTORS = {"FragmentSelector", "CssSelector", "XPathSelector"}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _types(obj: Any) -> set[str]:
    return {str(t) for t in _as_list(obj.get("type") or obj.get("@type"))} if isinstance(obj, dict) else set()


def _has_context(obj: Any) -> bool:
    return isinstance(obj, dict) and any(c in _CONTEXTS for c in _as_list(obj.get("@context")) if isinstance(c, str))


def looks_like_web_annotations(obj: Any) -> bool:
    first = obj[0] if isinstance(obj, list) and obj else obj
    return _has_context(first) or bool(_types(first) & _ANNOTATION_TYPES)


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
    return [obj]


# -- the model's MUSTs ------------------------------------------------------------------
def _is_iri(value: Any) -> bool:
    return isinstance(value, str) and _IRI.match(value) is not None


def _is_datetime(value: Any) -> bool:
    if not isinstance(value, str) or not re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _problem(a: dict[str, Any], inherited_context: bool) -> str | None:
    """What makes ``a`` not a Web Annotation, in words, or None."""
    if not inherited_context and not _has_context(a):
        return f"its @context does not include {ANNO_CONTEXT}"
    if not _types(a) & {"Annotation", "oa:Annotation"}:
        return "its type is not Annotation"
    if "target" not in a or not _as_list(a["target"]):
        return "it has no target"
    if any(not (_is_iri(t) or isinstance(t, dict)) for t in _as_list(a["target"])):
        return "a target is neither an IRI nor a resource"
    if "body" in a and "bodyValue" in a:
        return "it has both body and bodyValue"
    if "bodyValue" in a and not isinstance(a["bodyValue"], str):
        return "its bodyValue is not one string"
    if any(not (_is_iri(b) or isinstance(b, dict)) for b in _as_list(a.get("body"))):
        return "a body is neither an IRI nor a resource"
    for key in ("creator", "generator"):
        if any(not (_is_iri(v) or isinstance(v, dict)) for v in _as_list(a.get(key))):
            return f"its {key} is neither an IRI nor an agent"
    for key in ("created", "modified", "generated"):
        if key in a and not _is_datetime(a[key]):
            return f"its {key} is not one date and time (xsd:dateTime)"
    for key in ("rights", "via"):
        if any(not _is_iri(v) for v in _as_list(a.get(key))):
            return f"its {key} is not an IRI"
    if "canonical" in a and not _is_iri(a["canonical"]):
        return "its canonical is not one IRI"
    for resource in _resources(a):
        for selector in _selector_chain(resource.get("selector")):
            kind = _types(selector)
            if kind & _VALUE_SELECTORS and not isinstance(selector.get("value"), str):
                return f"its {sorted(kind & _VALUE_SELECTORS)[0]} has no single value"
            if "TextQuoteSelector" in kind and not isinstance(selector.get("exact"), str):
                return "its TextQuoteSelector has no exact text"
    if "id" in a and not _is_iri(a["id"]):  # last: the suite's other wrong samples have list ids too
        return "its id is not one IRI"
    return None


def _resources(a: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in _as_list(a.get("target")) + _as_list(a.get("body")):
        if isinstance(item, dict):
            out.append(item)
            out.extend(i for i in _as_list(item.get("items")) if isinstance(i, dict))
    return out


def _selector_chain(selector: Any) -> list[dict[str, Any]]:
    """A selector (or list of them) with every selector that refines it, outermost first."""
    out: list[dict[str, Any]] = []
    for s in _as_list(selector):
        while isinstance(s, dict):
            out.append(s)
            s = s.get("refinedBy")
    return out


def check_annotations(obj: Any, shown: str) -> list[dict[str, Any]]:
    """The annotations in ``obj``; one sentence naming the first that breaks the model."""
    top_context = _has_context(obj) if isinstance(obj, dict) else False
    annotations = annotations_in(obj)
    if not annotations and isinstance(obj, dict) and "AnnotationCollection" in _types(obj):
        first = obj.get("first")
        where = f" (its first page is {first})" if isinstance(first, str) else ""
        raise ImportFailed(f"{shown} holds no highlights or notes to import: the collection's pages are not in it{where}.")
    for n, a in enumerate(annotations, start=1):
        problem = _problem(a, top_context and a is not obj)
        if problem:
            name = a.get("id") if isinstance(a.get("id"), str) else a.get("label") or f"number {n}"
            raise ImportFailed(f"{shown} is not a valid Web Annotation file: annotation '{name}' breaks the model ({problem}).")
    return annotations


# -- reading ----------------------------------------------------------------------------
def _extension(obj: dict[str, Any], name: str) -> Any:
    """A Reader property, written compact ('reader:color') or as a full IRI."""
    return obj.get(f"reader:{name}", obj.get(READER_NS + name))


def _plain(value: str, fmt: Any) -> str:
    if isinstance(fmt, str) and "html" in fmt.lower():
        value = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", value, flags=re.S | re.I)
        value = re.sub(r"<br\s*/?>|</p\s*>", "\n", value, flags=re.I)
        value = html.unescape(re.sub(r"<[^>]*>", "", value))
    return value.strip()


def _iri_of(resource: dict[str, Any]) -> str:
    source = resource.get("source")
    if isinstance(source, dict):
        source = source.get("id")
    return str(source or resource.get("id") or "").strip()


def body_content(body: Any, motivation: set[str]) -> tuple[list[str], list[str]]:
    """(note parts, tags) a body holds, in every form the model gives one."""
    if isinstance(body, str):
        return ([body.strip()] if body.strip() else []), []
    if not isinstance(body, dict):
        return [], []
    kinds = _types(body)
    if "Choice" in kinds or kinds & _SET_TYPES:
        notes: list[str] = []
        tags: list[str] = []
        for item in _as_list(body.get("items")):
            n, t = body_content(item, motivation)
            notes += n
            tags += t
        return notes, tags
    value = body.get("value", body.get("chars"))
    text = _plain(value, body.get("format")) if isinstance(value, str) else _iri_of(body)
    if not text:
        return [], []
    purposes = {str(p).removeprefix("oa:") for p in _as_list(body.get("purpose"))} or motivation
    return ([], [text]) if "tagging" in purposes else ([text], [])


def _targets(a: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target resource (IRIs made objects; a set of targets opened into its items)."""
    out: list[dict[str, Any]] = []
    for t in _as_list(a.get("target")):
        if isinstance(t, str):
            out.append({"source": t})
        elif isinstance(t, dict) and _types(t) & (_SET_TYPES | {"Choice"}):
            out.extend({"source": i} if isinstance(i, str) else i for i in _as_list(t.get("items")) if i)
        elif isinstance(t, dict):
            out.append(t)
    return out


def _quote(target: dict[str, Any]) -> QuoteSelectors:
    """The quote (and position, unless it is relative to a refined part) a target selects."""
    top = selectors_from(target.get("selector"))
    if top.exact or top.start is not None:
        return top
    for selector in _selector_chain(target.get("selector"))[1:]:
        found = selectors_from(selector)
        if found.exact:  # a position inside a fragment is not a position in the whole text
            return QuoteSelectors(found.exact, found.prefix, found.suffix)
    return top


def _where(target: dict[str, Any]) -> str:
    """In words, the part of a source a target selects when it is not a quote."""
    parts = []
    for selector in _selector_chain(target.get("selector")):
        kind = next(iter(sorted(_types(selector))), "Selector")
        if kind == "TextPositionSelector" or kind == "DataPositionSelector":
            parts.append(f"{kind} {selector.get('start')}-{selector.get('end')}")
        elif isinstance(selector.get("value"), str):
            parts.append(f"{kind} {selector['value']}")
        elif isinstance(selector.get("id"), str):
            parts.append(f"{kind} {selector['id']}")
    if isinstance(target.get("selector"), str):
        parts.append(f"selector {target['selector']}")
    fragment = _iri_of(target).partition("#")[2]
    if fragment and not _READER_ARTICLE.match(_iri_of(target)):
        parts.append(f"fragment #{fragment}")
    return "Selected by " + "; ".join(parts) if parts else ""


def parse_web_annotations(obj: Any, shown: str = "the file") -> list[AnnotatedSource]:
    sources: dict[str, AnnotatedSource] = {}
    for a in check_annotations(obj, shown):
        motivation = {str(m).removeprefix("oa:") for m in _as_list(a.get("motivation"))}
        notes: list[str] = []
        tags: list[str] = []
        bodies = [{"type": "TextualBody", "value": a["bodyValue"]}] if isinstance(a.get("bodyValue"), str) else []
        for body in bodies + _as_list(a.get("body")):
            n, t = body_content(body, motivation)
            notes += n
            tags += [tag for tag in t if tag not in tags]
        for target in _targets(a):
            _add(sources, a, target, notes, tags, motivation)
    return list(sources.values())


def _add(
    sources: dict[str, AnnotatedSource],
    a: dict[str, Any],
    target: dict[str, Any],
    notes: list[str],
    tags: list[str],
    motivation: set[str],
) -> None:
    source_iri = _iri_of(target).split("#", 1)[0] if not _READER_ARTICLE.match(_iri_of(target)) else _iri_of(target)
    article_link = str(_extension(target, "article") or (source_iri if _READER_ARTICLE.match(source_iri) else ""))
    key = source_iri or article_link
    if not key:
        return
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
    sel = _quote(target)
    note_parts = list(notes)
    if not sel.exact:  # tags on a whole page or book tag its article
        source.tags += [t for t in tags if t not in source.tags]
    where = _where(target) if not sel.exact else ""
    if where:  # a part of the source we cannot show as text: say which, so nothing is lost
        note_parts.append(where)
    if not sel.exact and not note_parts and not tags:
        what = " ".join(sorted(motivation)) or "annotation"
        note_parts = [f"{what.capitalize()} ({a['id']})" if isinstance(a.get("id"), str) else what.capitalize()]
    if not sel.exact and not note_parts:
        note_parts = ["Tags: " + ", ".join(tags)]  # tags on a whole page: kept as a note that names them
    source.clippings.append(
        sel.clipping(
            note="\n\n".join(note_parts),
            tags=list(tags),
            color=_extension(a, "color"),
            created=iso_time(a.get("created")),
            updated=iso_time(a.get("modified") or a.get("created")),
        )
    )
