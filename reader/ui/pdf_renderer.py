"""Rendering a PDF's pages for the page view, in a thread of its own.

The render thread keeps the view's document open for as long as the view shows it: opening a
300-page file and parsing its fonts again costs more than a page takes to draw, so reopening
in the middle of a scroll made the late pages. PDFium keeps what it parsed (fonts, objects)
until the document closes; to keep that bounded the thread reopens the document only when it
has rendered ``RECYCLE_AFTER`` pages and then sat idle for ``RECYCLE_IDLE`` seconds (the reader
is reading, nothing waits for a page).

The view says which pages it wants, most urgent first (those in view, then the next ones in
the direction of the scroll); each wish replaces the last, so pages scrolled past are never
drawn. Pages are drawn straight into the ``QImage`` the view paints (``Format_RGB32``, PDFium's
BGRx): no copy and no pixel conversion, on this thread or when painting.
"""

from __future__ import annotations

import ctypes
import threading
import time
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from reader.core.pdf_layout import PDFIUM_LOCK

RECYCLE_AFTER = 150  # pages rendered before an idle render thread may reopen the document
RECYCLE_IDLE = 2.0  # seconds without a wish before it does


class PageRenderer(QObject):
    """Renders the pages a view wants; ``rendered`` arrives on the view's (UI) thread."""

    rendered = Signal(str, int, float, QImage)  # document path, page index (0-based), scale, image

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._cond = threading.Condition()
        self._path: str | None = None  # the document the view shows
        self._scale = 1.0
        self._wants: list[int] = []  # page indices, most urgent first
        self._busy: tuple[str, int, float] | None = None  # the page being drawn now
        self._stopping = False
        self._doc: Any = None
        self._doc_path: str | None = None
        self._since_open = 0
        self.opens = 0  # documents opened, ever (tests count them)
        self.renders = 0  # pages drawn, ever
        self._thread = threading.Thread(target=self._run, name="pdf-render", daemon=True)
        self._thread.start()

    # -- the view's side -----------------------------------------------------------------
    def want(self, path: str, scale: float, pages: Sequence[int]) -> None:
        """Draw ``pages`` of ``path`` at ``scale``, most urgent first; replaces the last wish."""
        with self._cond:
            busy = self._busy
            self._path, self._scale = path, scale
            self._wants = [i for i in pages if busy != (path, i, scale)]
            self._cond.notify()

    def close_document(self) -> None:
        """The view shows no PDF now: drop the wishes and close the document."""
        with self._cond:
            self._path, self._wants = None, []
            self._cond.notify()

    def pending(self) -> list[int]:
        with self._cond:
            return list(self._wants)

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify()
        self._thread.join(timeout=5)
        self._close()

    # -- the render thread ---------------------------------------------------------------
    def _run(self) -> None:
        while True:
            with self._cond:
                idle_since = time.monotonic()
                while not self._stopping and not (self._wants and self._path is not None):
                    if self._doc is not None and self._path != self._doc_path:
                        break  # the view left this document: close it now
                    idle = time.monotonic() - idle_since
                    if self._doc is not None and self._since_open >= RECYCLE_AFTER and idle >= RECYCLE_IDLE:
                        break
                    self._cond.wait(timeout=RECYCLE_IDLE)
                if self._stopping:
                    return
                path, scale = self._path, self._scale
                index = self._wants.pop(0) if self._wants and path is not None else None
                if index is not None:
                    self._busy = (path, index, scale)  # type: ignore[assignment]
            try:
                if path != self._doc_path or (index is None and self._doc is not None):
                    self._close()  # another document, none, or an idle recycle
                if path is None:
                    continue
                if self._doc is None:
                    self._open(path)
                if index is None:
                    continue
                try:
                    image = self._render(index, scale)
                except Exception:  # a page PDFium cannot draw stays blank; the text still works
                    image = QImage()
                self.renders += 1
                self._since_open += 1
                self.rendered.emit(path, index, scale, image)
            finally:
                with self._cond:
                    self._busy = None

    def _open(self, path: str) -> None:
        import pypdfium2 as pdfium

        with PDFIUM_LOCK:
            try:
                self._doc = pdfium.PdfDocument(path)
            except Exception:  # the file went away: pages stay blank, the text still works
                self._doc = None
            self._doc_path = path
            self._since_open = 0
            self.opens += 1

    def _close(self) -> None:
        with PDFIUM_LOCK:
            if self._doc is not None:
                self._doc.close()
            self._doc, self._doc_path = None, None

    def _render(self, index: int, scale: float) -> QImage:
        import pypdfium2 as pdfium
        import pypdfium2.raw as raw

        if self._doc is None:
            return QImage()
        images: list[QImage] = []

        def into_image(width: int, height: int, format: int, rev_byteorder: bool = False) -> Any:
            image = QImage(width, height, QImage.Format.Format_RGB32)
            images.append(image)
            pixels = (ctypes.c_ubyte * image.sizeInBytes()).from_buffer(image.bits())
            return pdfium.PdfBitmap.new_native(width, height, format, rev_byteorder,
                                               buffer=pixels, stride=image.bytesPerLine())

        with PDFIUM_LOCK:
            page = self._doc[index]
            try:
                bitmap = page.render(scale=scale, force_bitmap_format=raw.FPDFBitmap_BGRx, bitmap_maker=into_image)
                bitmap.close()
            finally:
                page.close()
        return images[0]
