"""Build small EPUB files in memory for the importer tests."""

from __future__ import annotations

import io
import zipfile

CONTAINER = """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="{opf}" media-type="application/oebps-package+xml"/></rootfiles>
</container>"""


def chapter(title: str, body: str, doctype: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{doctype}\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
        f"<head><title>{title}</title></head><body>{body}</body></html>"
    )


def opf(
    *,
    title: str = "A Test Book",
    creator: str = "Ada Author",
    date: str = "2019-04-01",
    language: str = "en",
    items: list[tuple[str, str, str, str]] = (),  # id, href, media-type, properties
    spine: list[str] = (),
    toc: str | None = None,
    extra_meta: str = "",
) -> str:
    manifest = "".join(
        f'<item id="{i}" href="{h}" media-type="{t}"' + (f' properties="{p}"' if p else "") + "/>"
        for i, h, t, p in items
    )
    itemrefs = "".join(f'<itemref idref="{i}"/>' for i in spine)
    toc_attr = f' toc="{toc}"' if toc else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf">'
        f"<dc:identifier id=\"id\">urn:test</dc:identifier><dc:title>{title}</dc:title>"
        f"<dc:creator>{creator}</dc:creator><dc:date>{date}</dc:date><dc:language>{language}</dc:language>"
        f"{extra_meta}</metadata>"
        f"<manifest>{manifest}</manifest><spine{toc_attr}>{itemrefs}</spine></package>"
    )


def build(files: dict[str, str | bytes], *, opf_path: str = "OEBPS/content.opf", container: bool = True,
          compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        if container:
            zf.writestr("META-INF/container.xml", CONTAINER.format(opf=opf_path), compress_type=compression)
        for path, content in files.items():
            zf.writestr(path, content, compress_type=compression)
    return buf.getvalue()


def simple_book(**opf_args: object) -> bytes:
    """Two chapters, an NCX, a nav document and a cover image."""
    files = {
        "OEBPS/content.opf": opf(
            items=[
                ("nav", "nav.xhtml", "application/xhtml+xml", "nav"),
                ("ncx", "toc.ncx", "application/x-dtbncx+xml", ""),
                ("cover", "images/cover.jpg", "image/jpeg", "cover-image"),
                ("c1", "text/chapter1.xhtml", "application/xhtml+xml", ""),
                ("c2", "text/chapter2.xhtml", "application/xhtml+xml", ""),
            ],
            spine=["c1", "c2"],
            toc="ncx",
            **opf_args,  # type: ignore[arg-type]
        ),
        "OEBPS/nav.xhtml": chapter("Contents", '<nav epub:type="toc"><ol>'
                                   '<li><a href="text/chapter1.xhtml">The Beginning</a></li>'
                                   '<li><a href="text/chapter2.xhtml#start">The Middle</a></li></ol></nav>'),
        "OEBPS/images/cover.jpg": b"\xff\xd8\xff\xe0 not really a jpeg",
        "OEBPS/text/chapter1.xhtml": chapter("A Test Book", "<h1>Chapter One</h1><p>It was a <em>dark</em> night.</p>"
                                             '<p><img src="../images/map.png" alt="A map"/></p>'),
        "OEBPS/text/chapter2.xhtml": chapter("A Test Book", "<p>The middle had no heading of its own.</p>"),
    }
    return build(files)
