"""Where a PDF article's text stands on its pages: page ranges, the character map, rectangles.

A PDF article's canonical text is built from PDFium's text pages (see
``reader.core.importers.pdf``). Each page keeps its ``[start, end)`` in that text, its size in
points, and a map from canonical offsets to PDFium's character indices on the page, stored as
runs ``(offset, index, length)``: ``length`` canonical characters from ``offset`` stand at
PDFium indices ``index, index + 1, ...``.

PDFium counts UTF-16 code units (a character outside the BMP takes two indices); Python counts
code points. :func:`code_units` is the one place that difference is counted; the runs are built
with it and every conversion below goes through the runs.

Rectangles are in points with the origin at the page's top-left as it is shown (after
``/Rotate``), one per line of text, as PDFium's ``FPDFText_CountRects`` gives them.
"""

from __future__ import annotations

import bisect
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# PDFium is not thread-safe, not even across documents: every call into it (import in a
# worker, page rendering in the window's render thread, hit-testing on the UI thread) holds this.
PDFIUM_LOCK = threading.RLock()


def code_units(char: str) -> int:
    """How many PDFium character indices (UTF-16 code units) one code point takes."""
    return 2 if ord(char) > 0xFFFF else 1


@dataclass(frozen=True)
class PdfPage:
    number: int  # 1-based
    start: int
    end: int
    width: float
    height: float
    runs: tuple[tuple[int, int, int], ...] = ()  # (offset, pdfium index, length), offsets absolute

    def to_json(self) -> dict[str, Any]:
        """The shape of a page in ``reader show --json``."""
        return {"number": self.number, "start": self.start, "end": self.end,
                "width": round(self.width, 2), "height": round(self.height, 2)}

    def runs_json(self) -> str:
        return json.dumps(self.runs, separators=(",", ":"))

    def index_at(self, offset: int) -> int | None:
        """PDFium's character index for the canonical character at ``offset`` (None if unmapped)."""
        starts = _run_starts(self)
        i = bisect.bisect_right(starts, offset) - 1
        if i < 0:
            return None
        run_offset, index, length = self.runs[i]
        if offset >= run_offset + length:
            return None
        return index + (offset - run_offset)

    def offset_at(self, index: int) -> int | None:
        """The canonical offset of PDFium's character ``index`` (the nearest one after it if the
        index is a character the canonical text leaves out); None past the page's last one."""
        indices = _run_indices(self)
        i = bisect.bisect_right(indices, index) - 1
        if i >= 0:
            run_offset, run_index, length = self.runs[i]
            if index < run_index + length:
                return run_offset + (index - run_index)
        if i + 1 < len(self.runs):
            return self.runs[i + 1][0]
        return None

    def index_span(self, start: int, end: int) -> tuple[int, int] | None:
        """PDFium ``(first index, count)`` covering canonical ``[start, end)`` clipped to this page."""
        start, end = max(start, self.start), min(end, self.end)
        if start >= end or not self.runs:
            return None
        first = last = None
        starts = _run_starts(self)
        i = max(0, bisect.bisect_right(starts, start) - 1)
        for k in range(i, len(self.runs)):
            run_offset, index, length = self.runs[k]
            if run_offset >= end:
                break
            lo, hi = max(start, run_offset), min(end, run_offset + length)
            if lo >= hi:
                continue
            if first is None:
                first = index + (lo - run_offset)
            last = index + (hi - 1 - run_offset)
            # A run ends after a character outside the BMP (two code units, see code_units):
            # when the next run starts past the next index, the last character took two.
            if hi == run_offset + length and k + 1 < len(self.runs) and self.runs[k + 1][1] > last + 1:
                last += 1
        if first is None or last is None:
            return None
        return first, last - first + 1


_cache_lock = threading.Lock()
_starts_cache: dict[int, list[int]] = {}
_indices_cache: dict[int, list[int]] = {}


def _run_starts(page: PdfPage) -> list[int]:
    key = id(page.runs)
    with _cache_lock:
        got = _starts_cache.get(key)
        if got is None or len(got) != len(page.runs):
            got = _starts_cache[key] = [r[0] for r in page.runs]
        return got


def _run_indices(page: PdfPage) -> list[int]:
    key = id(page.runs)
    with _cache_lock:
        got = _indices_cache.get(key)
        if got is None or len(got) != len(page.runs):
            got = _indices_cache[key] = [r[1] for r in page.runs]
        return got


@dataclass(frozen=True)
class Rect:
    page: int  # 1-based
    x0: float
    y0: float
    x1: float
    y1: float

    def to_json(self) -> dict[str, Any]:
        return {"page": self.page, "x0": round(self.x0, 2), "y0": round(self.y0, 2),
                "x1": round(self.x1, 2), "y1": round(self.y1, 2)}


@dataclass
class PdfLayout:
    """A PDF article's pages and its file; opens the file (lazily) for rectangles and rendering."""

    path: Path
    pages: tuple[PdfPage, ...]
    _doc: Any = field(default=None, repr=False)
    _lock: threading.RLock = field(default=PDFIUM_LOCK, repr=False)

    def page_at(self, offset: int) -> PdfPage | None:
        """The page holding canonical ``offset`` (the page before a gap between pages)."""
        starts = [p.start for p in self.pages]
        i = bisect.bisect_right(starts, offset) - 1
        if i < 0:
            return self.pages[0] if self.pages else None
        # Pages without text have start == end; prefer the last page that really holds offset.
        while i > 0 and self.pages[i].start == self.pages[i].end and self.pages[i - 1].end >= offset:
            i -= 1
        return self.pages[i]

    def page_number_at(self, offset: int) -> int | None:
        page = self.page_at(offset)
        return page.number if page else None

    def pages_for(self, start: int, end: int) -> list[PdfPage]:
        return [p for p in self.pages if p.start < end and start < p.end]

    # -- the file ------------------------------------------------------------------------
    def document(self) -> Any:
        import pypdfium2 as pdfium

        with self._lock:
            if self._doc is None:
                self._doc = pdfium.PdfDocument(str(self.path))
            return self._doc

    def close(self) -> None:
        with self._lock:
            if self._doc is not None:
                self._doc.close()
                self._doc = None

    def rects(self, start: int, end: int) -> list[Rect]:
        """Rectangles covering canonical ``[start, end)``: one per line, page after page."""
        out: list[Rect] = []
        for page in self.pages_for(start, end):
            span = page.index_span(start, end)
            if span is not None:
                out.extend(self.index_rects(page.number, *span))
        return out

    def index_rects(self, number: int, first: int, count: int) -> list[Rect]:
        """Rectangles of PDFium characters ``first .. first + count - 1`` on page ``number``."""
        import pypdfium2.raw as raw

        with self._lock:
            doc = self.document()
            page = doc[number - 1]
            textpage = page.get_textpage()
            try:
                n = raw.FPDFText_CountRects(textpage, first, count)
                rects = [textpage.get_rect(i) for i in range(n)]
                to_view = ViewTransform(page)
            finally:
                textpage.close()
                page.close()
        out = []
        for left, bottom, right, top in rects:
            x0, y0, x1, y1 = to_view.rect(left, bottom, right, top)
            if x1 - x0 > 0.01 and y1 - y0 > 0.01:
                out.append(Rect(number, x0, y0, x1, y1))
        return out


class ViewTransform:
    """PDF user space (origin bottom-left, before /Rotate) -> points from the shown page's top-left."""

    def __init__(self, page: Any):
        import pypdfium2.raw as raw

        self.width, self.height = page.get_size()
        left, bottom, right, top = page.get_cropbox()
        self.left, self.bottom, self.right, self.top = left, bottom, right, top
        self.rotation = raw.FPDFPage_GetRotation(page) % 4

    def point(self, x: float, y: float) -> tuple[float, float]:
        dx, dy = x - self.left, y - self.bottom
        w, h = self.right - self.left, self.top - self.bottom
        r = self.rotation
        if r == 0:
            return dx, h - dy
        if r == 1:  # 90 degrees clockwise
            return dy, dx
        if r == 2:
            return w - dx, dy
        return h - dy, w - dx

    def rect(self, left: float, bottom: float, right: float, top: float) -> tuple[float, float, float, float]:
        ax, ay = self.point(left, bottom)
        bx, by = self.point(right, top)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)

    def inverse(self, vx: float, vy: float) -> tuple[float, float]:
        """Points from the shown page's top-left -> PDF user space."""
        w, h = self.right - self.left, self.top - self.bottom
        r = self.rotation
        if r == 0:
            dx, dy = vx, h - vy
        elif r == 1:
            dx, dy = vy, vx
        elif r == 2:
            dx, dy = w - vx, vy
        else:
            dx, dy = w - vy, h - vx
        return dx + self.left, dy + self.bottom


def pages_from_rows(rows: Sequence[Any]) -> tuple[PdfPage, ...]:
    return tuple(
        PdfPage(r["number"], r["start"], r["end"], r["width"], r["height"],
                tuple(tuple(x) for x in json.loads(r["char_map"])))
        for r in rows
    )
