"""The article page: a read-only QTextBrowser built block by block from a ``Document``.

The QTextDocument is never filled from foreign HTML: each block is inserted with a
QTextCursor, so the document's plain text is exactly the canonical text (a block boundary
is one position, as its ``\\n`` is one character) and Python offsets map to Qt positions
through :mod:`reader.ui.textpos` alone.

Highlights are character backgrounds merged into the document inside one edit block;
find matches and the "flash" after a jump are extra selections, which leave the document
alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QPoint, QRect, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QDesktopServices,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPalette,
    QResizeEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextFrameFormat,
    QTextListFormat,
)
from PySide6.QtWidgets import QMessageBox, QTextBrowser, QTextEdit, QWidget

from reader.core.document import Block, Document
from reader.core.models import Article, Highlight
from reader.ui import theme as themes
from reader.ui.textpos import TextPositions, positions

COLUMN_CHARS = 70
SAFE_LINK_SCHEMES = ("http", "https", "mailto")
# Characters QTextCursor.insertText would turn into block breaks (or frame markers): each
# is replaced by a space of the same length, so positions still line up.
_BREAKING_CHARS = "\r\u2029\ufdd0\ufdd1\x0b\x0c"
_BREAKING = re.compile(f"[{_BREAKING_CHARS}]")
_HEADING_SCALE = {1: 3, 2: 2, 3: 1, 4: 1, 5: 0, 6: 0}  # QTextCharFormat font size adjustment


@dataclass
class _Rendered:
    article: Article
    text: str
    table: TextPositions
    image_blocks: tuple[int, ...] = ()  # Qt positions where image placeholders start


class ArticleView(QTextBrowser):
    """Shows one article; reports selections, clicks on highlights and the reading position."""

    selectionReady = Signal(int, int)  # Python offsets of a usable selection (0, 0: none)
    highlightClicked = Signal(int, QPoint)  # highlight id, global position of the click
    highlightKey = Signal(int, int, str)  # start, end, action: a colour name, "note" or "tags"
    readingPositionChanged = Signal(int, int)  # article id, Python offset at the top
    readToEnd = Signal(int)  # article id
    columnChanged = Signal(int, int)  # left, right margin of the text column (pixels)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("articleView")
        self.setReadOnly(True)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setAcceptDrops(False)  # files dropped here go to the window, which imports them
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
        )
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.theme = themes.DEFAULT_THEME
        self.font_size = themes.DEFAULT_FONT_SIZE
        self._rendered: _Rendered | None = None
        self._highlights: dict[int, Highlight] = {}
        self._find_matches: list[tuple[int, int]] = []  # Qt positions
        self._find_current = -1
        self._flash: list[tuple[int, int]] = []  # Qt ranges flashed after a jump
        self._restoring = False
        self._reported_end = False
        self._press_pos: QPoint | None = None
        self._side_margin = -1.0
        self._flash_timer = QTimer(self, singleShot=True, interval=1400, timeout=self._end_flash)
        self._position_timer = QTimer(self, singleShot=True, interval=800, timeout=self._report_position)
        self._selection_timer = QTimer(self, singleShot=True, interval=120, timeout=self._report_selection)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.selectionChanged.connect(self._selection_timer.start)
        self.anchorClicked.connect(self._link_clicked)
        self._show_placeholder("Open an article from the library, or drop a file here.")

    # -- what is shown --------------------------------------------------------------------
    @property
    def article(self) -> Article | None:
        return self._rendered.article if self._rendered else None

    @property
    def article_id(self) -> int | None:
        return self._rendered.article.id if self._rendered else None

    @property
    def text(self) -> str:
        return self._rendered.text if self._rendered else ""

    def highlights(self) -> list[Highlight]:
        return sorted(self._highlights.values(), key=lambda h: (h.start, h.end, h.id))

    def loadResource(self, type: int, name: QUrl) -> object:  # noqa: A002 - Qt's signature
        """Never load anything: no files, no network, whatever the article links to."""
        return None

    def clear_article(self, message: str = "") -> None:
        self._position_timer.stop()
        self._rendered = None
        self._highlights = {}
        self._find_matches = []
        self._flash = []
        self._show_placeholder(message or "Open an article from the library, or drop a file here.")

    def _show_placeholder(self, message: str) -> None:
        doc = self._new_document()
        cursor = QTextCursor(doc)
        fmt = QTextBlockFormat()
        fmt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        fmt.setTopMargin(120)
        char = QTextCharFormat()
        char.setForeground(QColor(themes.article_colors(self.theme).muted))
        cursor.setBlockFormat(fmt)
        cursor.insertText(message, char)
        self._set_document(doc)

    # -- building the document ---------------------------------------------------------------
    def _new_document(self) -> QTextDocument:
        doc = QTextDocument(self)
        doc.setUndoRedoEnabled(False)
        font = QFont()
        font.setFamilies(list(themes.READING_FONTS))
        font.setPointSizeF(self.font_size)
        font.setStyleHint(QFont.StyleHint.Serif)
        doc.setDefaultFont(font)
        doc.setDocumentMargin(0)
        doc.setDefaultStyleSheet("")
        self._apply_frame_margins(doc, force=True)
        return doc

    def _set_document(self, doc: QTextDocument) -> None:
        old = self.document()
        self.setDocument(doc)
        # Qt deletes only the document it made itself; ours are children of the view, and a
        # long article's document is megabytes, so let each go once it is replaced.
        if old is not None and old is not doc and shiboken6.isValid(old) and old.parent() is self:
            old.deleteLater()
        self._apply_palette()

    def show_article(self, article: Article, *, at: int | None = None) -> None:
        """Render ``article``; scroll to ``at`` (a Python offset) or its saved reading position."""
        self._position_timer.stop()
        text = article.document.text
        table = positions(text)
        images = tuple(table.to_qt(start) for block, start, _ in article.document.iter_ranges() if block.kind == "image")
        self._rendered = _Rendered(article, text, table, images)
        self._highlights = {h.id: h for h in article.highlights if not h.orphaned}
        self._find_matches, self._find_current, self._flash = [], -1, []
        self._reported_end = article.reading_state == "done"
        doc = self._new_document()
        build_document(doc, article.document, self.theme)
        self._paint_highlights(doc, 0, len(text))
        self._set_document(doc)
        self._update_extra_selections()
        target = article.reading_position if at is None else at
        self._restoring = True
        self.scroll_to_offset(target, top=True)
        # Layout finishes once the widget has its final size; scroll again then.
        QTimer.singleShot(0, lambda aid=article.id, t=target: self._finish_restore(aid, t))

    def _finish_restore(self, article_id: int, offset: int) -> None:
        if self.article_id == article_id:
            self.scroll_to_offset(offset, top=True)
        self._restoring = False

    def set_theme(self, theme: str) -> None:
        if theme == self.theme:
            return
        self.theme = theme
        self._rerender()

    def set_font_size(self, size: float) -> None:
        size = max(themes.MIN_FONT_SIZE, min(themes.MAX_FONT_SIZE, size))
        if size == self.font_size:
            return
        top = self.offset_at_top()
        self.font_size = size
        font = self.document().defaultFont()
        font.setPointSizeF(size)
        self.document().setDefaultFont(font)
        self._apply_frame_margins(self.document(), force=True)
        if self._rendered:
            self.scroll_to_offset(top, top=True)

    def _rerender(self) -> None:
        if self._rendered is None:
            self._show_placeholder(self.document().toPlainText())
            return
        top = self.offset_at_top()
        article = self._rendered.article
        highlights = tuple(self._highlights.values())
        self._rendered = None
        self.show_article(_with_highlights(article, highlights), at=top)

    def _apply_palette(self) -> None:
        colors = themes.article_colors(self.theme)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Base, QColor(colors.page))
        palette.setColor(QPalette.ColorRole.Text, QColor(colors.text))
        palette.setColor(QPalette.ColorRole.Link, QColor(colors.link))
        self.setPalette(palette)
        self.viewport().setPalette(palette)

    # -- typography: a centred column about 70 characters wide -----------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        self._apply_frame_margins(self.document())
        super().resizeEvent(event)

    def _apply_frame_margins(self, doc: QTextDocument, force: bool = False) -> None:
        font = doc.defaultFont()
        column = QFontMetricsF(font).averageCharWidth() * COLUMN_CHARS
        width = self.viewport().width()
        side = max(24.0, (width - column) / 2)
        if not force and abs(side - self._side_margin) < 1:
            return
        self._side_margin = side
        self.columnChanged.emit(int(side), int(side))
        root = doc.rootFrame()
        fmt: QTextFrameFormat = root.frameFormat()
        fmt.setLeftMargin(side)
        fmt.setRightMargin(side)
        fmt.setTopMargin(18)
        fmt.setBottomMargin(max(80, self.viewport().height() // 2))
        root.setFrameFormat(fmt)

    # -- offsets ---------------------------------------------------------------------------
    def to_qt(self, offset: int) -> int:
        return self._rendered.table.to_qt(offset) if self._rendered else offset

    def from_qt(self, pos: int) -> int:
        return self._rendered.table.from_qt(pos) if self._rendered else pos

    def selection_offsets(self) -> tuple[int, int]:
        """The selection as Python offsets, trimmed of surrounding whitespace; (0, 0) if none."""
        cursor = self.textCursor()
        if not self._rendered or not cursor.hasSelection():
            return 0, 0
        start, end = self.from_qt(cursor.selectionStart()), self.from_qt(cursor.selectionEnd())
        text = self._rendered.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return (start, end) if start < end else (0, 0)

    def select_offsets(self, start: int, end: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.to_qt(start))
        cursor.setPosition(self.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def offset_at_top(self) -> int:
        """The Python offset of the first line at the top of the viewport.

        Found from the layout (a binary search over blocks, then the block's lines), which
        stays right while the widget is still settling, unlike a hit test in the margin.
        """
        if not self._rendered:
            return 0
        y = self.verticalScrollBar().value()
        doc = self.document()
        layout = doc.documentLayout()
        lo, hi = 0, doc.blockCount() - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if layout.blockBoundingRect(doc.findBlockByNumber(mid)).bottom() <= y:
                lo = mid + 1
            else:
                hi = mid
        block = doc.findBlockByNumber(lo)
        top = layout.blockBoundingRect(block).top()
        lines = block.layout()
        pos = block.position()
        for i in range(lines.lineCount()):
            line = lines.lineAt(i)
            if top + line.y() + line.height() > y:
                pos = block.position() + line.textStart()
                break
        return self.from_qt(pos)

    def offset_at(self, viewport_point: QPoint) -> int | None:
        """The Python offset of the character under a point, or None off the text."""
        if not self._rendered:
            return None
        doc_point = viewport_point + QPoint(self.horizontalScrollBar().value(), self.verticalScrollBar().value())
        pos = self.document().documentLayout().hitTest(doc_point, Qt.HitTestAccuracy.ExactHit)
        if pos < 0:
            return None
        return self.from_qt(pos)

    def scroll_to_offset(self, offset: int, *, top: bool = False) -> None:
        if not self._rendered:
            return
        offset = max(0, min(offset, len(self._rendered.text)))
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.to_qt(offset))
        rect = self.cursorRect(cursor)
        bar = self.verticalScrollBar()
        y = rect.top() + bar.value()
        if top:
            # the line holding the offset at the top, so reopening lands where one stopped
            bar.setValue(max(0, y - 2) if offset else 0)
        else:
            bar.setValue(max(0, y - self.viewport().height() // 3))

    # -- highlights ----------------------------------------------------------------------------
    def set_highlights(self, highlights: Iterable[Highlight], changed: Iterable[int] = ()) -> None:
        """Replace the highlight set; repaint only the range the changed ones cover."""
        new = {h.id: h for h in highlights if not h.orphaned}
        changed_ids = set(changed) or set(new) ^ set(self._highlights) | {
            i for i in new if i in self._highlights and new[i] != self._highlights[i]
        }
        spans = [
            (h.start, h.end)
            for i in changed_ids
            for h in (self._highlights.get(i), new.get(i))
            if h is not None and h.start is not None
        ]
        self._highlights = new
        if not spans or not self._rendered:
            return
        self._paint_highlights(self.document(), min(s for s, _ in spans), max(e for _, e in spans))

    def _paint_highlights(self, doc: QTextDocument, start: int, end: int) -> None:
        """Paint highlight backgrounds over ``[start, end)`` (Python offsets) in one edit block.

        Overlaps: the segment takes the colour of the most recently created highlight,
        a shade darker, so the overlap stays visible.
        """
        if not self._rendered or start >= end:
            return
        table = self._rendered.table
        involved = [h for h in self._highlights.values() if h.start < end and h.end > start]
        cuts = {start, end}
        for h in involved:
            cuts.add(max(start, h.start))
            cuts.add(min(end, h.end))
        points = sorted(cuts)
        cursor = QTextCursor(doc)
        cursor.beginEditBlock()
        try:
            clear = QTextCharFormat()
            clear.setBackground(QBrush(Qt.BrushStyle.NoBrush))
            cursor.setPosition(table.to_qt(start))
            cursor.setPosition(table.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(clear)
            if not involved:
                return
            # Sweep: highlights sorted by start; active ones kept per segment.
            involved.sort(key=lambda h: h.start)
            colors: dict[str, QColor] = {}
            idx = 0
            active: list[Highlight] = []
            for a, b in zip(points, points[1:]):
                while idx < len(involved) and involved[idx].start <= a:
                    active.append(involved[idx])
                    idx += 1
                active = [h for h in active if h.end > a]
                if not active:
                    continue
                top = max(active, key=lambda h: h.id)
                key = top.color + ("+" if len(active) > 1 else "")
                color = colors.get(key)
                if color is None:
                    color = themes.highlight_color(self.theme, top.color)
                    if len(active) > 1:
                        color = color.darker(115) if self.theme != "dark" else color.lighter(130)
                    colors[key] = color
                fmt = QTextCharFormat()
                fmt.setBackground(color)
                cursor.setPosition(table.to_qt(a))
                cursor.setPosition(table.to_qt(b), _KEEP)
                cursor.mergeCharFormat(fmt)
        finally:
            cursor.endEditBlock()

    def highlight_at(self, offset: int) -> Highlight | None:
        """The top-most (most recent) highlight covering ``offset``."""
        hits = [h for h in self._highlights.values() if h.start <= offset < h.end]
        return max(hits, key=lambda h: h.id) if hits else None

    def jump_to_highlight(self, step: int) -> Highlight | None:
        """Scroll to the next (step 1) or previous (step -1) highlight from the current place."""
        ordered = self.highlights()
        if not ordered:
            return None
        cursor = self.textCursor()
        here: int | None = None
        if self.viewport().rect().intersects(self.cursorRect(cursor)):
            # the cursor is on screen (where the last jump or a click left it): go on from there
            here = self.from_qt(cursor.selectionStart())
        if here is None:
            here = self.offset_at_top() - (1 if step > 0 else 0)
        if step > 0:
            target = next((h for h in ordered if h.start > here), ordered[0])
        else:
            target = next((h for h in reversed(ordered) if h.start < here), ordered[-1])
        self.reveal(target.start, target.end)
        self.select_offsets(target.start, target.start)
        cursor = self.textCursor()
        cursor.setPosition(self.to_qt(target.start))
        self.setTextCursor(cursor)
        return target

    def reveal(self, start: int, end: int, marks: Iterable[tuple[int, int]] = ()) -> None:
        """Scroll to a passage and flash it (or the given words in it) briefly, so the eye finds it."""
        self.scroll_to_offset(start)
        ranges = list(marks) or [(start, end)]
        self._flash = [(self.to_qt(s), self.to_qt(e)) for s, e in ranges]
        self._update_extra_selections()
        self._flash_timer.start()

    def flashed(self) -> list[tuple[int, int]]:
        """The flashing ranges, as Python offsets."""
        return [(self.from_qt(s), self.from_qt(e)) for s, e in self._flash]

    def _end_flash(self) -> None:
        self._flash = []
        self._update_extra_selections()

    # -- find in the article ---------------------------------------------------------------------
    def find_all(self, query: str) -> int:
        """Mark every match of ``query`` (case-insensitive); returns how many there are."""
        self._find_matches = []
        self._find_current = -1
        if query and self._rendered:
            table = self._rendered.table
            for m in re.finditer(re.escape(query), self._rendered.text, re.IGNORECASE):
                self._find_matches.append((table.to_qt(m.start()), table.to_qt(m.end())))
                if len(self._find_matches) >= 5000:
                    break
            if self._find_matches:
                top = self.to_qt(self.offset_at_top())
                self._find_current = next(
                    (i for i, (s, _) in enumerate(self._find_matches) if s >= top), 0
                )
                self._show_current_match()
        self._update_extra_selections()
        return len(self._find_matches)

    def find_step(self, step: int) -> tuple[int, int]:
        """Move to the next/previous match; returns (1-based index, count)."""
        if not self._find_matches:
            return 0, 0
        self._find_current = (self._find_current + step) % len(self._find_matches)
        self._show_current_match()
        self._update_extra_selections()
        return self._find_current + 1, len(self._find_matches)

    def find_position(self) -> tuple[int, int]:
        return (self._find_current + 1 if self._find_matches else 0), len(self._find_matches)

    def _show_current_match(self) -> None:
        s, _ = self._find_matches[self._find_current]
        self.scroll_to_offset(self.from_qt(s))

    def clear_find(self) -> None:
        self._find_matches, self._find_current = [], -1
        self._update_extra_selections()

    def _update_extra_selections(self) -> None:
        colors = themes.article_colors(self.theme)
        selections = []
        for i, (s, e) in enumerate(self._find_matches):
            sel = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.document())
            cursor.setPosition(s)
            cursor.setPosition(e, QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cursor
            sel.format.setBackground(QColor(colors.find_current if i == self._find_current else colors.find))
            selections.append(sel)
        for s, e in self._flash:
            sel = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.document())
            cursor.setPosition(s)
            cursor.setPosition(e, QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cursor
            sel.format.setBackground(QColor(colors.flash))
            selections.append(sel)
        self.setExtraSelections(selections)

    # -- reading position ----------------------------------------------------------------------
    def _scrolled(self, value: int) -> None:
        if self._rendered is None or self._restoring:
            return
        self._position_timer.start()
        bar = self.verticalScrollBar()
        if not self._reported_end and bar.maximum() > 0 and value >= bar.maximum():
            self._reported_end = True
            self.readToEnd.emit(self._rendered.article.id)

    def _report_position(self) -> None:
        if self._rendered is not None:
            self.readingPositionChanged.emit(self._rendered.article.id, self.offset_at_top())

    def flush_position(self) -> None:
        """Report the reading position now if a report is pending (before switching article)."""
        if self._position_timer.isActive():
            self._position_timer.stop()
            self._report_position()

    def paintEvent(self, event: object) -> None:
        super().paintEvent(event)  # type: ignore[arg-type]
        if self._rendered and self._rendered.image_blocks:
            self._paint_image_frames()

    def _paint_image_frames(self) -> None:
        """Images are never loaded: their alt text sits in a dashed frame, so it reads as a placeholder."""
        from PySide6.QtGui import QPainter, QPen

        doc = self.document()
        layout = doc.documentLayout()
        dy = self.verticalScrollBar().value()
        height = self.viewport().height()
        painter = QPainter(self.viewport())
        pen = QPen(QColor(themes.article_colors(self.theme).muted))
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        label_font = QFont(doc.defaultFont())
        label_font.setPointSizeF(max(8.0, label_font.pointSizeF() * 0.7))
        label_font.setCapitalization(QFont.Capitalization.SmallCaps)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for pos in self._rendered.image_blocks if self._rendered else ():
            rect = layout.blockBoundingRect(doc.findBlock(pos)).translated(0, -dy)
            if rect.bottom() < 0 or rect.top() > height:
                continue
            frame = rect.adjusted(1, -6, -1, 6)
            painter.drawRoundedRect(frame, 6, 6)
            # the word "image" in the frame's corner: drawn, not text, so offsets are untouched
            painter.setFont(label_font)
            painter.drawText(frame.adjusted(10, 0, 0, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, "image")
        painter.end()

    # -- user input ------------------------------------------------------------------------
    def _report_selection(self) -> None:
        from PySide6.QtWidgets import QApplication

        if QApplication.mouseButtons() & Qt.MouseButton.LeftButton:
            self._selection_timer.start()  # still dragging: offer the popup once the button is up
            return
        start, end = self.selection_offsets()
        self.selectionReady.emit(start, end)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        plain = not (mods & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier))
        start, end = self.selection_offsets()
        if plain and start < end and self._rendered:
            if Qt.Key.Key_1 <= key <= Qt.Key.Key_6:
                self.highlightKey.emit(start, end, themes.HIGHLIGHT_NAMES[key - Qt.Key.Key_1])
                return
            if key == Qt.Key.Key_N:
                self.highlightKey.emit(start, end, "note")
                return
            if key == Qt.Key.Key_T:
                self.highlightKey.emit(start, end, "tags")
                return
        if plain and not (mods & Qt.KeyboardModifier.ShiftModifier):
            bar = self.verticalScrollBar()
            line = int(QFontMetricsF(self.document().defaultFont()).lineSpacing() * 1.5)
            if key == Qt.Key.Key_J:
                bar.setValue(bar.value() + line * 2)
                return
            if key == Qt.Key.Key_K:
                bar.setValue(bar.value() - line * 2)
                return
            if key == Qt.Key.Key_N:
                self.jump_to_highlight(1)
                return
            if key == Qt.Key.Key_P:
                self.jump_to_highlight(-1)
                return
            if key == Qt.Key.Key_Space:
                bar.setValue(bar.value() + self.viewport().height() - line * 2)
                return
            if key == Qt.Key.Key_Escape and self.textCursor().hasSelection():
                cursor = self.textCursor()
                cursor.clearSelection()
                self.setTextCursor(cursor)
                return
        if key == Qt.Key.Key_Space and mods == Qt.KeyboardModifier.ShiftModifier:
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() - self.viewport().height() + 40)
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press_pos = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        point = event.position().toPoint()
        is_click = self._press_pos is not None and (point - self._press_pos).manhattanLength() < 4
        self._press_pos = None
        if not is_click or event.button() != Qt.MouseButton.LeftButton or self.textCursor().hasSelection():
            return
        if self.anchorAt(point):
            return
        offset = self.offset_at(point)
        hit = self.highlight_at(offset) if offset is not None else None
        if hit is not None:
            self.highlightClicked.emit(hit.id, self.viewport().mapToGlobal(point))

    def selection_rect(self) -> QRect:
        """Where the selection starts and ends on screen (global), to place the popup near it."""
        cursor = self.textCursor()
        first = QTextCursor(cursor)
        first.setPosition(cursor.selectionStart())
        last = QTextCursor(cursor)
        last.setPosition(cursor.selectionEnd())
        rect = self.cursorRect(first).united(self.cursorRect(last))
        return QRect(self.viewport().mapToGlobal(rect.topLeft()), rect.size())

    def highlight_rect(self, highlight: Highlight) -> QRect:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.to_qt(highlight.end))
        rect = self.cursorRect(cursor)
        return QRect(self.viewport().mapToGlobal(rect.topLeft()), rect.size())

    def _link_clicked(self, url: QUrl) -> None:
        """Links never open by themselves: show where they go and ask first."""
        shown = url.toString()
        if url.scheme().lower() not in SAFE_LINK_SCHEMES:
            QMessageBox.information(self, "Link not opened", f"This link is not a web address and was not opened:\n\n{shown}")
            return
        answer = QMessageBox.question(
            self, "Open link?", f"Open this address in your browser?\n\n{shown}",
            QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Open:
            QDesktopServices.openUrl(url)


def _with_highlights(article: Article, highlights: tuple[Highlight, ...]) -> Article:
    from dataclasses import replace

    return replace(article, highlights=highlights)


def _clean(text: str) -> str:
    return _BREAKING.sub(" ", text)


_KEEP = QTextCursor.MoveMode.KeepAnchor
_PROPORTIONAL = QTextBlockFormat.LineHeightTypes.ProportionalHeight.value
_SIZE_ADJUST = QTextFormat.Property.FontSizeAdjustment
_BOLD = QFont.Weight.Bold


def build_document(doc: QTextDocument, document: Document, theme: str) -> None:
    """Insert ``document`` block by block so the plain text equals its canonical text."""
    colors = themes.article_colors(theme)
    cursor = QTextCursor(doc)
    cursor.beginEditBlock()
    base = QTextCharFormat()
    base.setForeground(QColor(colors.text))
    mono = list(themes.MONO_FONTS)
    text = document.text
    clean = _clean if any(c in text for c in _BREAKING_CHARS) else _as_is  # str.find is faster than a regex
    formats: dict[tuple[str, int], tuple[QTextBlockFormat, QTextCharFormat]] = {}
    prev_list: tuple[int, str] | None = None
    current_list = None
    for i, block in enumerate(document.blocks):
        key = (block.kind, block.level)
        pair = formats.get(key)
        if pair is None:
            pair = formats[key] = _block_formats(block, base, colors, mono)
        block_fmt, char_fmt = pair
        if i == 0:
            cursor.setBlockFormat(block_fmt)
            cursor.setBlockCharFormat(char_fmt)
        else:
            cursor.insertBlock(block_fmt, char_fmt)
        if block.kind == "list_item":
            numbered = bool(block.marker and block.marker.rstrip(".)").isdigit())
            list_key = (block.level, "1" if numbered else "•")
            if list_key == prev_list and current_list is not None:
                current_list.add(cursor.block())
            else:
                list_fmt = QTextListFormat()
                list_fmt.setStyle(QTextListFormat.Style.ListDecimal if numbered else QTextListFormat.Style.ListDisc)
                list_fmt.setIndent(block.level or 1)
                if numbered:
                    list_fmt.setStart(int(block.marker.rstrip(".)")))
                current_list = cursor.createList(list_fmt)
            prev_list = list_key
        elif prev_list is not None:
            prev_list, current_list = None, None
        text = block.text
        if block.spans or block.kind == "code":
            _insert_inline(cursor, block, char_fmt, colors, mono, clean)
        elif text:
            cursor.insertText(clean(text), char_fmt)
    cursor.endEditBlock()


def _as_is(text: str) -> str:
    return text


def _block_formats(
    block: Block, base: QTextCharFormat, colors: themes.ArticleColors, mono: list[str]
) -> tuple[QTextBlockFormat, QTextCharFormat]:
    fmt = QTextBlockFormat()
    fmt.setLineHeight(150, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
    fmt.setBottomMargin(14)
    char = QTextCharFormat(base)
    kind = block.kind
    if kind == "heading":
        level = min(max(block.level, 1), 6)
        fmt.setHeadingLevel(level)
        fmt.setTopMargin(22 if level > 1 else 6)
        fmt.setBottomMargin(10)
        fmt.setLineHeight(125, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        char.setFontWeight(QFont.Weight.Bold)
        char.setProperty(QTextFormat.Property.FontSizeAdjustment, _HEADING_SCALE[level])
    elif kind == "quote":
        fmt.setLeftMargin(28 * max(1, block.level))
        fmt.setRightMargin(12)
        char.setFontItalic(True)
        char.setForeground(QColor(colors.muted))
    elif kind == "list_item":
        fmt.setBottomMargin(6)
    elif kind == "code":
        # Each code line is a block: single line height and no margins keep the background whole.
        fmt.setBackground(QColor(colors.code_bg))
        fmt.setNonBreakableLines(True)
        fmt.setLineHeight(100, QTextBlockFormat.LineHeightTypes.SingleHeight.value)
        fmt.setTextIndent(12)
        fmt.setBottomMargin(0)
        char.setFontFamilies(mono)
        char.setFontFixedPitch(True)
        char.setProperty(QTextFormat.Property.FontSizeAdjustment, -1)
    elif kind == "image":
        fmt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        fmt.setTopMargin(16)
        fmt.setBottomMargin(22)
        char.setFontItalic(True)
        char.setForeground(QColor(colors.muted))
        char.setProperty(QTextFormat.Property.FontSizeAdjustment, -1)
    return fmt, char


def _insert_inline(
    cursor: QTextCursor,
    block: Block,
    char_fmt: QTextCharFormat,
    colors: themes.ArticleColors,
    mono: list[str],
    clean: Callable[[str], str],
) -> None:
    text = block.text
    if block.kind == "code":
        # Each line break of a code block is one position, as its "\n" is one character.
        lines = text.split("\n")
        first_fmt = QTextBlockFormat(cursor.blockFormat())
        first_fmt.setTopMargin(6)
        cursor.setBlockFormat(first_fmt)
        for n, line in enumerate(lines):
            if n:
                line_fmt = QTextBlockFormat(first_fmt)
                line_fmt.setTopMargin(0)
                cursor.insertBlock(line_fmt, char_fmt)
            if line:
                cursor.insertText(clean(line), char_fmt)
        last_fmt = QTextBlockFormat(cursor.blockFormat())
        last_fmt.setBottomMargin(16)
        cursor.setBlockFormat(last_fmt)
        return
    cuts = {0, len(text)}
    for span in block.spans:
        cuts.add(span.start)
        cuts.add(span.end)
    points = sorted(c for c in cuts if 0 <= c <= len(text))
    for a, b in zip(points, points[1:]):
        if a == b:
            continue
        fmt = QTextCharFormat(char_fmt)
        for span in block.spans:
            if span.start <= a and span.end >= b:
                if span.kind == "emphasis":
                    fmt.setFontItalic(True)
                elif span.kind == "strong":
                    fmt.setFontWeight(QFont.Weight.Bold)
                elif span.kind == "code":
                    fmt.setFontFamilies(mono)
                    fmt.setFontFixedPitch(True)
                    fmt.setProperty(QTextFormat.Property.FontSizeAdjustment, -1)
                elif span.kind == "link" and span.href:
                    fmt.setAnchor(True)
                    fmt.setAnchorHref(span.href)
                    fmt.setForeground(QColor(colors.link))
                    fmt.setFontUnderline(True)
                    fmt.setToolTip(span.href)
        cursor.insertText(clean(text[a:b]), fmt)


class ArticleHeader(QWidget):
    """Title and byline above the page. Not part of the text, so offsets stay the canonical ones."""

    def __init__(self, parent: QWidget | None = None):
        from PySide6.QtWidgets import QLabel, QVBoxLayout

        super().__init__(parent)
        self.setObjectName("articleHeader")
        self.setAutoFillBackground(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 28, 24, 6)
        layout.setSpacing(6)
        self.title = QLabel(self)
        self.title.setObjectName("articleTitle")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.byline = QLabel(self)
        self.byline.setObjectName("articleByline")
        self.byline.setWordWrap(True)
        layout.addWidget(self.title)
        layout.addWidget(self.byline)
        self.theme = themes.DEFAULT_THEME
        self.font_size = float(themes.DEFAULT_FONT_SIZE)
        self.compact = False
        self._title = ""
        self.words = 0

    def show_article(self, article: Article | None) -> None:
        if article is None:
            self.hide()
            return
        self._title = article.title
        self.title.setText(article.title)
        text = article.document.text
        # words, counted by their separators: a split would copy a long article just to count
        words = self.words = text.count(" ") + text.count("\n") + 1
        minutes = max(1, round(words / 230))
        when = article.published or ""
        if when:
            from reader.ui.library_panel import short_date

            when = short_date(when)
        bits = [b for b in (article.site, f"by {article.author}" if article.author else None, when) if b]
        bits.append(f"{minutes} min read")
        self.byline.setText("  ·  ".join(bits))
        self.show()

    def set_compact(self, compact: bool) -> None:
        """Once the reader scrolls into the text, the header shrinks to one quiet line."""
        if compact == self.compact:
            return
        self.compact = compact
        self.byline.setVisible(not compact)
        self.title.setWordWrap(not compact)
        margins = self.layout().contentsMargins()
        self.layout().setContentsMargins(margins.left(), 8 if compact else 28, margins.right(), 9 if compact else 6)
        self.restyle(self.theme, self.font_size)
        self._fit_title()

    def _fit_title(self) -> None:
        if self.compact:
            metrics = self.title.fontMetrics()
            self.title.setText(metrics.elidedText(self._title, Qt.TextElideMode.ElideRight, max(50, self.title.width())))
        else:
            self.title.setText(self._title)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.compact:
            self._fit_title()

    def paintEvent(self, event: object) -> None:
        super().paintEvent(event)  # type: ignore[arg-type]
        if self.compact:  # a hairline between the running title and the text scrolling under it
            from PySide6.QtGui import QPainter

            painter = QPainter(self)
            painter.setPen(QColor(themes.article_colors(self.theme).rule))
            painter.drawLine(0, self.height() - 1, self.width(), self.height() - 1)
            painter.end()

    def set_column(self, left: int, right: int) -> None:
        margins = self.layout().contentsMargins()
        self.layout().setContentsMargins(left, margins.top(), right, margins.bottom())

    def restyle(self, theme: str, font_size: float) -> None:
        self.theme, self.font_size = theme, font_size
        colors = themes.article_colors(theme)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(colors.page))
        self.setPalette(palette)
        # Fonts go in the stylesheet too: an application stylesheet would override setFont.
        families = ", ".join(f'"{f}"' for f in themes.READING_FONTS[:-1]) + ", serif"
        size = font_size * (0.95 if self.compact else 1.5)
        weight = 600 if self.compact else 700
        self.title.setStyleSheet(
            f"color: {colors.text}; font-family: {families}; font-size: {size:.1f}pt; font-weight: {weight};"
        )
        self.byline.setStyleSheet(f"color: {colors.muted}; font-size: {max(9.0, font_size * 0.66):.1f}pt;")
