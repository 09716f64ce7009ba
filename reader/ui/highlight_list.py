"""The list of highlights in the sidebar: a model, and a delegate painting quote, note and tags."""

from __future__ import annotations

import re

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from reader.core.models import Highlight
from reader.ui import theme as themes

HighlightRole = Qt.ItemDataRole.UserRole + 1
_MARKDOWN_MARKS = re.compile(r"(^\s*(#{1,6}|>|[-*+]|\d+[.)])\s+)|`+|~~|(?<!\w)[*_]+|[*_]+(?!\w)")


class HighlightListModel(QAbstractListModel):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[Highlight] = []

    def set_rows(self, rows: list[Highlight]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        h = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return h.exact
        if role == HighlightRole:
            return h
        if role == Qt.ItemDataRole.ToolTipRole:
            return h.note or None
        return None


class HighlightDelegate(QStyledItemDelegate):
    """A colour bar, up to three lines of the quote, the note's first line, the tags."""

    PAD = 8
    GAP = 5

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._lines: dict[tuple[str, int, int], int] = {}  # (quote, width, font) -> wrapped lines

    def quote_lines(self, h: Highlight, fm: QFontMetrics, width: int) -> int:
        key = (h.exact, width, fm.lineSpacing())
        lines = self._lines.get(key)
        if lines is None:
            if len(self._lines) > 20_000:
                self._lines.clear()
            lines = self._lines[key] = _quote_lines(h, fm, width)
        return lines

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        h: Highlight = index.data(HighlightRole)
        fm = option.fontMetrics
        if h is None:
            return QSize(200, fm.lineSpacing() + self.PAD * 2)
        # option.rect is not the row's rect during layout: wrap at the list's own width
        view = self.parent()
        full = view.viewport().width() if isinstance(view, QListView) else option.rect.width()
        width = max(60, full - 16 - self.PAD)
        extra = (1 if h.note else 0) + (1 if h.tags else 0)
        lines = self.quote_lines(h, fm, width) + extra
        return QSize(200, fm.lineSpacing() * lines + self.PAD * 2 + 4 + (self.GAP if extra else 0))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        h: Highlight = index.data(HighlightRole)
        if h is None:
            return
        painter.save()
        palette = option.palette
        rect = option.rect
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight))
        elif option.state & QStyle.StateFlag.State_MouseOver:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.AlternateBase))
        painter.fillRect(QRect(rect.left() + 4, rect.top() + self.PAD, 4, rect.height() - self.PAD * 2),
                         themes.swatch_color(h.color))
        inner = rect.adjusted(16, self.PAD, -self.PAD, -self.PAD)
        fm = option.fontMetrics
        text_color = palette.color(QPalette.ColorRole.Text)
        muted = QColor(text_color)
        muted.setAlpha(150)
        quote = " ".join(h.exact.split())
        painter.setFont(option.font)
        lines = self.quote_lines(h, fm, inner.width())
        quote_rect = QRect(inner.left(), inner.top(), inner.width(), fm.lineSpacing() * lines)
        painter.setPen(text_color)
        wrap = Qt.TextFlag.TextWordWrap | Qt.TextFlag.TextDontClip  # descenders of the last line show
        painter.drawText(quote_rect, wrap, _elide_lines(quote, fm, inner.width(), 3))
        y = quote_rect.top() + fm.lineSpacing() * lines + self.GAP
        if h.note:
            note_font = QFont(option.font)
            note_font.setItalic(True)
            painter.setFont(note_font)
            painter.setPen(text_color)
            first = h.note.strip().splitlines()[0] if h.note.strip() else ""
            first = _MARKDOWN_MARKS.sub("", first).strip()  # a preview reads as words, not syntax
            painter.drawText(QRect(inner.left(), y, inner.width(), fm.lineSpacing()), Qt.AlignmentFlag.AlignLeft,
                             QFontMetrics(note_font).elidedText("✎ " + first, Qt.TextElideMode.ElideRight, inner.width()))
            painter.setFont(option.font)
            y += fm.lineSpacing()
        if h.tags:
            painter.setPen(muted)
            painter.drawText(QRect(inner.left(), y, inner.width(), fm.lineSpacing()), Qt.AlignmentFlag.AlignLeft,
                             fm.elidedText(" ".join("#" + t for t in h.tags), Qt.TextElideMode.ElideRight, inner.width()))
        painter.restore()


def _quote_lines(h: Highlight, fm: QFontMetrics, width: int) -> int:
    """How many lines (at most 3) the quote takes when wrapped at ``width``."""
    quote = " ".join(h.exact.split())
    if fm.horizontalAdvance(quote) <= width:
        return 1
    quote = _elide_lines(quote, fm, width, 3)
    rect = fm.boundingRect(QRect(0, 0, max(1, width), 10_000), Qt.TextFlag.TextWordWrap, quote)
    return max(1, min(3, round(rect.height() / max(1, fm.lineSpacing()))))


def _elide_lines(text: str, fm: QFontMetrics, width: int, lines: int) -> str:
    """At most ``lines`` wrapped lines of ``text``, the last one elided."""
    budget = width * lines - fm.horizontalAdvance("…") * 2
    if fm.horizontalAdvance(text) <= budget * 0.92:
        return text
    return fm.elidedText(text, Qt.TextElideMode.ElideRight, int(budget * 0.9))


def make_highlight_list(parent: QWidget, name: str) -> tuple[QListView, HighlightListModel]:
    view = QListView(parent)
    view.setObjectName(name)
    model = HighlightListModel(view)
    view.setModel(model)
    view.setItemDelegate(HighlightDelegate(view))
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    view.setMouseTracking(True)
    view.setWordWrap(True)
    view.setResizeMode(QListView.ResizeMode.Adjust)  # rows re-measure when the sidebar is resized
    # 1,000 highlights: lay out the first rows now and the rest while idle
    view.setLayoutMode(QListView.LayoutMode.Batched)
    view.setBatchSize(60)
    return view, model
