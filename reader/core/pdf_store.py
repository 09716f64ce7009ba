"""Where a PDF article's file and pages are kept: the storage layer's PDF section.

The original file is copied into ``<data folder>/pdf/<sha256>.pdf`` (content-addressed: the
same file added twice is stored once); the ``pdf_files`` row says which file an article uses
and ``pdf_pages`` holds its pages (migration 2 in the storage schema). A file goes when no
row refers to it any more, which :func:`collect_garbage` checks after deleted articles are
purged. The rows are written and read by ``reader.core.storage.pdf_files`` (SQL lives in
storage only); this module keeps the files and speaks for ``Library``, which passes its storage.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from reader.core.pdf_layout import PdfLayout, PdfPage, pages_from_rows
from reader.core.storage import pdf_files

log = logging.getLogger(__name__)


def files_dir(home: Path) -> Path:
    return Path(home) / "pdf"


def file_path(home: Path, sha256: str) -> Path:
    return files_dir(home) / f"{sha256}.pdf"


def write_file(home: Path, sha256: str, data: bytes) -> Path:
    """Keep a copy of the file (written whole under a temporary name, then renamed)."""
    target = file_path(home, sha256)
    if target.exists() and target.stat().st_size == len(data):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-", suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def save(conn: sqlite3.Connection, article_id: int, sha256: str, size: int, pages: tuple[PdfPage, ...]) -> None:
    """Record (or replace) an article's file and pages, inside the caller's transaction."""
    pdf_files.save(conn, article_id, sha256, size, pages)


def forget(conn: sqlite3.Connection, article_id: int) -> None:
    """The article is no PDF any more (re-added from another format)."""
    pdf_files.forget(conn, article_id)


def sha256_of(storage: Any, article_id: int) -> str | None:
    with storage.read() as conn:
        return pdf_files.sha256_of(conn, article_id)


def load(storage: Any, home: Path, article_id: int) -> PdfLayout | None:
    """The article's pages and file, or None when it is no PDF."""
    with storage.read() as conn:
        sha = pdf_files.sha256_of(conn, article_id)
        if sha is None:
            return None
        rows = pdf_files.page_rows(conn, article_id)
    return PdfLayout(file_path(home, sha), pages_from_rows(rows))


def files_of_deleted(storage: Any) -> set[str]:
    """The files of articles deleted this session (about to be purged)."""
    with storage.read() as conn:
        return pdf_files.files_of_deleted(conn)


def release(storage: Any, home: Path, shas: set[str]) -> None:
    """Remove those of ``shas``' files that no article refers to any more."""
    for sha in shas:
        with storage.read() as conn:
            used = pdf_files.is_used(conn, sha)
        if not used:
            file_path(home, sha).unlink(missing_ok=True)


def collect_garbage(storage: Any, home: Path) -> int:
    """Remove kept files that no article refers to; returns how many went."""
    folder = files_dir(home)
    if not folder.is_dir():
        return 0
    with storage.read() as conn:
        used = pdf_files.used_files(conn)
    removed = 0
    now = time.time()
    for path in folder.glob("*.pdf"):
        # A file written in the last minute may belong to an add whose row is not committed yet.
        if path.stem not in used and now - path.stat().st_mtime > 60:
            try:
                path.unlink()
                removed += 1
            except OSError as exc:  # kept for the next try; the library is whole either way
                log.warning("could not remove the unused PDF copy %s: %s", path, exc)
    return removed


# -- the JSON export carries the file ---------------------------------------------------
def export_record(layout: PdfLayout) -> dict[str, Any]:
    """The ``"pdf"`` member of an article in a library export: the file and its pages."""
    import base64
    import hashlib

    data = layout.path.read_bytes()
    return {
        "sha256": hashlib.sha256(data).hexdigest(),
        "file": base64.b64encode(data).decode("ascii"),
        "pages": [{**p.to_json(), "width": p.width, "height": p.height, "char_map": list(p.runs)}
                  for p in layout.pages],
    }


def restore_record(conn: sqlite3.Connection, home: Path, article_id: int, record: dict[str, Any], text_length: int) -> None:
    """Bring a PDF back from its export record (inside the restore's transaction)."""
    import base64
    import binascii
    import hashlib

    try:
        data = base64.b64decode(record["file"], validate=True)
    except (binascii.Error, TypeError) as exc:
        raise ValueError(f"its PDF file is not valid base64 ({exc})") from None
    sha = hashlib.sha256(data).hexdigest()
    if sha != record.get("sha256"):
        raise ValueError("its PDF file does not match its sha256")
    pages = []
    for p in record["pages"]:
        page = PdfPage(int(p["number"]), int(p["start"]), int(p["end"]), float(p["width"]), float(p["height"]),
                       tuple((int(o), int(i), int(n)) for o, i, n in p["char_map"]))
        if not 0 <= page.start <= page.end <= text_length:
            raise ValueError(f"page {page.number}'s range {page.start}-{page.end} is outside the text")
        pages.append(page)
    write_file(home, sha, data)
    save(conn, article_id, sha, len(data), tuple(pages))
