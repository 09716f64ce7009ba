"""The article page: a read-only QTextBrowser showing a document built by :mod:`reader.ui.render`.

The document's plain text is exactly the canonical text, so Python offsets map to Qt
positions through :mod:`reader.ui.textpos` alone.

Highlights are character backgrounds merged into the document inside one edit block;
find matches and the "flash" after a jump are extra selections, which leave the document
alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QPoint, QPointF, QRect, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
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
    QTextFrameFormat,
)
from PySide6.QtWidgets import QMessageBox, QTextBrowser, QTextEdit, QWidget

from reader.core.models import Article, Highlight
from reader.ui import theme as themes
from reader.ui.render import build_document, paint_highlights, paint_image_frames
from reader.ui.textpos import TextPositions, positions

COLUMN_CHARS = 70
SAFE_LINK_SCHEMES = ("http", "https", "mailto")
_KEEP = QTextCursor.MoveMode.KeepAnchor


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
        self.setCursorWidth(0)  # a page to read, not to edit: no blinking text cursor (kept per document)
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
        # a selection unlike every highlight colour, so an applied highlight is never mistaken for it
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            palette.setColor(group, QPalette.ColorRole.Highlight, QColor(colors.selection))
            palette.setColor(group, QPalette.ColorRole.HighlightedText, QColor(colors.selection_text))
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
            # a third down the page, and a whole line at the top: none half under the header
            bar.setValue(self._line_top(max(0, y - self.viewport().height() // 3)))

    def _line_top(self, y: int) -> int:
        """The top of the text line at document height ``y`` (``y`` itself between blocks)."""
        doc = self.document()
        layout = doc.documentLayout()
        pos = layout.hitTest(QPointF(self._side_margin + 2, y), Qt.HitTestAccuracy.FuzzyHit)
        if pos < 0:
            return y
        block = doc.findBlock(pos)
        line = block.layout().lineForTextPosition(pos - block.position())
        if not line.isValid():
            return y
        top = int(layout.blockBoundingRect(block).top() + line.y())
        return top if top <= y < top + line.height() + 1 else y

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
        if self._rendered:
            paint_highlights(doc, self._rendered.table, self._highlights.values(), self.theme, start, end)

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
            paint_image_frames(self.viewport(), self.document(), self._rendered.image_blocks,
                               self.verticalScrollBar().value(), self.theme)

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
        exact = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        if not is_click and not exact and event.button() == Qt.MouseButton.LeftButton:
            self.snap_selection_to_words()
        if not is_click or event.button() != Qt.MouseButton.LeftButton or self.textCursor().hasSelection():
            return
        if self.anchorAt(point):
            return
        offset = self.offset_at(point)
        hit = self.highlight_at(offset) if offset is not None else None
        if hit is not None:
            self.highlightClicked.emit(hit.id, self.viewport().mapToGlobal(point))

    def snap_selection_to_words(self) -> None:
        """Widen a dragged selection to whole words ("...Ukraine. As p" takes all of "probably")."""
        cursor = self.textCursor()
        if not self._rendered or not cursor.hasSelection():
            return
        text = self._rendered.text
        anchor, pos = self.from_qt(cursor.anchor()), self.from_qt(cursor.position())
        start, end = min(anchor, pos), max(anchor, pos)
        while 0 < start < len(text) and _in_word(text[start - 1]) and _in_word(text[start]):
            start -= 1
        while 0 < end < len(text) and _in_word(text[end - 1]) and _in_word(text[end]):
            end += 1
        if (start, end) == (min(anchor, pos), max(anchor, pos)):
            return
        snapped = QTextCursor(self.document())
        first, last = (start, end) if anchor <= pos else (end, start)
        snapped.setPosition(self.to_qt(first))
        snapped.setPosition(self.to_qt(last), _KEEP)
        self.setTextCursor(snapped)

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


def _in_word(char: str) -> bool:
    return char.isalnum() or char in "_'’-"


def _with_highlights(article: Article, highlights: tuple[Highlight, ...]) -> Article:
    from dataclasses import replace

    return replace(article, highlights=highlights)
