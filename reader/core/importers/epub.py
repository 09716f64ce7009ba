"""EPUB books (2 and 3), read with zipfile and lxml only.

container.xml names the package (OPF) file; the OPF gives the metadata, the manifest and
the reading order (spine). Each chapter goes through the same sanitiser and HTML walker as
web pages and starts with a heading. Nothing is ever loaded from the network or the disk:
images keep their path inside the book as ``src``.

Hostile books are refused with one sentence: a damaged zip, a zip bomb (declared or
actual sizes past the limits), XML that declares entities (billion laughs, XXE).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.etree as etree

from reader.core.document import Block, Document
from reader.core.errors import ImportFailed
from reader.core.importers import ImportedArticle, describe
from reader.core.importers.blocks import IMAGE_SCHEMES, LINK_SCHEMES, collapse, safe_url
from reader.core.importers.html import blocks_from_html, guard_nesting, sanitize

MAX_TOTAL_BYTES = 200 * 1024 * 1024  # all members, uncompressed
MAX_MEMBER_BYTES = 50 * 1024 * 1024  # one member, uncompressed
MAX_RATIO = 500  # uncompressed / compressed (deflate tops out near 1030), for large members
RATIO_FLOOR = 8 * 1024 * 1024
MAX_MEMBERS = 20_000

CONTAINER = "META-INF/container.xml"
XHTML_TYPES = {"application/xhtml+xml", "text/html", "application/xml", "text/xml", "application/x-dtbook+xml"}
NS_SVG = "http://www.w3.org/2000/svg"
NS_XLINK = "http://www.w3.org/1999/xlink"
NS_OPS = "http://www.idpf.org/2007/ops"

_YEAR_MONTH_DAY = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")


class _Refused(Exception):
    """Internal: the reason a book is refused, turned into ImportFailed with its name."""


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _parse_xml(raw: bytes, what: str) -> etree._Element:
    """Parse XML that must never expand an entity or reach a file or the network."""
    if b"<!ENTITY" in raw or "<!ENTITY".encode("utf-16-le") in raw or "<!ENTITY".encode("utf-16-be") in raw:
        raise _Refused(f"its {what} declares XML entities, which Reader does not expand")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
        remove_comments=True, remove_pis=True,
    )
    try:
        root = etree.fromstring(raw, parser)
    except (etree.XMLSyntaxError, ValueError):
        raise _Refused(f"its {what} is not well-formed XML") from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise _Refused(f"its {what} declares XML entities, which Reader does not expand")
    return root


def _normalise(path: str) -> str:
    path = path.replace("\\", "/")
    while path.startswith(("./", "/")):
        path = path[2:] if path.startswith("./") else path[1:]
    return path


def _resolve(base_dir: str, href: str | None) -> str | None:
    """A manifest or link href, relative to ``base_dir``, as a path in the zip (no fragment)."""
    if not href:
        return None
    try:
        parts = urlsplit(href.strip())
    except ValueError:
        return None
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    if not path:
        return None
    joined = posixpath.normpath(posixpath.join(base_dir, path)) if not path.startswith("/") else path
    joined = _normalise(joined)
    if joined.startswith("../") or joined in ("", ".", ".."):
        return None
    return joined


class _Book:
    """The zip with its limits: declared sizes checked up front, actual ones while reading."""

    def __init__(self, zf: zipfile.ZipFile):
        self.zf = zf
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise _Refused(f"it holds too many files ({len(infos)})")
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
                raise _Refused(
                    f"it unpacks to more than {MAX_TOTAL_BYTES // 2**20} MB, which looks like a zip bomb"
                    if total > MAX_TOTAL_BYTES
                    else f"one of its files unpacks to more than {MAX_MEMBER_BYTES // 2**20} MB"
                )
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise _Refused("one of its files is compressed suspiciously well, which looks like a zip bomb")
        self.by_name = {_normalise(i.filename): i for i in infos if not i.is_dir()}
        self.by_lower = {name.lower(): info for name, info in self.by_name.items()}
        self.read_total = 0

    def info(self, path: str) -> zipfile.ZipInfo | None:
        path = _normalise(path)
        return self.by_name.get(path) or self.by_lower.get(path.lower())

    def has(self, path: str) -> bool:
        return self.info(path) is not None

    def read(self, path: str) -> bytes | None:
        """A member's bytes, None when absent; sizes are checked as they really unpack."""
        info = self.info(path)
        if info is None:
            return None
        limit = min(MAX_MEMBER_BYTES, MAX_TOTAL_BYTES - self.read_total)
        try:
            with self.zf.open(info) as fh:
                data = fh.read(limit + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise _Refused(f"{path} inside it is damaged ({type(exc).__name__})") from None
        except (RuntimeError, NotImplementedError):
            raise _Refused(f"{path} inside it is encrypted or uses an unknown compression") from None
        if len(data) > limit:
            raise _Refused("it unpacks to more than its stated size, which looks like a zip bomb")
        self.read_total += len(data)
        return data


def _opf_path(book: _Book) -> str:
    raw = book.read(CONTAINER)
    if raw is None:
        raise _Refused("it has no META-INF/container.xml")
    root = _parse_xml(raw, "container.xml")
    rootfiles = [el for el in root.iter() if _local(el) == "rootfile" and el.get("full-path")]
    preferred = [el for el in rootfiles if el.get("media-type", "") == "application/oebps-package+xml"]
    for el in preferred + rootfiles:
        path = _normalise(unquote(el.get("full-path", "")))
        if book.has(path):
            return path
    # container.xml names nothing usable; a lone .opf in the zip is the package all the same.
    opfs = [name for name in book.by_name if name.lower().endswith(".opf")]
    if len(opfs) == 1:
        return opfs[0]
    raise _Refused("it has no package (OPF) file")


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    from reader.core.importers.html import parse_date

    parsed = parse_date(value)
    if parsed is not None:
        return parsed
    m = _YEAR_MONTH_DAY.match(value)
    if not m:
        return None
    try:
        return datetime(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        return None


def _metadata(opf: etree._Element) -> dict[str, object]:
    meta: dict[str, object] = {}
    metadata = next((el for el in opf.iter() if _local(el) == "metadata"), None)
    if metadata is None:
        return meta
    creators: list[str] = []
    dates: list[tuple[int, str]] = []
    for el in metadata.iter():
        name = _local(el)
        text = collapse("".join(el.itertext()))
        if name == "title" and text and "title" not in meta:
            meta["title"] = text
        elif name == "creator" and text:
            creators.append(text)
        elif name == "date" and text:
            event = (el.get("{http://www.idpf.org/2007/opf}event") or el.get("event") or "").lower()
            dates.append((0 if event == "publication" else 1, text))
        elif name == "language" and text and "language" not in meta:
            meta["language"] = text
        elif name == "meta" and el.get("name") == "cover" and el.get("content"):
            meta["cover_id"] = el.get("content")
    if creators:
        meta["author"] = ", ".join(dict.fromkeys(creators))
    if dates:
        meta["date"] = sorted(dates)[0][1]
    return meta


def _manifest(opf: etree._Element, opf_dir: str) -> dict[str, dict[str, str]]:
    items: dict[str, dict[str, str]] = {}
    for el in opf.iter():
        if _local(el) != "item" or not el.get("id"):
            continue
        path = _resolve(opf_dir, el.get("href"))
        if path is None:
            continue
        items.setdefault(el.get("id", ""), {
            "path": path,
            "type": (el.get("media-type") or "").lower(),
            "properties": el.get("properties") or "",
        })
    return items


def _spine(opf: etree._Element) -> tuple[list[str], str | None]:
    spine = next((el for el in opf.iter() if _local(el) == "spine"), None)
    if spine is None:
        return [], None
    idrefs = [el.get("idref", "") for el in spine if _local(el) == "itemref" and el.get("idref")]
    return idrefs, spine.get("toc")


def _toc_labels(book: _Book, manifest: dict[str, dict[str, str]], toc_id: str | None) -> dict[str, str]:
    """Chapter path -> its label in the book's table of contents (nav first, then NCX)."""
    labels: dict[str, str] = {}
    nav = next((item for item in manifest.values() if "nav" in item["properties"].split()), None)
    if nav is not None:
        try:
            raw = book.read(nav["path"])
            root = _parse_xml(raw, "navigation document") if raw else None
        except _Refused:
            root = None
        if root is not None:
            navs = [el for el in root.iter() if _local(el) == "nav"]
            toc = next((n for n in navs if (n.get(f"{{{NS_OPS}}}type") or "") == "toc"), navs[0] if navs else None)
            base = posixpath.dirname(nav["path"])
            for a in toc.iter() if toc is not None else ():
                if _local(a) == "a":
                    path = _resolve(base, a.get("href"))
                    label = collapse("".join(a.itertext()))
                    if path and label:
                        labels.setdefault(path, label)
    if labels:
        return labels
    ncx = manifest.get(toc_id or "") or next(
        (item for item in manifest.values() if item["type"] == "application/x-dtbncx+xml"), None
    )
    if ncx is not None:
        try:
            raw = book.read(ncx["path"])
            root = _parse_xml(raw, "NCX table of contents") if raw else None
        except _Refused:
            root = None
        if root is not None:
            base = posixpath.dirname(ncx["path"])
            for point in root.iter():
                if _local(point) != "navPoint":
                    continue
                label_el = next((el for el in point.iter() if _local(el) == "text"), None)
                content = next((el for el in point.iter() if _local(el) == "content"), None)
                if label_el is None or content is None:
                    continue
                path = _resolve(base, content.get("src"))
                label = collapse("".join(label_el.itertext()))
                if path and label:
                    labels.setdefault(path, label)
    return labels


def _chapter_markup(raw: bytes, name: str) -> tuple[str, str]:
    """(body markup, <title> text) of one chapter; XHTML when it parses, else as HTML."""
    try:
        root = _parse_xml(raw, "chapter")
    except _Refused as refusal:
        if "entities" in str(refusal):
            raise
        root = None
    if root is not None:
        title_el = next((el for el in root.iter() if _local(el) == "title"), None)
        title = collapse("".join(title_el.itertext())) if title_el is not None else ""
        body = next((el for el in root.iter() if _local(el) == "body"), None)
        if body is None:
            return "", title
        # An SVG cover page shows its picture through <image xlink:href>; keep that as <img>.
        for svg in [el for el in body.iter(f"{{{NS_SVG}}}svg")]:
            href = next(
                (im.get(f"{{{NS_XLINK}}}href") or im.get("href") for im in svg.iter(f"{{{NS_SVG}}}image")),
                None,
            )
            parent = svg.getparent()
            if parent is None:
                continue
            if href:
                img = etree.Element("img", src=href, alt="")
                img.tail = svg.tail
                parent.replace(svg, img)
            else:
                parent.remove(svg)
        return etree.tostring(body, encoding="unicode", method="html"), title
    # Not well-formed XML (many real books): read it as HTML, which expands no entities.
    from reader.core.importers import encoding

    text = encoding.decode(raw, name)
    m = re.search(r"<title[^>]*>(.*?)</title>", text[:20000], re.S | re.I)
    return text, collapse(re.sub(r"<[^>]+>", "", m.group(1))) if m else ""


def _pretty_stem(path: str) -> str:
    return Path(path).stem.replace("_", " ").replace("-", " ").strip()


def parse_epub(data: bytes, name: str) -> ImportedArticle:
    shown = describe(name)
    try:
        return _parse(data, name)
    except _Refused as refusal:
        raise ImportFailed(f"{shown} is not a valid EPUB: {refusal}.") from None


def _parse(data: bytes, name: str) -> ImportedArticle:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, IndexError):
        raise _Refused("the zip archive is damaged") from None
    with zf:
        try:
            book = _Book(zf)
        except (zipfile.BadZipFile, ValueError):
            raise _Refused("the zip archive is damaged") from None
        opf_path = _opf_path(book)
        opf_raw = book.read(opf_path)
        assert opf_raw is not None
        opf = _parse_xml(opf_raw, "package (OPF) file")
        opf_dir = posixpath.dirname(opf_path)
        meta = _metadata(opf)
        manifest = _manifest(opf, opf_dir)
        spine, toc_id = _spine(opf)
        labels = _toc_labels(book, manifest, toc_id)
        book_title = str(meta.get("title") or "")

        blocks: list[Block] = []
        cover = manifest.get(str(meta.get("cover_id", ""))) or next(
            (item for item in manifest.values() if "cover-image" in item["properties"].split()), None
        )
        cover_src = cover["path"] if cover and cover["type"].startswith("image/") and book.has(cover["path"]) else None
        if cover_src:
            blocks.append(Block("image", "Cover", src=cover_src))

        skipped: list[str] = []
        chapters = 0
        seen: set[str] = set()
        for idref in spine:
            item = manifest.get(idref)
            if item is None or item["path"] in seen:
                skipped.append(idref)
                continue
            seen.add(item["path"])
            if item["type"] and item["type"] not in XHTML_TYPES:
                skipped.append(item["path"])
                continue
            try:
                raw = book.read(item["path"])
            except _Refused:
                raw = None  # one damaged chapter does not sink the book
            if raw is None:
                skipped.append(item["path"])
                continue
            try:
                markup, own_title = _chapter_markup(raw, f"{name}:{item['path']}")
            except ImportFailed:
                skipped.append(item["path"])
                continue
            chapter_dir = posixpath.dirname(item["path"])

            def resolve_src(src: str | None, _dir: str = chapter_dir) -> str | None:
                if src and urlsplit(src.strip()).scheme:
                    return safe_url(src, None, IMAGE_SCHEMES)
                return _resolve(_dir, src)

            chapter = blocks_from_html(
                sanitize(guard_nesting(markup, describe(name))),
                resolve_src=resolve_src,
                resolve_href=lambda href: safe_url(href, None, LINK_SCHEMES),
            )
            # The cover page repeats the cover picture we already show first.
            chapter = [b for b in chapter if not (b.kind == "image" and b.src == cover_src)]
            if not any(b.kind != "image" for b in chapter):
                blocks.extend(chapter)
                continue
            chapters += 1
            if chapter[0].kind != "heading":
                label = labels.get(item["path"])
                if not label and own_title and own_title.casefold() != book_title.casefold():
                    label = own_title
                chapter.insert(0, Block("heading", label or _pretty_stem(item["path"]) or f"Chapter {chapters}", level=1))
            blocks.extend(chapter)

        if not chapters:
            if book.has("META-INF/encryption.xml") and skipped:
                raise _Refused("its chapters are encrypted (DRM)")
            raise _Refused("it has no readable chapters")

    title = book_title or next((b.text for b in blocks if b.kind == "heading"), "") or _pretty_stem(name) or name
    return ImportedArticle(
        title=title,
        document=Document(tuple(blocks)),
        format="epub",
        author=str(meta["author"]) if meta.get("author") else None,
        published=_date(str(meta["date"])) if meta.get("date") else None,
        extra={"language": meta.get("language"), "skipped_chapters": skipped},
    )
