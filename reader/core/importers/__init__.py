"""Turn files, bytes and URLs into an :class:`ImportedArticle` (a ``Document`` plus metadata).

One module per format. :func:`import_path` checks the path (exists, is a file, readable,
not too large, not empty, not binary), picks the importer by suffix and content, and
raises :class:`~reader.core.errors.ImportFailed` with one sentence on any bad input.
Importers never write anything: storage happens in the ``Library``.
"""

from __future__ import annotations

import logging
import os
import stat
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from reader.core.document import Document
from reader.core.errors import ImportFailed

MAX_IMPORT_BYTES = 50 * 1024 * 1024


def megabytes(n: int) -> str:
    """Sizes in messages, in the MB (MiB) the limit is set in."""
    value = n / (1024 * 1024)
    return f"{value:.0f} MB" if value == int(value) else f"{value:.1f} MB"

TEXT_SUFFIXES = {".txt", ".text", ""}
MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
EPUB_SUFFIXES = {".epub"}


@dataclass
class ImportedArticle:
    title: str
    document: Document
    format: str
    author: str | None = None
    site: str | None = None
    url: str | None = None
    published: datetime | None = None
    source_path: str | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.document.text


def describe(name: str | os.PathLike[str]) -> str:
    """How an input is named in messages: its path as the user gave it, quoted."""
    return f"'{os.fspath(name)}'"


def read_file_checked(path: Path, limit: int = MAX_IMPORT_BYTES) -> bytes:
    """Read a whole file, turning every way it can fail into one clear sentence."""
    shown = describe(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ImportFailed(f"{shown} does not exist.") from None
    except PermissionError:
        raise ImportFailed(f"{shown} cannot be read: permission denied.") from None
    except OSError as exc:
        raise ImportFailed(f"{shown} cannot be read: {exc.strerror or exc}.") from None
    if stat.S_ISDIR(st.st_mode):
        raise ImportFailed(f"{shown} is a directory, not a file.")
    if not stat.S_ISREG(st.st_mode):
        # Reading a pipe would wait forever, a device would never end.
        raise ImportFailed(f"{shown} is not a regular file (it is a device, pipe or socket).")
    if st.st_size > limit:
        raise ImportFailed(
            f"{shown} is too large to import ({megabytes(st.st_size)}; the limit is "
            f"{megabytes(limit)})."
        )
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except PermissionError:
        raise ImportFailed(f"{shown} cannot be read: permission denied.") from None
    except IsADirectoryError:
        raise ImportFailed(f"{shown} is a directory, not a file.") from None
    except OSError as exc:
        raise ImportFailed(f"{shown} cannot be read: {exc.strerror or exc}.") from None
    if len(data) > limit:  # grew while we read it, or a special file
        raise ImportFailed(f"{shown} is too large to import (the limit is {megabytes(limit)}).")
    return data


# Files people try to import that are not articles, known by their first bytes.
_NOT_ARTICLES = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"SQLite format 3\x00", "an SQLite database"),
)


def not_an_article(data: bytes) -> str | None:
    """What the bytes are, when their signature shows they are no article ('a PDF document')."""
    for magic, what in _NOT_ARTICLES:
        if data.startswith(magic):
            # "MZ" is also how some text starts; only believe it with a NUL nearby.
            if magic == b"MZ" and b"\x00" not in data[:64]:
                continue
            return what
    return None


PDF_SUFFIXES = {".pdf"}


def sniff_format(data: bytes, suffix: str) -> str:
    """Pick a format from content first, then suffix: 'pdf', 'epub', 'html', 'markdown' or 'text'."""
    suffix = suffix.lower()
    if b"%PDF-" in data[:1024] or suffix in PDF_SUFFIXES:
        return "pdf"  # a .pdf that is no PDF is refused by the PDF importer, saying so
    if data[:4] == b"PK\x03\x04":
        if suffix in EPUB_SUFFIXES or b"application/epub+zip" in data[:100]:
            return "epub"
        return "zip"
    if suffix in EPUB_SUFFIXES:
        return "epub"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    head = data[:2048].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n").lower().replace(b"\x00", b"")
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head or b"<head" in head:
        return "html"
    return "text" if suffix in TEXT_SUFFIXES or suffix else "text"


def import_bytes(
    data: bytes,
    name: str,
    *,
    url: str | None = None,
    source_path: str | None = None,
    fmt: str | None = None,
) -> ImportedArticle:
    """Import raw bytes; ``name`` is what messages call the input (a path or a URL)."""
    shown = describe(name)
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFailed(f"{shown} is too large to import (the limit is {megabytes(MAX_IMPORT_BYTES)}).")
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportFailed(f"{shown} is empty.")
    suffix = Path(name.split("?", 1)[0].split("#", 1)[0]).suffix
    fmt = fmt or sniff_format(data, suffix)
    try:
        article = _dispatch(data, name, fmt, url)
    except ImportFailed:
        raise
    except RecursionError:
        raise ImportFailed(f"{shown} is nested too deeply to be read.") from None
    except MemoryError:
        raise ImportFailed(f"{shown} is too large to read into memory.") from None
    except Exception as exc:  # the app must keep running whatever a file holds
        logging.getLogger(__name__).exception("importing %s failed", shown)
        raise ImportFailed(f"{shown} could not be imported: an internal error occurred ({type(exc).__name__}).") from None
    if article.document.is_empty():
        raise ImportFailed(f"{shown} has no readable text.")
    clean_metadata(article, name)
    if url and not article.url:
        article.url = url
    if source_path and not article.source_path:
        article.source_path = source_path
    return article


def clean_metadata(article: ImportedArticle, name: str) -> None:
    """Title, author and site are text, cleaned as the body is (a page's og:title may hold
    markup, which would reach the Markdown export); a title cleaned to nothing becomes the
    file's name."""
    from reader.core.importers.blocks import metadata_text

    article.title = metadata_text(article.title) or metadata_text(Path(name.split("?", 1)[0]).stem) or "Untitled"
    article.author = metadata_text(article.author) or None
    article.site = metadata_text(article.site) or None


def _dispatch(data: bytes, name: str, fmt: str, url: str | None) -> ImportedArticle:
    from reader.core.importers import encoding

    shown = describe(name)
    if fmt == "pdf":
        from reader.core.importers import pdf

        return pdf.parse_pdf(data, name)
    what = not_an_article(data)
    if what is not None:
        raise ImportFailed(f"{shown} is {what}, not an article Reader can import.")
    if fmt == "zip":
        raise ImportFailed(f"{shown} is a zip archive, not an article or an EPUB book.")
    if fmt == "epub":
        from reader.core.importers import epub

        article = epub.parse_epub(data, name)
    else:
        text = encoding.decode(data, name)
        if fmt == "html":
            from reader.core.importers import html

            article = html.parse_html(text, name, url=url)
        elif fmt == "markdown":
            from reader.core.importers import markdown

            article = markdown.parse_markdown(text, name)
        elif fmt == "text":
            from reader.core.importers import text as text_importer

            article = text_importer.parse_text(text, name)
        else:
            raise ImportFailed(f"{shown} has an unknown format ({fmt}).")
    return article


def import_path(path: str | os.PathLike[str]) -> ImportedArticle:
    """Import one file from disk."""
    p = Path(path).expanduser()
    data = read_file_checked(p)
    return import_bytes(data, os.fspath(path), source_path=str(p.resolve()))


def is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def import_url(url: str, **options: object) -> ImportedArticle:
    """Fetch a web address and import it (see :func:`reader.core.importers.url.fetch_url`)."""
    from reader.core.importers.url import fetch_url

    return fetch_url(url, **options)  # type: ignore[arg-type]
