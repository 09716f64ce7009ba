"""Bytes to text: byte-order marks, UTF-16 without one, legacy code pages, binary refused."""

from __future__ import annotations

import codecs
import random

import pytest

from reader.core.errors import ImportFailed
from reader.core.importers import import_bytes
from reader.core.importers.encoding import decode

FRENCH = (
    "Le café de la gare était fermé ; les élèves ont dû attendre à côté. "
    "« Déjà vu », a-t-il dit devant la façade naïve du théâtre où l'on jouait Molière."
)
RUSSIAN = (
    "Президент России заявил, что переговоры продолжатся на следующей неделе в Москве. "
    "Министр иностранных дел подтвердил эту информацию журналистам."
)
JAPANESE = (
    "東京都は本日、新しい交通計画を発表しました。"
    "市民の皆さんの意見を聞きながら、来年から段階的に実施する予定です。"
)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(FRENCH.encode("utf-8"), id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + FRENCH.encode("utf-8"), id="utf-8 with BOM"),
        pytest.param(codecs.BOM_UTF16_LE + FRENCH.encode("utf-16-le"), id="utf-16-le with BOM"),
        pytest.param(codecs.BOM_UTF16_BE + FRENCH.encode("utf-16-be"), id="utf-16-be with BOM"),
        pytest.param(FRENCH.encode("utf-16-le"), id="utf-16-le without BOM"),
        pytest.param(FRENCH.encode("utf-16-be"), id="utf-16-be without BOM"),
        pytest.param(codecs.BOM_UTF32_LE + FRENCH.encode("utf-32-le"), id="utf-32-le with BOM"),
        pytest.param(FRENCH.encode("cp1252"), id="cp1252"),
        pytest.param(FRENCH.encode("latin-1"), id="latin-1"),
    ],
)
def test_french_comes_out_exactly(data: bytes) -> None:
    assert decode(data, "f.txt") == FRENCH


def test_cp1252_typographic_characters() -> None:
    text = FRENCH + " Il a payé “cinq” euros – 5 € – pour un café…"
    assert decode(text.encode("cp1252"), "f.txt") == text


@pytest.mark.parametrize("codec", ["cp1251", "koi8-r", "utf-16-le", "utf-16-be", "utf-8"])
def test_russian(codec: str) -> None:
    assert decode(RUSSIAN.encode(codec), "ru.txt") == RUSSIAN


@pytest.mark.parametrize("codec", ["shift_jis", "euc-jp", "utf-16-le", "utf-8"])
def test_japanese(codec: str) -> None:
    assert decode(JAPANESE.encode(codec), "ja.txt") == JAPANESE


def test_line_endings_become_newlines_and_bom_is_gone() -> None:
    assert decode(codecs.BOM_UTF8 + b"one\r\ntwo\rthree\n", "x.txt") == "one\ntwo\nthree\n"


def test_mostly_utf8_with_a_few_broken_bytes_keeps_its_accents() -> None:
    data = ("Grüße aus München, schöne Grüße. " * 5).encode() + b"\xff\xfe broken \xc3 tail"
    text = decode(data, "broken.txt")
    assert text.startswith("Grüße aus München")
    assert "\ufffd" in text and "tail" in text


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(random.Random(1).randbytes(4000), id="random bytes"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(2).randbytes(500), id="png"),
        pytest.param(b"\x00" * 1000, id="NULs"),
        pytest.param(b"text\x00with\x00nuls\x00and more text that is clearly not utf-16 at all", id="NULs in text"),
        pytest.param(b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + bytes(range(256)) * 4, id="elf"),
    ],
)
def test_binary_is_refused_with_a_sentence(data: bytes) -> None:
    with pytest.raises(ImportFailed) as info:
        decode(data, "blob.txt")
    message = str(info.value)
    assert message.startswith("'blob.txt' ") and message.endswith(".")


def test_control_characters_mean_binary() -> None:
    data = bytes(range(1, 9)) * 50 + b"some words"
    with pytest.raises(ImportFailed, match="binary"):
        decode(data, "ctl.txt")


def test_broken_utf16_after_a_bom_is_refused() -> None:
    with pytest.raises(ImportFailed, match="UTF-16-LE"):
        decode(codecs.BOM_UTF16_LE + b"a\x00\x00\xd8", "bad.txt")


def test_legacy_text_through_import_bytes() -> None:
    data = ("Новости дня\n\n" + RUSSIAN + "\n\nВторой абзац статьи о переговорах в Москве.\n").encode("cp1251")
    article = import_bytes(data, "news.txt")
    assert article.title == "Новости дня"
    assert RUSSIAN in article.text
