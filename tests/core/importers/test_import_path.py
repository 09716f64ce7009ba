"""Bad input through import_path / import_bytes: one sentence naming the input, never a crash."""

from __future__ import annotations

import io
import os
import random
import shutil
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.errors import ImportFailed
from reader.core.importers import MAX_IMPORT_BYTES, import_bytes, import_path
from tests.core.importers.epub_factory import simple_book

SAMPLE = Path("/work/shared/samples/atacms-news.txt")


def refused(path: Path | str, match: str) -> str:
    with pytest.raises(ImportFailed, match=match) as info:
        import_path(path)
    message = str(info.value)
    assert message.startswith(f"'{os.fspath(path)}' "), message
    assert message.endswith(".") and "\n" not in message, message
    return message


def test_empty_and_whitespace_only(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    refused(empty, "is empty")
    blank = tmp_path / "blank.md"
    blank.write_bytes(b" \n\t\r\n  \n")
    refused(blank, "is empty")
    bom_only = tmp_path / "bom.txt"
    bom_only.write_bytes(b"\xef\xbb\xbf\n\n")
    refused(bom_only, "is empty")


def test_html_with_no_text(tmp_path: Path) -> None:
    page = tmp_path / "blank.html"
    page.write_text("<html><head><script>x()</script></head><body><div> </div></body></html>")
    refused(page, "has no readable text")


def test_binary_files(tmp_path: Path) -> None:
    noise = tmp_path / "noise.txt"
    noise.write_bytes(random.Random(7).randbytes(5000))
    refused(noise, "binary")
    png = tmp_path / "photo.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(8).randbytes(300))
    assert refused(png, "PNG image") == f"'{png}' is a PNG image, not an article Reader can import."
    disguised = tmp_path / "disguised.txt"  # the name says text, the bytes say PNG
    disguised.write_bytes(png.read_bytes())
    refused(disguised, "PNG image")


def test_unknown_formats(tmp_path: Path) -> None:
    archive = tmp_path / "archive.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a.txt", "hello")
    refused(archive, "is a zip archive, not an article or an EPUB book")
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    refused(pdf, "PDF document")
    fake_epub = tmp_path / "fake.epub"
    fake_epub.write_text("this is just text with the wrong name")
    refused(fake_epub, "not a valid EPUB")


def test_undecodable(tmp_path: Path) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"\xff\xfe" + b"a\x00\x00\xd8")  # UTF-16 BOM, then a lone surrogate
    refused(broken, "byte-order mark but is not valid")


def test_too_large_without_writing_it(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(MAX_IMPORT_BYTES + 1)  # sparse: no 50 MB written
    refused(big, r"too large to import \(50\.0 MB; the limit is 50 MB\)")


def test_missing_path(tmp_path: Path) -> None:
    refused(tmp_path / "nowhere.txt", "does not exist")


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    refused(folder, "is a directory, not a file")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_path_by_mode(tmp_path: Path) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("secret words")
    locked.chmod(0)
    try:
        refused(locked, "permission denied")
    finally:
        locked.chmod(0o600)


def test_unreadable_path_even_as_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("secret words")

    def denied(self: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", denied)
    refused(locked, "cannot be read: permission denied")


def test_sample_news_text_keeps_its_shape() -> None:
    article = import_path(SAMPLE)
    assert article.title == "Biden approves use of long-range missiles in Russian territory"
    assert article.published == datetime(2024, 11, 17, 15, 26)
    assert "17 November 2024" not in article.text
    headings = [(b.text, b.level) for b in article.document.blocks if b.kind == "heading"]
    assert headings == [("North Korean engagement", 2), ("International support", 2)]
    assert article.document.blocks[0].text.startswith("President Joe Biden has, for the first time")


# ------------------------------------------------------------------ fuzzing

MARKDOWN = b"---\ntitle: Fuzz\n---\n# Head\n\nSome *text* with [a link](https://x.example).\n\n- one\n  - two\n\n> quote\n\n```\ncode\n```\n"
HTML = (
    b"<!DOCTYPE html><html><head><title>Fuzz page</title><meta property='og:site_name' content='S'></head>"
    b"<body><article><h1>Fuzz page</h1><p>First <b>bold</b> and <a href='/x'>link</a>.</p><ul><li>item</li></ul>"
    b"<pre>code\n  block</pre><img src='a.png' alt='pic'><table><tr><td>a</td><td>b</td></tr></table>"
    b"<script>alert(1)</script></article></body></html>"
)
TEXT = SAMPLE.read_bytes()
EPUB = simple_book()
SEEDS = {"sample.txt": TEXT, "notes.md": MARKDOWN, "page.html": HTML, "book.epub": EPUB}
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)


def import_or_refuse(data: bytes, name: str) -> None:
    try:
        article = import_bytes(data, name)
    except ImportFailed as exc:
        message = str(exc)
        assert message.startswith(f"'{name}' ") and message.endswith("."), message
        assert "internal error" not in message, message  # the last-resort guard must not be needed
        return
    for block in article.document.blocks:
        assert block.kind == "code" or "\n" not in block.text
    assert isinstance(article.title, str) and article.title


@FUZZ
@given(data=st.binary(max_size=4096), name=st.sampled_from(["f.txt", "f.md", "f.html", "f.epub", "noext"]))
def test_random_bytes_only_ever_raise_import_failed(data: bytes, name: str) -> None:
    import_or_refuse(data, name)


@FUZZ
@given(name=st.sampled_from(sorted(SEEDS)), cut=st.floats(0, 1), flips=st.lists(st.integers(0, 10**9), max_size=4))
def test_truncated_and_damaged_real_files_only_ever_raise_import_failed(name: str, cut: float, flips: list[int]) -> None:
    data = bytearray(SEEDS[name][: int(len(SEEDS[name]) * cut)])
    for position in flips:
        if data:
            data[position % len(data)] ^= 0xFF
    import_or_refuse(bytes(data), name)


def test_epub_with_every_member_truncated() -> None:
    with zipfile.ZipFile(io.BytesIO(EPUB)) as zf:
        members = {info.filename: zf.read(info) for info in zf.infolist()}
    for victim in members:
        for keep in (0, 10, 60):
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w") as zf:
                for name, content in members.items():
                    zf.writestr(name, content[:keep] if name == victim else content)
            import_or_refuse(buf.getvalue(), "book.epub")


def test_copy_of_sample_imports_through_a_path_with_spaces(tmp_path: Path) -> None:
    target = tmp_path / "my saved news.txt"
    shutil.copy(SAMPLE, target)
    assert import_path(target).source_path == str(target.resolve())


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_named_pipe_and_device_are_refused_without_blocking(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    refused(pipe, "not a regular file")
    if Path("/dev/zero").exists():
        refused("/dev/zero", "not a regular file")
