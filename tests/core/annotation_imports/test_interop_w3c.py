"""The W3C Web Annotation model's own examples and the W3C test suite's samples and JSON
schemas (``../shared/interop/w3c*``): every form of body and target read, correct samples
accepted, incorrect ones refused with one sentence, and Reader's export valid against the
suite's schemas and read back without loss."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from reader.core.annotation_imports import import_annotations, read_annotations
from reader.core.errors import ImportFailed
from reader.core.exporters import atomic_write_text
from reader.core.exporters.web_annotation import export_web_annotations
from reader.core.library import Library

from .interop import INTEROP, book, books, interop

SAMPLES = INTEROP / "w3c-tests" / "tools" / "samples"


@pytest.fixture
def lib(reader_home: Path):
    library = Library(reader_home, search=False)
    yield library
    library.close()


def sources_by_url(path: Path) -> dict[str, Any]:
    _, sources = read_annotations(path)
    return {s.url: s for s in sources}


def test_the_models_examples_every_body_and_target_form() -> None:
    by_url = sources_by_url(interop("w3c/w3c-examples-collection1.json"))
    # Each target source is its own article: 41 annotations name 31 sources.
    assert len(by_url) == 31
    notes = {url: [c.note for c in s.clippings] for url, s in by_url.items()}
    # A body that is an IRI is kept as a link; HTML bodies become text.
    assert notes["http://example.com/page1"][0] == "http://example.org/post1"
    assert "j'adore !" in notes["http://example.org/photo1"]
    # bodyValue (example 6) and a TextualBody (example 7) on the same target.
    assert notes["http://example.org/target1"][:2] == ["Comment text", "Comment text"]
    # Choice: every option kept, the default first.
    assert "http://example.org/note1\n\nhttp://example.org/note2" in notes["http://example.org/website1"]
    # A Composite target: the note goes to each of its three sources; a List to each of four.
    for url in ("http://example.com/page1", "http://example.org/page6", "http://example.net/page4"):
        assert "These pages together provide evidence of the conspiracy" in notes[url]
    for n in range(1, 5):
        assert by_url[f"http://example.com/book/page{n}"].tags == ["important"]  # motivation tagging
    # Purposes: tagging makes a tag, describing a note (example 18).
    described = next(c for c in by_url["http://example.com/page1"].clippings if c.tags)
    assert described.tags == ["readme"] and described.note.startswith("A good description of the topic")
    # A SpecificResource body with purpose tagging (a semantic tag): its IRI is the tag.
    assert by_url["http://example.org/photo1"].tags == ["http://example.org/city1"]
    # Quotes: a TextQuoteSelector, and one reached through refinedBy (example 32).
    quoted = {c.exact: c for c in by_url["http://example.org/page1"].clippings if c.exact}
    assert set(quoted) == {"anotation", "Selected Text"}
    assert (quoted["anotation"].prefix, quoted["anotation"].suffix) == ("this is an ", " that has some")
    assert (quoted["Selected Text"].prefix, quoted["Selected Text"].start) == ("text before the ", None)
    # Selectors that are not quotes are named in the note, so nothing is lost.
    assert any("CssSelector #elemid > .elemclass + p" in n for n in notes["http://example.org/page1.html"])
    assert any("TextPositionSelector 412-795" in n for n in notes["http://example.org/ebook1"])
    # An annotation with no body and no motivation still says it was there.
    assert "Annotation (http://example.org/anno8)" in notes["http://example.org/ebook1"]
    # Tagging, a Choice of describing bodies in two languages, a created time (example 44).
    (liked,) = by_url["http://example.com/document1"].clippings
    assert liked.tags == ["love"] and liked.created == "2015-10-13T13:00:00+00:00"
    assert liked.note.startswith("I really love this particular bit of text in this XML. No really.")


def test_the_models_examples_import_into_a_library(lib: Library) -> None:
    summary = import_annotations(lib, interop("w3c/w3c-examples-collection1.json"))
    found = books(lib)
    assert len(found) == 31 and summary.created == 31
    page1 = book(lib, "http://example.org/page1")
    assert set(page1.highlights) == {"anotation", "Selected Text"}


CORRECT = sorted(p.name for p in SAMPLES.glob("correct/*.json")) if SAMPLES.exists() else []
INCORRECT = sorted(p.name for p in SAMPLES.glob("incorrect/*.json")) if SAMPLES.exists() else []


@pytest.mark.parametrize("name", CORRECT)
def test_w3c_suite_correct_sample_is_accepted(name: str) -> None:
    path = interop(f"w3c-tests/tools/samples/correct/{name}")
    if name == "example41.json":  # a collection whose pages live elsewhere: nothing to read in it
        with pytest.raises(ImportFailed, match=r"pages are not in it \(its first page is http://example.org/page1\)"):
            read_annotations(path)
        return
    fmt, sources = read_annotations(path)
    assert fmt == "w3c" and all(s.clippings for s in sources) and sources


@pytest.mark.parametrize("name", INCORRECT)
def test_w3c_suite_incorrect_sample_is_refused_with_one_sentence(name: str) -> None:
    path = interop(f"w3c-tests/tools/samples/incorrect/{name}")
    with pytest.raises(ImportFailed) as refused:
        read_annotations(path)
    message = str(refused.value)
    assert name in message and "\n" not in message and message.endswith(".")
    assert message.count(". ") == 0, message  # one sentence


def test_w3c_suite_incorrect_samples_name_the_rule_they_break() -> None:
    def refusal(name: str) -> str:
        with pytest.raises(ImportFailed) as refused:
            read_annotations(interop(f"w3c-tests/tools/samples/incorrect/{name}"))
        return str(refused.value)

    assert "@context does not include http://www.w3.org/ns/anno.jsonld" in refusal("anno4.json")
    assert "its type is not Annotation" in refusal("anno9.json")
    assert "a target is neither an IRI nor a resource" in refusal("anno11.json")
    assert "its created is not one date and time" in refusal("anno28.json")
    assert "its via is not an IRI" in refusal("anno35.json")
    assert "its FragmentSelector has no single value" in refusal("anno39.json")
    assert "its id is not one IRI" in refusal("anno7.json")


# -- the export against the suite's schemas, and back --------------------------------------
def _schemas() -> tuple[Any, dict[str, list[dict[str, Any]]]]:
    """A registry of the suite's definitions, and the assertion schemas of each .test file."""
    referencing = pytest.importorskip("referencing")
    from referencing.jsonschema import DRAFT4

    root = interop("w3c-tests")
    resources = []
    for path in sorted((root / "definitions").glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["id"], DRAFT4.create_resource(schema)))
    registry = referencing.Registry().with_resources(resources)
    tests = {}
    for kind, test in (
        ("annotation", "annotations/annotationMusts.test"),
        ("collection", "collections/collectionMusts.test"),
        ("page", "collections/pages/pageMusts.test"),
    ):
        listed = json.loads((root / test).read_text(encoding="utf-8"))["assertions"]
        tests[kind] = [json.loads((root / a).read_text(encoding="utf-8")) for a in listed]
    return registry, tests


def _format_checker() -> Any:
    """The formats the suite's schemas name, checked as the model defines them (jsonschema
    checks 'date-time' and 'uri' only with optional packages, so say it here)."""
    import jsonschema

    checker = jsonschema.FormatChecker([])
    checker.checks("date-time")(
        lambda v: not isinstance(v, str) or re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", v)
        is not None
    )
    checker.checks("uri")(lambda v: not isinstance(v, str) or re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:\S+", v) is not None)
    return checker


def _failures(instance: dict[str, Any], assertions: list[dict[str, Any]], registry: Any) -> list[str]:
    import jsonschema

    failed = []
    for schema in assertions:
        validator = jsonschema.Draft4Validator(schema, registry=registry, format_checker=_format_checker())
        valid = validator.is_valid(instance)
        if valid != (schema.get("expectedResult", "valid") == "valid"):
            failed.append(f"{schema['id']}: {schema.get('errorMessage', '')}")
    return failed


def _library_with_everything(lib: Library) -> int:
    article = lib.add(interop("hypothesis/wikipedia-regression-testing.html")).article_id
    lib.highlight_quote(article, "regression testing", occurrence=1, note="The **first** mention.", color="green")
    h = lib.highlight_quote(article, "software development situations")
    lib.tag_highlight(h.id, "practice", "bugs")
    lib.add_note(article, "A note on the *whole* page.")
    local = lib.add_text("A local note\n\nNothing online about this paragraph.", name="Local").article_id
    lib.highlight_quote(local, "Nothing online", note="Offline.")
    lib.add_note(local, "Written by hand.")
    return article


def test_export_passes_the_w3c_test_suites_schemas(lib: Library) -> None:
    pytest.importorskip("jsonschema")
    registry, tests = _schemas()
    _library_with_everything(lib)
    doc = json.loads(export_web_annotations(lib))
    assert len(doc["first"]["items"]) == 5  # three highlights, two notes on whole articles
    assert _failures(doc, tests["collection"], registry) == []
    assert _failures(doc, tests["page"], registry) == []
    for item in doc["first"]["items"]:  # an embedded annotation inherits the collection's @context
        assert _failures({"@context": doc["@context"], **item}, tests["annotation"], registry) == [], item["id"]


def test_the_suites_schemas_catch_what_they_should(lib: Library) -> None:
    """The schema check above can fail: a wrong export breaks it."""
    pytest.importorskip("jsonschema")
    registry, tests = _schemas()
    _library_with_everything(lib)
    doc = json.loads(export_web_annotations(lib))
    item = {"@context": "fish", **doc["first"]["items"][0], "created": "yesterday"}
    assert len(_failures(item, tests["annotation"], registry)) == 2


def test_export_then_import_annotations_loses_nothing(lib: Library, tmp_path: Path) -> None:
    _library_with_everything(lib)
    before = {(b.title, b.author): b for b in books(lib)}
    path = tmp_path / "highlights.jsonld"
    atomic_write_text(path, export_web_annotations(lib))
    other = Library(tmp_path / "other-home", search=False)
    try:
        summary = import_annotations(other, path)
        after = {(b.title, b.author): b for b in books(other)}
        assert summary.highlights == 3 and summary.notes == 2
        assert set(after) == set(before)
        for key, b in before.items():
            assert after[key].highlights == b.highlights  # quote, note, tags and colour
            assert after[key].notes == b.notes
            assert after[key].url == b.url
    finally:
        other.close()
    # Into the library it came from: everything is already there.
    again = import_annotations(lib, path)
    assert (again.highlights, again.notes, again.duplicates) == (0, 0, 5)


def test_the_schema_harness_agrees_with_the_suites_own_samples() -> None:
    """Every parseable incorrect sample breaks at least one schema; every correct one passes
    them all, except the three whose target is a Composite/List/Independents set, which the
    suite's 3.2-targetObjectsRecognized schema does not recognise (a gap of the suite)."""
    pytest.importorskip("jsonschema")
    registry, tests = _schemas()
    for path in sorted(SAMPLES.glob("*/anno*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            continue
        failed = _failures(doc, tests["annotation"], registry)
        if path.parent.name == "incorrect":
            assert failed, path.name
        elif path.name in {"anno11.json", "anno12.json", "anno13.json"}:
            assert [f.split(":")[0] for f in failed] == ["3.2-targetObjectsRecognized.json"], path.name
        else:
            assert failed == [], path.name
