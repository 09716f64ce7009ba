"""The article's title and byline above the page; shrinks to one running line while reading."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QPalette, QResizeEvent
from PySide6.QtWidgets import QWidget

from reader.core.models import Article
from reader.ui import theme as themes

SIDE_MARGIN = 24  # the least room beside the title; the text column's margins add to it when wide


class ArticleHeader(QWidget):
    """Title and byline above the page. Not part of the text, so offsets stay the canonical ones."""

    def __init__(self, parent: QWidget | None = None):
        from PySide6.QtWidgets import QLabel, QVBoxLayout

        super().__init__(parent)
        self.setObjectName("articleHeader")
        self.setAutoFillBackground(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SIDE_MARGIN, 28, SIDE_MARGIN, 6)
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
        self.title_in_text = False  # the text's first heading is the title
        self.words = 0

    def show_article(self, article: Article | None) -> None:
        if article is None:
            self.hide()
            return
        self._title = article.title
        self.title.setText(article.title)
        # An HTML article often opens with its own title as a heading: show it once, there.
        blocks = article.document.blocks
        self.title_in_text = bool(blocks) and blocks[0].kind == "heading" and _same(blocks[0].text, article.title)
        self.title.setVisible(self.compact or not self.title_in_text)
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
        self.title.setVisible(compact or not self.title_in_text)
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

    def minimumSizeHint(self) -> QSize:
        """The least width without the text column's margins, which grow with the page.

        Counted in, they made the article as wide as it last was: leaving focus mode, the panes
        coming back had only what was left (the sidebar squashed, its tabs cut), and a window
        manager could not make the window narrower than the wide page's margins.
        """
        hint = super().minimumSizeHint()
        margins = self.layout().contentsMargins()
        extra = max(0, margins.left() - SIDE_MARGIN) + max(0, margins.right() - SIDE_MARGIN)
        return QSize(max(0, hint.width() - extra), hint.height())

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


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
