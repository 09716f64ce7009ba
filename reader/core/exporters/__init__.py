"""Open exports of the library: Markdown (for Obsidian and friends), Reader JSON, W3C Web Annotation.

Every exporter is a plain function over a :class:`~reader.core.library.Library`; the long
ones take a progress callback and a cancel flag. Files are written atomically (a temporary
file in the same folder, then ``os.replace``), so an export never leaves half a file.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.errors import ExportError

if TYPE_CHECKING:
    from reader.core.library import Library
    from reader.core.models import Article

Progress = Callable[[int, int, str], None]
Cancel = Callable[[], bool]

FORMATS = ("markdown", "json", "w3c")
MAX_SLUG_CHARS = 80


class Cancelled(ExportError):
    def __init__(self) -> None:
        super().__init__("The export was cancelled; nothing was written.")


def each_article(
    library: Library,
    article_ids: list[int] | None,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> Iterator[Article]:
    """The articles to export (None: all of them), reporting progress; raises
    :class:`Cancelled` when ``cancel()`` turns true."""
    ids = library.article_ids() if article_ids is None else list(article_ids)
    for i, article_id in enumerate(ids):
        if cancel is not None and cancel():
            raise Cancelled()
        article = library.get(article_id)
        if progress:
            progress(i, len(ids), article.title)
        yield article
    if progress:
        progress(len(ids), len(ids), "")


def article_link(article_id: int, start: int | None = None, end: int | None = None) -> str:
    """The ``reader://`` address of an article, or of a passage in it."""
    link = f"reader://article/{article_id}"
    if start is not None and end is not None:
        link += f"#{start}-{end}"
    return link


def slugify(title: str, article_id: int) -> str:
    """A file name safe on every OS: the title's words, lower case, and the id to keep it unique."""
    text = unicodedata.normalize("NFKC", title).casefold()
    # \w keeps letters of every script (a Japanese title stays readable); the rest becomes '-'.
    text = re.sub(r"[^\w]+", "-", text).strip("-_")
    text = text[:MAX_SLUG_CHARS].rstrip("-_")
    return f"{text}-{article_id}" if text else f"article-{article_id}"


def atomic_write_text(path: Path | str, text: str) -> Path:
    """Write ``text`` to ``path`` in full or not at all."""
    target = Path(path)
    shown = f"'{os.fspath(path)}'"
    if target.is_dir():
        raise ExportError(f"{shown} is a folder; give a file name to write the export to.")
    folder = target.parent
    if not folder.is_dir():
        raise ExportError(f"The folder of {shown} does not exist.")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise ExportError(f"{shown} cannot be written: {exc.strerror or exc}.") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, target)
    except OSError as exc:
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        raise ExportError(f"{shown} cannot be written: {exc.strerror or exc}.") from None
    except BaseException:
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        raise
    return target


def export_text(
    library: Library,
    fmt: str,
    article_id: int | None = None,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> str:
    """One article (or, with ``article_id`` None, the whole library) as one text in ``fmt``.

    Markdown of the whole library is one file per article: use
    :func:`reader.core.exporters.markdown.export_markdown_folder` for that.
    """
    if fmt == "markdown":
        from reader.core.exporters.markdown import article_to_markdown

        if article_id is None:
            raise ExportError("A Markdown export of the whole library is one file per article; give a folder.")
        return article_to_markdown(library.get(article_id))
    if fmt == "json":
        from reader.core.exporters.json_export import export_json

        return export_json(library, None if article_id is None else [article_id], progress=progress, cancel=cancel)
    if fmt == "w3c":
        from reader.core.exporters.web_annotation import export_web_annotations

        return export_web_annotations(
            library, None if article_id is None else [article_id], progress=progress, cancel=cancel
        )
    raise ExportError(f"'{fmt}' is not an export format; use {', '.join(FORMATS)}.")


__all__ = ["FORMATS", "article_link", "atomic_write_text", "export_text", "slugify"]
