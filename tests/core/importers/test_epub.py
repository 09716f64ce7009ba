"""EPUB books: metadata, reading order, headings, odd manifests, and hostile archives."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import pytest

from reader.core.errors import ImportFailed
from reader.core.importers import import_bytes, import_path
from reader.core.importers.epub import parse_epub
from tests.core.importers.epub_factory import build, chapter, opf, simple_book

XHTML = "application/xhtml+xml"


def outline(article):
    return [(b.kind, b.text) for b in article.document.blocks]


def test_simple_book_metadata_order_cover_and_headings() -> None:
    article = parse_epub(simple_book(), "book.epub")
    assert article.title == "A Test Book"
    assert article.author == "Ada Author"
    assert article.published == datetime(2019, 4, 1)
    assert article.extra["language"] == "en"
    assert article.format == "epub"
    assert outline(article) == [
        ("image", "Cover"),
        ("heading", "Chapter One"),
        ("paragraph", "It was a dark night."),
        ("image", "A map"),
        ("heading", "The Middle"),  # from the TOC: the chapter has no heading
        ("paragraph", "The middle had no heading of its own."),
    ]
    blocks = article.document.blocks
    assert blocks[0].src == "OEBPS/images/cover.jpg"
    assert blocks[3].src == "OEBPS/images/map.png"
    emphasis = blocks[2].spans[0]
    assert blocks[2].text[emphasis.start:emphasis.end] == "dark"


def test_import_path_recognises_an_epub(tmp_path) -> None:
    path = tmp_path / "novel.epub"
    path.write_bytes(simple_book())
    article = import_path(path)
    assert article.format == "epub" and article.title == "A Test Book"


def test_ncx_only_toc_and_title_fallbacks() -> None:
    ncx = (
        '<?xml version="1.0"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"><navMap>'
        '<navPoint id="p1"><navLabel><text>Opening</text></navLabel><content src="ch%201.html#top"/></navPoint>'
        "</navMap></ncx>"
    )
    files = {
        "content.opf": opf(
            items=[("ncx", "toc.ncx", "application/x-dtbncx+xml", ""),
                   ("a", "ch%201.html", XHTML, ""), ("b", "two.xhtml", XHTML, "")],
            spine=["a", "b"], toc="ncx", date="2001",
        ),
        "toc.ncx": ncx,
        "ch 1.html": chapter("A Test Book", "<p>First words.</p>"),
        "two.xhtml": chapter("Second Title", "<p>Second words.</p>"),
    }
    article = parse_epub(build(files, opf_path="content.opf"), "b.epub")
    assert outline(article) == [
        ("heading", "Opening"), ("paragraph", "First words."),
        ("heading", "Second Title"), ("paragraph", "Second words."),
    ]
    assert article.published == datetime(2001, 1, 1)


def test_no_toc_at_all_uses_the_file_name() -> None:
    files = {
        "OPS/book.opf": opf(items=[("x", "chapter_three.xhtml", XHTML, "")], spine=["x"], title="T"),
        "OPS/chapter_three.xhtml": chapter("T", "<p>Words.</p>"),
    }
    article = parse_epub(build(files, opf_path="OPS/book.opf"), "b.epub")
    assert outline(article) == [("heading", "chapter three"), ("paragraph", "Words.")]


def test_unusual_manifest_is_tolerated() -> None:
    files = {
        "OEBPS/content.opf": opf(
            items=[
                ("frag", "Text/one.xhtml#section1", XHTML, ""),  # fragment in a manifest href
                ("gone", "Text/missing.xhtml", XHTML, ""),  # in the spine, not in the zip
                ("dup", "./Text/../Text/one.xhtml", XHTML, ""),  # the same file twice
                ("css", "style.css", "text/css", ""),  # not a chapter
                ("enc", "Text/caf%C3%A9.xhtml", XHTML, ""),  # URL-encoded name
                ("cap", "TEXT/Case.XHTML", XHTML, ""),  # wrong case
            ],
            spine=["frag", "gone", "nonexistent-id", "dup", "css", "enc", "cap"],
        ),
        "OEBPS/Text/one.xhtml": chapter("One", "<h2>One</h2><p>First.</p>"),
        "OEBPS/Text/café.xhtml": chapter("Cafe", "<p>Second.</p>"),
        "OEBPS/Text/case.xhtml": chapter("Case", "<p>Third.</p>"),
        "OEBPS/Text/extra-not-in-manifest.xhtml": chapter("Extra", "<p>Never read.</p>"),
        "OEBPS/style.css": "p { color: red }",
    }
    article = parse_epub(build(files), "odd.epub")
    assert outline(article) == [
        ("heading", "One"), ("paragraph", "First."),
        ("heading", "Cafe"), ("paragraph", "Second."),
        ("heading", "Case"), ("paragraph", "Third."),
    ]
    assert "OEBPS/Text/missing.xhtml" in article.extra["skipped_chapters"]


def test_malformed_xhtml_and_html_entities_are_read_as_html() -> None:
    files = {
        "OEBPS/content.opf": opf(items=[("c", "c.xhtml", XHTML, "")], spine=["c"]),
        "OEBPS/c.xhtml": '<html><head><title>Loose</title></head><body><p>Caf&eacute;&nbsp;time<br>'
                         "<p>Unclosed <b>tags</body></html>",
    }
    article = parse_epub(build(files), "loose.epub")
    assert outline(article) == [("heading", "Loose"), ("paragraph", "Café\xa0time"), ("paragraph", "Unclosed tags")]


def test_svg_cover_page_and_hostile_chapter_content() -> None:
    svg_cover = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<image xlink:href="../img/cover.png"/><script>alert("XSS")</script></svg>'
    )
    files = {
        "OEBPS/content.opf": opf(
            items=[("cv", "Text/cover.xhtml", XHTML, ""), ("c", "Text/c.xhtml", XHTML, ""),
                   ("img", "img/cover.png", "image/png", "")],
            spine=["cv", "c"], extra_meta='<meta name="cover" content="img"/>',
        ),
        "OEBPS/Text/cover.xhtml": chapter("Cover", svg_cover),
        "OEBPS/img/cover.png": b"\x89PNG",
        "OEBPS/Text/c.xhtml": chapter(
            "C", '<h1>Real</h1><script>alert("XSS")</script><p onclick="alert(1)">Text '
                 '<a href="javascript:alert(1)">js</a> <a href="https://ok.example/">ok</a></p>'
                 '<img src="file:///etc/passwd" alt="f"/><iframe src="https://evil.example/">XSS</iframe>',
        ),
    }
    article = parse_epub(build(files), "c.epub")
    assert outline(article) == [("image", "Cover"), ("heading", "Real"), ("paragraph", "Text js ok"), ("image", "f")]
    blocks = article.document.blocks
    assert blocks[0].src == "OEBPS/img/cover.png"
    assert [s.href for s in blocks[2].spans] == ["https://ok.example/"]
    assert blocks[3].src is None
    assert "alert" not in article.text and "XSS" not in article.text


# ------------------------------------------------------------------ refusals


def refused(data: bytes, match: str) -> str:
    with pytest.raises(ImportFailed, match=match) as info:
        parse_epub(data, "bad.epub")
    message = str(info.value)
    assert message.startswith("'bad.epub' is not a valid EPUB: ") and message.endswith(".")
    return message


def test_broken_zip_is_refused() -> None:
    refused(b"PK\x03\x04 this is not really a zip archive" * 10, "zip archive is damaged")
    refused(simple_book()[:200], "zip archive is damaged")


def test_missing_container_and_missing_opf() -> None:
    refused(build({"OEBPS/c.xhtml": chapter("x", "<p>x</p>")}, container=False), "container.xml")
    refused(build({"OEBPS/c.xhtml": chapter("x", "<p>x</p>")}), "no package")


def test_damaged_member_data_is_refused() -> None:
    data = bytearray(simple_book())
    # Corrupt the deflated bytes of container.xml (just after its local header and name).
    start = data.index(b"META-INF/container.xml") + len("META-INF/container.xml")
    for i in range(start + 5, start + 40):
        data[i] ^= 0x5A
    refused(bytes(data), "damaged|not well-formed")


def test_zip_bomb_by_declared_size() -> None:
    # Five members that say they unpack to 45 MB each (225 MB in all); only 1 MB is written.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("META-INF/container.xml", "x")
        for i in range(5):
            zf.writestr(f"bomb{i}.txt", b"\0" * 2**20)
    data = buf.getvalue().replace((2**20).to_bytes(4, "little"), (45 * 2**20).to_bytes(4, "little"))
    refused(data, "zip bomb")


def test_zip_bomb_lying_about_its_size() -> None:
    # Declares 1 KB but unpacks to 5 MB: caught while reading, not trusted from the header.
    payload = b"<?xml version='1.0'?><container>" + b" " * (5 * 1024 * 1024)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("META-INF/container.xml", payload)
    data = bytearray(buf.getvalue())
    real = len(payload).to_bytes(4, "little")
    fake = (1024).to_bytes(4, "little")
    data = data.replace(real, fake)  # in the local header and the central directory
    refused(bytes(data), "zip bomb|damaged")


def test_billion_laughs_in_the_opf_is_refused_quickly() -> None:
    lol = (
        '<?xml version="1.0"?><!DOCTYPE package [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
        + ']><package xmlns="http://www.idpf.org/2007/opf"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<dc:title>&lol9;</dc:title></metadata><manifest/><spine/></package>"
    )
    refused(build({"OEBPS/content.opf": lol}), "entities")


def test_xxe_in_a_chapter_does_not_leak_files() -> None:
    evil = chapter("x", "<p>&xxe;</p>", doctype='<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')
    files = {"OEBPS/content.opf": opf(items=[("c", "c.xhtml", XHTML, "")], spine=["c"]), "OEBPS/c.xhtml": evil}
    message = refused(build(files), "entities")
    assert "root:" not in message


def test_xxe_in_container_xml_is_refused() -> None:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as zf:
        zf.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]><container>&x;</container>',
        )
    refused(data.getvalue(), "entities")


def test_book_without_readable_chapters_is_refused() -> None:
    files = {"OEBPS/content.opf": opf(items=[("c", "gone.xhtml", XHTML, "")], spine=["c"])}
    refused(build(files), "no readable chapters")


def test_plain_zip_is_not_an_epub() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("notes.txt", "hello")
    with pytest.raises(ImportFailed, match=r"^'archive.zip' is a zip archive, not an article or an EPUB book\.$"):
        import_bytes(buf.getvalue(), "archive.zip")


def test_deeply_nested_chapter_is_flattened_quickly() -> None:
    import time

    deep = chapter("Deep", "<div>" * 100_000 + "<p>At the bottom.</p>" + "</div>" * 100_000)
    files = {"OEBPS/content.opf": opf(items=[("c", "c.xhtml", XHTML, "")], spine=["c"]), "OEBPS/c.xhtml": deep}
    started = time.monotonic()
    article = parse_epub(build(files), "deep.epub")
    assert time.monotonic() - started < 5
    assert outline(article) == [("heading", "Deep"), ("paragraph", "At the bottom.")]


def test_container_pointing_nowhere_falls_back_to_the_only_opf() -> None:
    files = {
        "pkg/book.opf": opf(items=[("c", "c.xhtml", XHTML, "")], spine=["c"], title="Found"),
        "pkg/c.xhtml": chapter("C", "<h1>Hello</h1><p>World.</p>"),
    }
    article = parse_epub(build(files, opf_path="wrong/place.opf"), "x.epub")
    assert article.title == "Found" and outline(article) == [("heading", "Hello"), ("paragraph", "World.")]


def test_manifest_paths_cannot_escape_the_book() -> None:
    files = {
        "OEBPS/content.opf": opf(items=[("c", "../../../etc/passwd", XHTML, ""), ("d", "d.xhtml", XHTML, "")], spine=["c", "d"]),
        "OEBPS/d.xhtml": chapter("D", "<p>Fine.</p>"),
    }
    article = parse_epub(build(files), "x.epub")
    assert outline(article) == [("heading", "D"), ("paragraph", "Fine.")]


def test_one_member_compressed_like_a_bomb_is_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("META-INF/container.xml", "x")
        zf.writestr("OEBPS/fill.xhtml", b"\0" * (20 * 1024 * 1024))  # 20 MB in ~20 KB
    refused(buf.getvalue(), "compressed suspiciously well")
