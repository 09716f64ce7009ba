from __future__ import annotations

import time

import pytest

from reader.ui.textpos import TextPositions, from_qt, qt_length, to_qt


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plain ascii",
        "café — naïve",
        "😀🎉 party",
        "a😀b🎉c",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math and 𠀀 CJK ext B\nnext line 👩‍👩‍👧",
    ],
)
def test_round_trip_matches_utf16(text: str) -> None:
    for offset in range(len(text) + 1):
        pos = to_qt(text, offset)
        assert pos == utf16_len(text[:offset])
        assert from_qt(text, pos) == offset
    assert qt_length(text) == utf16_len(text)


def test_position_inside_surrogate_pair_rounds_to_the_character_start() -> None:
    text = "x😀y"
    assert from_qt(text, 2) == 1  # between the two halves of 😀
    assert from_qt(text, 3) == 2


def test_long_text_converts_fast() -> None:
    text = ("word " * 20 + "🎉") * 10_000  # ~1 MB with 10,000 emoji
    table = TextPositions(text)
    started = time.perf_counter()
    for offset in range(0, len(text), 97):
        assert table.from_qt(table.to_qt(offset)) == offset
    assert time.perf_counter() - started < 1.0
    assert table.to_qt(len(text)) == utf16_len(text)
