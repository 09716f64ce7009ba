from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.core.document import Block, Document, Span


def make_doc() -> Document:
    return Document(
        (
            Block("heading", "Title 😀", level=1),
            Block("paragraph", "Some emphasised words.", spans=(Span("emphasis", 5, 15),)),
            Block("code", "line one\nline two"),
            Block("list_item", "an item", level=1, marker="•"),
        )
    )


def test_canonical_text_joins_blocks_with_one_newline() -> None:
    doc = make_doc()
    assert doc.text == "Title 😀\nSome emphasised words.\nline one\nline two\nan item"
    assert doc.block_starts == (0, 8, 31, 49)
    for block, start, end in doc.iter_ranges():
        assert doc.text[start:end] == block.text


def test_block_index_at_maps_offsets_to_blocks() -> None:
    doc = make_doc()
    assert doc.block_index_at(0) == 0
    assert doc.block_index_at(7) == 0  # the separator after block 0 belongs to it
    assert doc.block_index_at(8) == 1
    assert doc.block_index_at(len(doc.text)) == 3


def test_json_round_trip_keeps_everything() -> None:
    doc = make_doc()
    again = Document.from_json(doc.to_json())
    assert again == doc
    assert again.text == doc.text


def test_outline_lists_kind_level_and_offsets() -> None:
    outline = make_doc().outline()
    assert outline[0] == {"kind": "heading", "level": 1, "start": 0, "end": 7}
    assert [b["kind"] for b in outline] == ["heading", "paragraph", "code", "list_item"]


@pytest.mark.parametrize(
    "bad",
    [
        lambda: Block("table", "x"),
        lambda: Block("paragraph", "two\nlines"),
        lambda: Block("paragraph", "abc", spans=(Span("strong", 0, 9),)),
        lambda: Span("blink", 0, 1),
        lambda: Span("strong", 3, 1),
    ],
)
def test_invalid_blocks_are_refused(bad) -> None:
    with pytest.raises(ValueError):
        bad()


@given(st.lists(st.text(alphabet=st.characters(blacklist_characters="\n"), max_size=30), min_size=1, max_size=8))
def test_offsets_always_line_up(paragraphs: list[str]) -> None:
    doc = Document.from_paragraphs(paragraphs)
    assert doc.text.split("\n") == paragraphs
    for block, start, end in doc.iter_ranges():
        assert doc.text[start:end] == block.text
