"""A PDF article shown as its pages: continuous scrolling, fit-to-width and zoom, text selection
with PDFium's hit-testing, and highlights drawn as translucent rectangles in their colour.

Pages are rendered by PDFium in a thread of their own (``reader.ui.pdf_renderer``): those in
view first, then the next ones in the direction of the scroll (``PREFETCH_PAGES``); a few are
kept (``CACHE_PAGES``) so memory stays bounded whatever the page count. Offsets are the article's canonical text offsets (Python code points), as in the
text view, so the window's highlight, note, search and reading-position flows work unchanged;
the conversion to PDFium's character indices lives in ``reader.core.pdf_layout``.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from reader.core.models import Article, Highlight
from reader.core.pdf_layout import PDFIUM_LOCK, PdfLayout, ViewTransform
from reader.ui import theme as themes
from reader.ui.pdf_renderer import PageRenderer

PAGE_GAP = 12  # pixels between pages
MARGIN = 16  # pixels around the pages
CACHE_PAGES = 12  # rendered pages kept in memory
PREFETCH_PAGES = 2  # pages drawn ahead of the view, in the direction of the scroll
ZOOM_STEPS = (0.5, 0.67, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)


class PdfView(QAbstractScrollArea):
    selectionReady = Signal(int, int)  # canonical offsets of a usable selection (0, 0: none)
    highlightClicked = Signal(int, QPoint)  # highlight id, global position of the click
    highlightKey = Signal(int, int, str)  # start, end, action: a colour name, "note" or "tags"
    readingPositionChanged = Signal(int, int)  # article id, offset at the top
    pagePainted = Signal(int, float)  # page number, monotonic time it was first painted rendered

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("pdfView")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setMouseTracking(True)
        self.article: Article | None = None
        self.layout_: PdfLayout | None = None
        self.theme = themes.DEFAULT_THEME
        self.dim_pages = True  # a dimmed page in the dark theme
        self.zoom = 1.0
        self._scale = 1.0  # pixels per point
        self._tops: list[int] = []  # y of each page in document pixels
        self._images: OrderedDict[tuple[int, float], QImage] = OrderedDict()
        self._highlights: list[Highlight] = []
        self._hl_rects: dict[int, list[tuple[QRectF, Highlight]]] = {}  # page number -> rects in points
        self._selection: tuple[int, int] = (0, 0)
        self._selection_rects: list[Any] = []
        self._anchor: int | None = None
        self._press: QPoint | None = None
        self._flash: list[Any] = []
        self._textpages: OrderedDict[int, tuple[Any, Any, ViewTransform]] = OrderedDict()
        self._painted: set[int] = set()
        self._last_scroll, self._scrolling_up = 0, False
        self.renderer = PageRenderer(self)
        self.renderer.rendered.connect(self._page_rendered, Qt.ConnectionType.QueuedConnection)
        self._position_timer = QTimer(self, singleShot=True, interval=600, timeout=self._report_position)
        self._flash_timer = QTimer(self, singleShot=True, interval=1500, timeout=self._end_flash)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)

    # -- article ------------------------------------------------------------------------
    @property
    def article_id(self) -> int | None:
        return self.article.id if self.article is not None else None

    def show_article(self, article: Article, *, at: int | None = None) -> None:
        self.close_pages()
        self.article, self.layout_ = article, article.pdf
        self._images.clear()
        self._painted.clear()
        self._selection, self._selection_rects, self._flash = (0, 0), [], []
        self._relayout()
        self.set_highlights(article.highlights)
        position = at if at is not None else article.reading_position
        QTimer.singleShot(0, lambda: self.scroll_to_offset(position) if self.article is article else None)
        self.viewport().update()

    def close_pages(self) -> None:
        self.renderer.close_document()
        with PDFIUM_LOCK:
            for textpage, page, _ in self._textpages.values():
                textpage.close()
                page.close()
            self._textpages.clear()
            if self.layout_ is not None:
                self.layout_.close()

    def shutdown(self) -> None:
        self.close_pages()
        self.renderer.stop()

    def set_theme(self, theme: str) -> None:
        self.theme = theme
        self.viewport().update()

    def highlights(self) -> list[Highlight]:
        return list(self._highlights)

    def set_highlights(self, highlights: Any, _changed: Any = ()) -> None:
        """Compute each highlight's rectangles once (PDFium), drawn on every paint."""
        self._highlights = [h for h in highlights if not h.orphaned]
        self._hl_rects = {}
        if self.layout_ is None:
            return
        for h in self._highlights:
            self._add_rects(h)
        self.viewport().update()

    def add_highlight(self, h: Highlight) -> None:
        """A highlight just made: only its rectangles are computed, only its pages repainted."""
        if self.layout_ is None or h.orphaned or any(other.id == h.id for other in self._highlights):
            return
        self._highlights.append(h)
        # Made from the selection (the usual case): its rectangles are known, and PDFium (whose
        # lock the render thread may hold for a page's drawing) need not be asked again.
        known = self._selection_rects if (h.start, h.end) == self._selection else None
        self._update_pages(self._add_rects(h, known or None))

    def _add_rects(self, h: Highlight, rects: list[Any] | None = None) -> set[int]:
        assert self.layout_ is not None
        pages = set()
        for r in rects if rects is not None else self.layout_.rects(h.start, h.end):  # type: ignore[arg-type]
            self._hl_rects.setdefault(r.page, []).append((QRectF(r.x0, r.y0, r.x1 - r.x0, r.y1 - r.y0), h))
            pages.add(r.page)
        return pages

    def _update_pages(self, numbers: set[int]) -> None:
        visible = self.visible_pages()
        for number in numbers:
            if number - 1 in visible:
                self.viewport().update(self.page_rect(number - 1))

    # -- geometry ------------------------------------------------------------------------
    def _relayout(self) -> None:
        if self.layout_ is None:
            return
        widest = max((p.width for p in self.layout_.pages), default=612.0)
        fit = max(0.1, (self.viewport().width() - 2 * MARGIN) / widest)
        old_scale = self._scale
        top_offset = self.offset_at_top() if self._tops else None
        self._scale = fit * self.zoom
        y, self._tops = MARGIN, []
        for page in self.layout_.pages:
            self._tops.append(y)
            y += int(page.height * self._scale) + PAGE_GAP
        bar = self.verticalScrollBar()
        bar.setRange(0, max(0, y + MARGIN - PAGE_GAP - self.viewport().height()))
        bar.setPageStep(self.viewport().height())
        bar.setSingleStep(40)
        width = int(widest * self._scale) + 2 * MARGIN
        hbar = self.horizontalScrollBar()
        hbar.setRange(0, max(0, width - self.viewport().width()))
        hbar.setPageStep(self.viewport().width())
        if top_offset is not None and abs(old_scale - self._scale) > 1e-6:
            self.scroll_to_offset(top_offset)

    def page_rect(self, index: int) -> QRect:
        """Page ``index`` (0-based) in viewport pixels."""
        assert self.layout_ is not None
        page = self.layout_.pages[index]
        w, h = int(page.width * self._scale), int(page.height * self._scale)
        widest = int(max(p.width for p in self.layout_.pages) * self._scale)
        x = MARGIN + (widest - w) // 2 - self.horizontalScrollBar().value()
        if widest + 2 * MARGIN < self.viewport().width():
            x += (self.viewport().width() - widest - 2 * MARGIN) // 2
        return QRect(x, self._tops[index] - self.verticalScrollBar().value(), w, h)

    def visible_pages(self, extra: int = 0) -> list[int]:
        if self.layout_ is None:
            return []
        top = self.verticalScrollBar().value() - extra
        bottom = top + self.viewport().height() + 2 * extra
        out = []
        for i, page_top in enumerate(self._tops):
            page_bottom = page_top + int(self.layout_.pages[i].height * self._scale)
            if page_bottom >= top and page_top <= bottom:
                out.append(i)
            elif page_top > bottom:
                break
        return out

    def _to_points(self, index: int, pos: QPoint | QPointF) -> QPointF:
        rect = self.page_rect(index)
        return QPointF((pos.x() - rect.x()) / self._scale, (pos.y() - rect.y()) / self._scale)

    def _to_pixels(self, index: int, r: QRectF) -> QRectF:
        rect = self.page_rect(index)
        s = self._scale
        return QRectF(rect.x() + r.x() * s, rect.y() + r.y() * s, r.width() * s, r.height() * s)

    def page_at_pos(self, pos: QPoint) -> int | None:
        for i in self.visible_pages():
            rect = self.page_rect(i).adjusted(0, -PAGE_GAP // 2, 0, PAGE_GAP // 2)
            if rect.top() <= pos.y() <= rect.bottom():
                return i
        return None

    # -- offsets <-> places ----------------------------------------------------------------
    def offset_at_pos(self, pos: QPoint) -> int | None:
        """The canonical offset of the character under ``pos`` (PDFium hit-testing), or nearest."""
        import pypdfium2.raw as raw

        index = self.page_at_pos(pos)
        if index is None or self.layout_ is None:
            return None
        page = self.layout_.pages[index]
        point = self._to_points(index, pos)
        with PDFIUM_LOCK:
            textpage, _pdfpage, transform = self._textpage(index)
            x, y = transform.inverse(point.x(), point.y())
            char = raw.FPDFText_GetCharIndexAtPos(textpage, x, y, 4.0, 4.0)
            if char < 0:
                char = raw.FPDFText_GetCharIndexAtPos(textpage, x, y, 40.0, 12.0)
        if char < 0:
            return None
        return page.offset_at(char)

    def _textpage(self, index: int) -> tuple[Any, Any, ViewTransform]:
        assert self.layout_ is not None
        got = self._textpages.get(index)
        if got is None:
            page = self.layout_.document()[index]
            got = (page.get_textpage(), page, ViewTransform(page))
            self._textpages[index] = got
            while len(self._textpages) > 4:
                textpage, old_page, _ = self._textpages.popitem(last=False)[1]
                textpage.close()
                old_page.close()
        self._textpages.move_to_end(index)
        return got

    def offset_at_top(self) -> int:
        if self.layout_ is None or not self._tops:
            return 0
        top = self.verticalScrollBar().value()
        for i, page in enumerate(self.layout_.pages):
            height = page.height * self._scale
            if self._tops[i] + height > top:
                share = min(1.0, max(0.0, (top - self._tops[i]) / max(height, 1.0)))
                return page.start + int(share * (page.end - page.start))
        return self.layout_.pages[-1].end

    def scroll_to_offset(self, offset: int) -> None:
        if self.layout_ is None or not self._tops:
            return
        page = self.layout_.page_at(offset)
        if page is None:
            return
        index = page.number - 1
        share = (offset - page.start) / max(1, page.end - page.start)
        self.verticalScrollBar().setValue(self._tops[index] + int(share * page.height * self._scale) - MARGIN)

    def reveal(self, start: int, end: int, _marks: Any = ()) -> None:
        """Scroll to a passage (its first line a third down the view) and flash it."""
        if self.layout_ is None:
            return
        self._flash = self.layout_.rects(start, end)
        if self._flash:
            first = self._flash[0]
            y = self._tops[first.page - 1] + int(first.y0 * self._scale)
            self.verticalScrollBar().setValue(y - self.viewport().height() // 3)
        else:
            self.scroll_to_offset(start)
        self._flash_timer.start()
        self.viewport().update()

    def _end_flash(self) -> None:
        self._flash = []
        self.viewport().update()

    # -- selection -----------------------------------------------------------------------
    def selection_offsets(self) -> tuple[int, int]:
        return self._selection

    def set_selection(self, start: int, end: int) -> None:
        start, end = min(start, end), max(start, end)
        if self.article is not None:
            text = self.article.text
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
        self._selection = (start, end)
        before = {r.page for r in self._selection_rects}
        self._selection_rects = self.layout_.rects(start, end) if self.layout_ is not None and start < end else []
        self._update_pages(before | {r.page for r in self._selection_rects})

    def clear_selection(self) -> None:
        self.set_selection(0, 0)

    def selection_rect(self) -> QRect:
        """The selection's last line in global coordinates (where the popup goes)."""
        if not self._selection_rects:
            return QRect(self.viewport().mapToGlobal(self.viewport().rect().center()), self.viewport().rect().center())
        r = self._selection_rects[-1]
        box = self._to_pixels(r.page - 1, QRectF(r.x0, r.y0, r.x1 - r.x0, r.y1 - r.y0)).toRect()
        return QRect(self.viewport().mapToGlobal(box.topLeft()), box.size())

    def highlight_at(self, pos: QPoint) -> Highlight | None:
        index = self.page_at_pos(pos)
        if index is None:
            return None
        point = self._to_points(index, pos)
        for rect, h in self._hl_rects.get(index + 1, ()):
            if rect.adjusted(-1, -1, 1, 1).contains(point):
                return h
        return None

    def highlight_rect(self, h: Highlight) -> QRect:
        for page, items in self._hl_rects.items():
            for rect, other in items:
                if other.id == h.id:
                    box = self._to_pixels(page - 1, rect).toRect()
                    return QRect(self.viewport().mapToGlobal(box.topLeft()), box.size())
        return QRect(self.viewport().mapToGlobal(self.viewport().rect().center()), self.viewport().rect().size() / 4)

    # -- events --------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
            self._anchor = self.offset_at_pos(self._press)
            self.clear_selection()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        if self._press is not None and self._anchor is not None and event.buttons() & Qt.MouseButton.LeftButton:
            here = self.offset_at_pos(pos)
            if here is not None:
                self.set_selection(self._anchor, here + 1 if here >= self._anchor else here)
        elif self._press is None:
            over = self.highlight_at(pos) is not None
            self.viewport().setCursor(Qt.CursorShape.PointingHandCursor if over else Qt.CursorShape.IBeamCursor)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        if self._press is not None and (pos - self._press).manhattanLength() < 4:
            self.clear_selection()
            h = self.highlight_at(pos)
            if h is not None:
                self.highlightClicked.emit(h.id, self.viewport().mapToGlobal(pos))
        self._press = None
        start, end = self._selection
        self.selectionReady.emit(start, end)
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        plain = not (mods & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier))
        start, end = self._selection
        if plain and start < end:
            if Qt.Key.Key_1 <= key <= Qt.Key.Key_6:
                self.highlightKey.emit(start, end, themes.HIGHLIGHT_NAMES[key - Qt.Key.Key_1])
                return
            if key in (Qt.Key.Key_N, Qt.Key.Key_T):
                self.highlightKey.emit(start, end, "note" if key == Qt.Key.Key_N else "tags")
                return
        bar = self.verticalScrollBar()
        if plain and key == Qt.Key.Key_J:
            bar.setValue(bar.value() + 60)
        elif plain and key == Qt.Key.Key_K:
            bar.setValue(bar.value() - 60)
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.step_zoom(1)
        elif key == Qt.Key.Key_Minus:
            self.step_zoom(-1)
        elif key == Qt.Key.Key_0:
            self.set_zoom(1.0)
        elif key == Qt.Key.Key_Escape and start < end:
            self.clear_selection()
        else:
            super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.step_zoom(1 if event.angleDelta().y() > 0 else -1)
            return
        super().wheelEvent(event)

    def set_zoom(self, zoom: float) -> None:
        self.zoom = max(ZOOM_STEPS[0], min(ZOOM_STEPS[-1], zoom))
        self._relayout()
        self.viewport().update()

    def step_zoom(self, step: int) -> None:
        bigger = [z for z in ZOOM_STEPS if z > self.zoom + 1e-6]
        smaller = [z for z in ZOOM_STEPS if z < self.zoom - 1e-6]
        if step > 0 and bigger:
            self.set_zoom(bigger[0])
        elif step < 0 and smaller:
            self.set_zoom(smaller[-1])

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._relayout()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        self.viewport().update()

    def _scrolled(self, value: int) -> None:
        self._scrolling_up = value < self._last_scroll
        self._last_scroll = value
        if self.article is not None:
            self._position_timer.start()

    def flush_position(self) -> None:
        """Report the reading position now if a report is pending (before switching article)."""
        if self._position_timer.isActive():
            self._position_timer.stop()
            self._report_position()

    def _report_position(self) -> None:
        if self.article is not None and self._tops:
            self.readingPositionChanged.emit(self.article.id, self.offset_at_top())

    # -- painting ------------------------------------------------------------------------
    def _page_rendered(self, path: str, index: int, scale: float, image: QImage) -> None:
        current = self.layout_ is not None and str(self.layout_.path) == path
        if not current or abs(scale - self._scale * self.devicePixelRatioF()) > 1e-6 or image.isNull():
            return  # another document's page, or drawn for a zoom since left
        self._images[(index, scale)] = image
        self._images.move_to_end((index, scale))
        while len(self._images) > CACHE_PAGES:
            self._images.popitem(last=False)
        if index in self.visible_pages():
            self.viewport().update(self.page_rect(index))

    def wanted_pages(self, visible: list[int], scale: float) -> list[int]:
        """Pages to render, most urgent first: those in view, then the next ones the scroll
        goes to (and one the other way), none already drawn."""
        if self.layout_ is None or not visible:
            return []
        count = len(self.layout_.pages)
        first, last = visible[0], visible[-1]
        ahead = [last + k for k in range(1, PREFETCH_PAGES + 1)]
        behind = [first - k for k in range(1, PREFETCH_PAGES + 1)]
        if self._scrolling_up:
            ahead, behind = behind, ahead
        order = [*visible, *ahead, behind[0]]
        return [i for i in order if 0 <= i < count and (i, scale) not in self._images]

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        colors = themes.article_colors(self.theme)
        painter.fillRect(event.rect(), QColor(colors.code_bg if self.theme != "dark" else "#121315"))
        if self.layout_ is None:
            return
        scale = self._scale * self.devicePixelRatioF()
        visible = self.visible_pages()
        for i in visible:
            rect = self.page_rect(i)
            image = self._images.get((i, scale))
            if image is None:
                painter.fillRect(rect, QColor("white"))
            else:
                self._images.move_to_end((i, scale))
                painter.drawImage(QRectF(rect), image)
                if i not in self._painted:
                    self._painted.add(i)
                    self.pagePainted.emit(i + 1, time.monotonic())
            self._paint_marks(painter, i)
            if self.theme == "dark" and self.dim_pages:
                painter.fillRect(rect, QColor(0, 0, 0, 70))
        # Every paint restates the wish: pages scrolled past are dropped before they are drawn.
        self.renderer.want(str(self.layout_.path), scale, self.wanted_pages(visible, scale))

    def _paint_marks(self, painter: QPainter, index: int) -> None:
        number = index + 1
        painter.save()
        # Multiply keeps the text under a highlight black and the paper its colour.
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Multiply)
        for rect, h in self._hl_rects.get(number, ()):
            color = themes.highlight_color("light", h.color)
            painter.fillRect(self._to_pixels(index, rect.adjusted(-0.5, -1, 0.5, 1)), color)
        painter.restore()
        selection = QColor("#3d7bd9")
        selection.setAlpha(80)
        for r in self._selection_rects:
            if r.page == number:
                painter.fillRect(self._to_pixels(index, QRectF(r.x0, r.y0, r.x1 - r.x0, r.y1 - r.y0)), selection)
        flash = QColor(themes.article_colors("light").flash)
        flash.setAlpha(150)
        for r in self._flash:
            if r.page == number:
                painter.fillRect(self._to_pixels(index, QRectF(r.x0, r.y0 - 1, r.x1 - r.x0, r.y1 - r.y0 + 2)), flash)
