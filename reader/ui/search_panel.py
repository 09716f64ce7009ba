"""Archive search results: titles and snippets with the matched words marked.

Results come from ``Library.search(q)``: objects with ``article_id``, ``title``,
``snippet`` (HTML where ``<b>`` marks a match), ``start``, ``end`` (Python offsets into the
canonical text) and ``matched_in``; the list may carry a ``.suggestion``. Missing
attributes are tolerated, so the window works with whatever the search module gives.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QAbstractTextDocumentLayout, QColor, QFont, QFontMetrics, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

_MARK = re.compile(r"(</?b>)", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
ResultRole = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Hit:
    article_id: int
    title: str
    snippet_html: str  # sanitised: only <b> survives
    start: int | None
    end: int | None
    matched_in: str  # where the query matched besides the text: "title, note", or ""
    marks: tuple[tuple[int, int], ...] = ()  # the matched words, as offsets into the canonical text


def safe_snippet(snippet: str) -> str:
    """Keep the search module's <b> marks; everything else becomes plain, escaped text."""
    out: list[str] = []
    depth = 0
    for part in _MARK.split(snippet or ""):
        low = part.lower()
        if low == "<b>":
            depth += 1
            out.append("<b>")
        elif low == "</b>":
            if depth:
                depth -= 1
                out.append("</b>")
        else:
            out.append(html.escape(html.unescape(_TAG.sub("", part)), quote=False))
    out.extend("</b>" for _ in range(depth))
    return " ".join("".join(out).split())


def to_hit(result: Any) -> Hit | None:
    article_id = getattr(result, "article_id", None)
    if article_id is None:
        return None
    start = getattr(result, "start", None)
    end = getattr(result, "end", None)
    where = getattr(result, "matched_in", "") or ""
    if isinstance(where, str):
        where = [where]
    where = [str(w) for w in where if w and w not in ("text", "body")]
    try:
        marks = tuple(
            (int(a), int(b)) for a, b in (getattr(result, "match_offsets", None) or ()) if int(b) > int(a)
        )
    except (TypeError, ValueError):
        marks = ()
    return Hit(
        article_id=int(article_id),
        title=str(getattr(result, "title", "") or f"Article {article_id}"),
        snippet_html=safe_snippet(str(getattr(result, "snippet", "") or "")),
        start=start if isinstance(start, int) else None,
        end=end if isinstance(end, int) else None,
        matched_in=", ".join(where),
        marks=marks,
    )


class HitModel(QAbstractListModel):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.hits: list[Hit] = []

    def set_hits(self, hits: list[Hit]) -> None:
        self.beginResetModel()
        self.hits = hits
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.hits)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        hit = self.hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return hit.title
        if role == ResultRole:
            return hit
        return None


class HitDelegate(QStyledItemDelegate):
    PAD = 10
    SNIPPET_LINES = 3

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._line_heights: dict[str, float] = {}

    def _doc_line_height(self, font: QFont) -> float:
        """One line of a QTextDocument in ``font`` (a little taller than the font's line spacing)."""
        key = font.key()
        if key not in self._line_heights:
            doc = QTextDocument()
            doc.setDefaultFont(font)
            doc.setDocumentMargin(0)
            doc.setPlainText("Xg")
            self._line_heights[key] = doc.size().height()
        return self._line_heights[key]

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        fm = option.fontMetrics
        snippet = self._doc_line_height(option.font) * self.SNIPPET_LINES
        return QSize(200, int(fm.lineSpacing() + 4 + snippet + 2 + self.PAD * 2))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        hit: Hit = index.data(ResultRole)
        if hit is None:
            return
        painter.save()
        palette = option.palette
        rect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight))
        elif option.state & QStyle.StateFlag.State_MouseOver:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.AlternateBase))
        inner = rect.adjusted(self.PAD + 4, self.PAD, -self.PAD, -self.PAD)
        text_color = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        title_font = QFont(option.font)
        title_font.setWeight(QFont.Weight.DemiBold)
        fm = QFontMetrics(title_font)
        painter.setFont(title_font)
        painter.setPen(text_color)
        title = hit.title + (f"  · in {hit.matched_in}" if hit.matched_in else "")
        painter.drawText(inner.left(), inner.top() + fm.ascent(), fm.elidedText(title, Qt.TextElideMode.ElideRight, inner.width()))
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDocumentMargin(0)
        muted = QColor(text_color)
        muted.setAlpha(190)
        doc.setDefaultStyleSheet(f"body {{ color: {muted.name(QColor.NameFormat.HexArgb)}; }} b {{ color: {text_color.name()}; }}")
        doc.setHtml(f"<body>{hit.snippet_html}</body>")  # only escaped text and <b> (safe_snippet)
        doc.setTextWidth(inner.width())
        height = self._doc_line_height(option.font) * self.SNIPPET_LINES + 1
        painter.translate(inner.left(), inner.top() + fm.lineSpacing() + 4)
        clip = QRectF(0, 0, inner.width(), height)
        painter.setClipRect(clip)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        ctx.clip = clip
        ctx.palette.setColor(QPalette.ColorRole.Text, muted)
        doc.documentLayout().draw(painter, ctx)
        painter.restore()


class SearchPanel(QWidget):
    """Results of an archive search; Enter or a click opens the article at the passage."""

    hitActivated = Signal(object)  # Hit
    closed = Signal()
    suggestionChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("searchPanel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 0, 0)
        layout.setSpacing(6)
        top = QHBoxLayout()
        self.title = QLabel("Search", self)
        self.title.setProperty("role", "section")
        top.addWidget(self.title, 1)
        back = QPushButton("Back to library", self)
        back.setObjectName("searchBack")
        back.clicked.connect(self.closed.emit)
        top.addWidget(back)
        layout.addLayout(top)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setProperty("role", "muted")
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.message.linkActivated.connect(lambda s: self.suggestionChosen.emit(s))
        layout.addWidget(self.message)
        self.model = HitModel(self)
        self.view = QListView(self)
        self.view.setObjectName("searchResults")
        self.view.setModel(self.model)
        self.view.setItemDelegate(HitDelegate(self.view))
        self.view.setUniformItemSizes(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setMouseTracking(True)
        self.view.activated.connect(self._activated)
        self.view.clicked.connect(self._activated)
        layout.addWidget(self.view, 1)

    def show_results(self, query: str, results: list[Any]) -> None:
        hits = [h for h in (to_hit(r) for r in results) if h is not None]
        self.model.set_hits(hits)
        self.title.setText(f"Search: {query}")
        suggestion = getattr(results, "suggestion", None)
        if not hits:
            text = f"Nothing found for <b>{html.escape(query)}</b>."
        else:
            text = f"{len(hits)} result{'s' if len(hits) != 1 else ''}"
        if suggestion and suggestion != query:
            text += f" Did you mean <a href=\"{html.escape(suggestion)}\">{html.escape(suggestion)}</a>?"
        self.message.setText(text)
        if hits:
            self.view.setCurrentIndex(self.model.index(0))

    def show_message(self, query: str, message: str) -> None:
        self.model.set_hits([])
        self.title.setText(f"Search: {query}" if query else "Search")
        self.message.setText(html.escape(message))

    def _activated(self, index: QModelIndex) -> None:
        hit = index.data(ResultRole)
        if hit is not None:
            self.hitActivated.emit(hit)
