"""Readwise CSV, Hypothesis JSON and W3C Web Annotation files as other tools write them."""

from __future__ import annotations

import json

import pytest

from reader.core.annotation_imports import parse_annotations
from reader.core.errors import ImportFailed

from .samples import READWISE_CSV, hypothesis_export


def parse(text: str, name: str = "file", fmt: str | None = None):  # type: ignore[no-untyped-def]
    return parse_annotations(text.encode("utf-8"), name, fmt)


def test_readwise_rows_are_grouped_into_books_with_their_fields() -> None:
    fmt, (thinking, slow) = parse(READWISE_CSV, "readwise.csv")
    assert fmt == "readwise"
    assert (thinking.title, thinking.author, thinking.tags) == ("Thinking, Fast and Slow", "Daniel Kahneman", ["books", "favourites"])
    first, second = thinking.clippings
    assert first.note == "Mere exposure.\nSecond line of the note."  # a quoted field spanning lines
    assert first.tags == ["psychology", "bias"] and first.color == "blue" and first.location == "location 945"
    assert first.created == "2024-11-17T15:26:00+00:00" and second.created == "2024-11-18T00:40:05+00:00"
    quote, whole_book = slow.clippings
    assert quote.exact == 'The "Zen" of reading is not to hurry.' and quote.created is None
    assert whole_book.exact == "" and whole_book.note == "A note on the whole book."


def test_a_csv_without_the_readwise_columns_is_refused() -> None:
    with pytest.raises(ImportFailed, match=r"^'x\.csv' is not a Readwise CSV export\.$"):
        parse("Title,Author\nDune,Herbert\n", "x.csv", "readwise")


def test_hypothesis_annotations_are_grouped_by_page() -> None:
    fmt, (essay, blog) = parse(hypothesis_export("https://example.org/essays/margins"))
    assert fmt == "hypothesis"
    assert essay.title == "Margins – Slow Reading Quarterly" and essay.url == "https://example.org/essays/margins"
    pencil = essay.clippings[0]
    assert (pencil.exact, pencil.prefix, pencil.suffix) == ("a pencil", "Whoever reads with ", " reads twice.")
    assert (pencil.start, pencil.end) == (1520, 1544) and pencil.tags == ["pencil", "habit"]
    assert pencil.created == "2024-11-17T15:26:00+00:00" and pencil.updated == "2024-11-18T09:00:00+00:00"
    page_note = essay.clippings[-1]
    assert page_note.exact == "" and page_note.note == "Worth rereading every year."
    assert blog.title == "On attention"


def test_a_hypothesis_annotation_on_a_local_pdf_has_no_web_address() -> None:
    items = json.loads(hypothesis_export("urn:x-pdf:6f1b5c0e2f1c4a3e"))[:1]
    _, (pdf,) = parse(json.dumps(items))
    assert pdf.url is None and pdf.title == "Margins – Slow Reading Quarterly"


ANNOTATION = {
    "@context": "http://www.w3.org/ns/anno.jsonld",
    "id": "urn:uuid:0f1c1ec8-5f33-4b6b-9f32-3d7bb2b3c3c1",
    "type": "Annotation",
    "motivation": "commenting",
    "created": "2024-11-17T15:26:00Z",
    "body": {"type": "TextualBody", "value": "A *plain* comment.", "format": "text/markdown"},
    "target": {
        "source": "https://example.org/essays/margins",
        "selector": {"type": "TextQuoteSelector", "exact": "marked books", "prefix": "Readers have ", "suffix": " for"},
    },
    "https://reader-desktop.invalid/ns#color": "pink",
}


@pytest.mark.parametrize(
    "document",
    [
        ANNOTATION,
        [ANNOTATION],
        {"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationPage", "items": [ANNOTATION]},
        {"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationCollection", "first": {"type": "AnnotationPage", "items": [ANNOTATION]}},
    ],
    ids=["annotation", "list", "page", "collection"],
)
def test_w3c_annotations_in_every_wrapping(document: object) -> None:
    fmt, (source,) = parse(json.dumps(document), "a.jsonld")
    assert fmt == "w3c" and source.url == "https://example.org/essays/margins"
    (clip,) = source.clippings
    assert (clip.exact, clip.prefix, clip.suffix, clip.start) == ("marked books", "Readers have ", " for", None)
    assert clip.note == "A *plain* comment." and clip.color == "pink" and clip.created == "2024-11-17T15:26:00+00:00"


def test_w3c_tags_bodies_and_a_bare_target_iri() -> None:
    tagging = {
        **ANNOTATION,
        "motivation": "tagging",
        "body": [{"type": "TextualBody", "purpose": "tagging", "value": "margins"}, "https://example.org/some-resource"],
        "target": "https://example.org/essays/margins",  # the whole page: a note, not a highlight
    }
    _, (source,) = parse(json.dumps([tagging, ANNOTATION]))
    assert [c.exact for c in source.clippings if c.exact] == ["marked books"]
    # The whole-page annotation is not a highlight: its IRI body is a note, its tag the page's.
    (page_note,) = [c for c in source.clippings if not c.exact]
    assert page_note.note == "https://example.org/some-resource" and source.tags == ["margins"]


def test_w3c_collection_with_pages_not_embedded_holds_nothing_to_import() -> None:
    remote = {"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationCollection", "first": "https://example.org/page1"}
    with pytest.raises(ImportFailed, match="holds no highlights or notes to import"):
        parse(json.dumps(remote), "remote.jsonld")
