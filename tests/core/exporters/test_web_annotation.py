"""W3C Web Annotation export, checked against the model's required shape
(https://www.w3.org/TR/annotation-model/)."""

from __future__ import annotations

import json
import re
from typing import Any

from reader.core.exporters.web_annotation import export_web_annotations
from reader.core.library import Library

from .conftest import Filled

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
# The motivations of the model (section 3.3.5); a body's purpose is one of them too.
MOTIVATIONS = {
    "assessing", "bookmarking", "classifying", "commenting", "describing", "editing", "highlighting",
    "identifying", "linking", "moderating", "questioning", "replying", "tagging",
}
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
XSD_DATETIME_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def check_context(context: Any) -> set[str]:
    """anno.jsonld MUST be one of the contexts; a single context MUST be a plain string.
    Returns the prefixes the extra contexts define."""
    if isinstance(context, str):
        assert context == ANNO_CONTEXT
        return set()
    assert isinstance(context, list) and ANNO_CONTEXT in context
    prefixes: set[str] = set()
    for extra in context:
        if isinstance(extra, dict):
            assert all(IRI.match(v) for v in extra.values())
            prefixes |= set(extra)
    return prefixes


def check_extension_keys(obj: dict[str, Any], prefixes: set[str], known: set[str]) -> None:
    """Every key is a term of the model or a compact IRI under a declared prefix."""
    for key in obj:
        if key not in known:
            prefix = key.split(":", 1)[0]
            assert ":" in key and prefix in prefixes, f"undeclared property {key!r}"


def check_selectors(selectors: Any) -> None:
    assert isinstance(selectors, list) and selectors
    for s in selectors:
        if s["type"] == "TextPositionSelector":
            assert set(s) == {"type", "start", "end"}
            assert isinstance(s["start"], int) and isinstance(s["end"], int) and 0 <= s["start"] <= s["end"]
        else:
            assert s["type"] == "TextQuoteSelector"
            assert set(s) <= {"type", "exact", "prefix", "suffix"} and isinstance(s["exact"], str) and s["exact"]
            assert isinstance(s.get("prefix", ""), str) and isinstance(s.get("suffix", ""), str)


def check_annotation(a: dict[str, Any], prefixes: set[str]) -> None:
    assert IRI.match(a["id"]), "an Annotation MUST have exactly one IRI id"
    assert a["type"] == "Annotation"
    assert "target" in a, "an Annotation MUST have a target"
    assert a.get("motivation") in MOTIVATIONS
    for key in ("created", "modified"):
        assert XSD_DATETIME_UTC.match(a[key]), a[key]
    check_extension_keys(a, prefixes, {"id", "type", "motivation", "created", "modified", "body", "target"})
    target = a["target"]
    assert IRI.match(target["source"])
    check_extension_keys(target, prefixes, {"source", "selector"})
    if a["id"].startswith("reader://note/"):  # a note on the whole article: no selector
        assert "selector" not in target and a["motivation"] == "commenting" and len(a["body"]) == 1
    else:
        check_selectors(target["selector"])
    for body in a.get("body", []):
        assert body["type"] == "TextualBody" and isinstance(body["value"], str)
        assert body["purpose"] in MOTIVATIONS
        if body["purpose"] == "commenting":
            assert body["format"] == "text/markdown"


def check_collection(doc: dict[str, Any]) -> list[dict[str, Any]]:
    prefixes = check_context(doc["@context"])
    assert doc["type"] == "AnnotationCollection" and IRI.match(doc["id"])
    page = doc["first"]
    assert page["type"] == "AnnotationPage" and IRI.match(page["id"]) and page["startIndex"] == 0
    items = page["items"]
    assert doc["total"] == len(items)
    for a in items:
        check_annotation(a, prefixes)
    return items


def highlights_of(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [a for a in items if a["id"].startswith("reader://highlight/")]


def test_export_has_the_shape_the_model_requires(filled: Filled) -> None:
    items = check_collection(json.loads(export_web_annotations(filled.lib)))
    assert len(highlights_of(items)) == 3
    notes = [a for a in items if a["id"].startswith("reader://note/")]
    assert [n["body"][0]["value"] for n in notes] == ["Compare with *How to Read a Book*.", "Second thought."]
    assert len(items) == 5


def test_selectors_point_at_the_highlighted_text(filled: Filled) -> None:
    text = filled.lib.get(filled.essay).text
    items = highlights_of(check_collection(json.loads(export_web_annotations(filled.lib, [filled.essay]))))
    anchored = [a for a in items if len(a["target"]["selector"]) == 2]
    assert len(anchored) == 2
    for a in anchored:
        position, quote = a["target"]["selector"]
        assert text[position["start"]:position["end"]] == quote["exact"]
        assert text[: position["start"]].endswith(quote["prefix"]) and text[position["end"]:].startswith(quote["suffix"])
        assert a["target"]["source"] == "https://example.org/essays/margins?id=7"
        assert a["target"]["reader:article"] == f"reader://article/{filled.essay}"


def test_note_tags_colour_and_motivation(filled: Filled) -> None:
    items = highlights_of(check_collection(json.loads(export_web_annotations(filled.lib, [filled.essay]))))
    by_exact = {a["target"]["selector"][-1]["exact"]: a for a in items}
    noted = by_exact["marked books for as long"]
    assert noted["motivation"] == "commenting" and noted["reader:color"] == "green"
    assert noted["body"] == [
        {"type": "TextualBody", "purpose": "commenting", "format": "text/markdown", "value": "The **oldest** habit."},
        {"type": "TextualBody", "purpose": "tagging", "value": "habit"},
        {"type": "TextualBody", "purpose": "tagging", "value": "history"},
    ]
    plain = next(a for exact, a in by_exact.items() if exact.startswith("never visited"))
    assert plain["motivation"] == "highlighting" and "body" not in plain and plain["reader:color"] == "#ff00aa"


def test_an_orphan_keeps_only_its_quote_selector(filled: Filled) -> None:
    items = highlights_of(check_collection(json.loads(export_web_annotations(filled.lib, [filled.essay]))))
    orphan = next(a for a in items if a["target"]["selector"][-1]["exact"] == "Keep the quote short.")
    assert [s["type"] for s in orphan["target"]["selector"]] == ["TextQuoteSelector"]


def test_an_article_without_url_is_targeted_by_its_reader_address(lib: Library) -> None:
    article = lib.add_text("A local note\n\nNothing online about this paragraph.").article_id
    lib.highlight_quote(article, "Nothing online")
    (a,) = check_collection(json.loads(export_web_annotations(lib)))
    assert a["target"]["source"] == f"reader://article/{article}"


def test_an_empty_library_is_an_empty_collection(lib: Library) -> None:
    doc = json.loads(export_web_annotations(lib))
    assert check_collection(doc) == [] and doc["total"] == 0
