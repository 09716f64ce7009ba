"""Builds an article's QTextDocument block by block from a ``Document`` (no Qt widget here).

The QTextDocument is never filled from foreign HTML: each block is inserted with a
QTextCursor, so the document's plain text is exactly the canonical text (a block boundary
is one position, as its ``\\n`` is one character). Kept apart from the viewer, as
novelWriter keeps its ``toqdoc`` builder apart from its editor.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QPainter,
    QPen,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextListFormat,
)
from PySide6.QtWidgets import QWidget

from reader.core.document import Block, Document
from reader.core.models import Highlight
from reader.ui import theme as themes
from reader.ui.textpos import TextPositions

# Characters QTextCursor.insertText would turn into block breaks (or frame markers): each
# is replaced by a space of the same length, so positions still line up.
_BREAKING_CHARS = "\r\u2029\ufdd0\ufdd1\x0b\x0c"
_BREAKING = re.compile(f"[{_BREAKING_CHARS}]")
_HEADING_SCALE = {1: 3, 2: 2, 3: 1, 4: 1, 5: 0, 6: 0}  # QTextCharFormat font size adjustment


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


_KEEP = QTextCursor.MoveMode.KeepAnchor


def paint_highlights(
    doc: QTextDocument, table: TextPositions, highlights: Iterable[Highlight], theme: str, start: int, end: int
) -> None:
    """Paint highlight backgrounds over ``[start, end)`` (Python offsets) in one edit block.

    Overlaps: the segment takes the colour of the most recently created highlight,
    a shade darker, so the overlap stays visible.
    """
    if start >= end:
        return
    involved = [h for h in highlights if h.start < end and h.end > start]
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
                color = themes.highlight_color(theme, top.color)
                if len(active) > 1:
                    color = color.darker(115) if theme != "dark" else color.lighter(130)
                colors[key] = color
            fmt = QTextCharFormat()
            fmt.setBackground(color)
            cursor.setPosition(table.to_qt(a))
            cursor.setPosition(table.to_qt(b), _KEEP)
            cursor.mergeCharFormat(fmt)
    finally:
        cursor.endEditBlock()


def paint_image_frames(viewport: QWidget, doc: QTextDocument, image_blocks: Iterable[int], dy: int, theme: str) -> None:
    """Images are never loaded: their alt text sits in a dashed frame, so it reads as a placeholder."""
    layout = doc.documentLayout()
    height = viewport.height()
    painter = QPainter(viewport)
    pen = QPen(QColor(themes.article_colors(theme).muted))
    pen.setStyle(Qt.PenStyle.DashLine)
    painter.setPen(pen)
    label_font = QFont(doc.defaultFont())
    label_font.setPointSizeF(max(8.0, label_font.pointSizeF() * 0.7))
    label_font.setCapitalization(QFont.Capitalization.SmallCaps)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for pos in image_blocks:
        rect = layout.blockBoundingRect(doc.findBlock(pos)).translated(0, -dy)
        if rect.bottom() < 0 or rect.top() > height:
            continue
        frame = rect.adjusted(1, -6, -1, 6)
        painter.drawRoundedRect(frame, 6, 6)
        # the word "image" in the frame's corner: drawn, not text, so offsets are untouched
        painter.setFont(label_font)
        painter.drawText(frame.adjusted(10, 0, 0, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, "image")
    painter.end()
