"""The library list (left): a model over ``Library.list_articles`` and a painted delegate.

No widget per article: 10,000 articles are 10,000 rows of plain records that a delegate
paints when they scroll into view.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QFont, QFontMetrics, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from reader.core.library import Library
from reader.core.models import ArticleSummary

ArticleRole = Qt.ItemDataRole.UserRole + 1
IdRole = Qt.ItemDataRole.UserRole + 2

SORTS = (("Newest first", "added"), ("Published", "published"), ("Title A–Z", "title"))
STATES = (("Any state", None), ("Unread", "unread"), ("Reading", "reading"), ("Done", "done"))
STATE_LABEL = {"unread": "Unread", "reading": "Reading", "done": "Done"}


def short_date(value: str | None) -> str:
    if not value:
        return ""
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value[:10]
    return f"{when.day} {when:%b %Y}"


class ArticleListModel(QAbstractListModel):
    def __init__(self, library: Library, parent: QWidget | None = None):
        super().__init__(parent)
        self.library = library
        self.rows: list[ArticleSummary] = []
        self._row_of: dict[int, int] = {}
        self.tag: str | None = None
        self.text: str = ""
        self.state: str | None = None
        self.sort = "added"

    def refresh(self) -> None:
        rows = self.library.list_articles(tag=self.tag, text=self.text or None, state=self.state, sort=self.sort)
        self.beginResetModel()
        self.rows = rows
        self._row_of = {r.id: i for i, r in enumerate(rows)}
        self.endResetModel()

    def row_of(self, article_id: int) -> int | None:
        return self._row_of.get(article_id)

    def set_reading_state(self, article_id: int, state: str) -> None:
        """Update one row in place (reading changes never re-query the whole list)."""
        self.update_row(article_id, reading_state=state)

    def update_row(self, article_id: int, **fields: object) -> None:
        """Change some fields of one row in place, without re-querying 10,000 rows."""
        row = self._row_of.get(article_id)
        if row is None:
            return
        from dataclasses import replace

        updated = replace(self.rows[row], **fields)  # type: ignore[arg-type]
        if updated != self.rows[row]:
            self.rows[row] = updated
            index = self.index(row)
            self.dataChanged.emit(index, index)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.title
        if role == ArticleRole:
            return row
        if role == IdRole:
            return row.id
        if role == Qt.ItemDataRole.ToolTipRole:
            bits = [row.title]
            if row.author:
                bits.append(f"by {row.author}")
            if row.site:
                bits.append(row.site)
            return "\n".join(bits)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{row.title}, {STATE_LABEL.get(row.reading_state, '')}, {row.highlight_count} highlights"
        return None


class ArticleDelegate(QStyledItemDelegate):
    """Two lines: the title, then site · date · state · highlights · tags."""

    PAD = 10

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        fm = option.fontMetrics
        return QSize(200, fm.height() * 2 + fm.height() // 2 + self.PAD * 2)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        row: ArticleSummary = index.data(ArticleRole)
        if row is None:
            return
        painter.save()
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        rect = option.rect
        if selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight))
        elif option.state & QStyle.StateFlag.State_MouseOver:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.AlternateBase))
        text_color = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        muted = QColor(text_color)
        muted.setAlpha(150)
        inner = rect.adjusted(self.PAD + 8, self.PAD, -self.PAD, -self.PAD)
        # unread dot
        if row.reading_state == "unread":
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.Link))
            fm0 = option.fontMetrics
            painter.drawEllipse(rect.left() + 6, inner.top() + fm0.height() // 2 - 3, 6, 6)
        title_font = QFont(option.font)
        title_font.setWeight(QFont.Weight.DemiBold if row.reading_state != "done" else QFont.Weight.Normal)
        painter.setFont(title_font)
        painter.setPen(text_color if row.reading_state != "done" else muted)
        fm = QFontMetrics(title_font)
        title = fm.elidedText(row.title, Qt.TextElideMode.ElideRight, inner.width())
        painter.drawText(QRect(inner.left(), inner.top(), inner.width(), fm.height()), Qt.AlignmentFlag.AlignLeft, title)
        meta_font = QFont(option.font)
        meta_font.setPointSizeF(max(7.0, option.font.pointSizeF() * 0.88))
        painter.setFont(meta_font)
        painter.setPen(muted)
        bits = [b for b in (row.site, short_date(row.published or row.added)) if b]
        if row.reading_state != "unread":
            bits.append(STATE_LABEL.get(row.reading_state, row.reading_state))
        if row.highlight_count:
            bits.append(f"{row.highlight_count} highlight{'s' if row.highlight_count != 1 else ''}")
        if row.tags:
            bits.append(" ".join("#" + t for t in row.tags))
        mfm = QFontMetrics(meta_font)
        meta = mfm.elidedText("  ·  ".join(bits), Qt.TextElideMode.ElideRight, inner.width())
        top = inner.top() + fm.height() + fm.height() // 3
        painter.drawText(QRect(inner.left(), top, inner.width(), mfm.height() + 2), Qt.AlignmentFlag.AlignLeft, meta)
        painter.restore()


class LibraryPanel(QWidget):
    """Filter field, tag/state/sort pickers and the list."""

    articleActivated = Signal(int)
    deleteRequested = Signal(int)
    stateRequested = Signal(int, str)

    def __init__(self, library: Library, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("libraryPanel")
        self.library = library
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 0, 0)
        layout.setSpacing(6)
        self.filter = QLineEdit(self)
        self.filter.setObjectName("libraryFilter")
        self.filter.setPlaceholderText("Filter by title, author or site")
        self.filter.setClearButtonEnabled(True)
        layout.addWidget(self.filter)
        row = QHBoxLayout()
        row.setSpacing(6)
        self.tag_combo = QComboBox(self)
        self.tag_combo.setObjectName("tagFilter")
        self.tag_combo.setToolTip("Show articles with this tag")
        self.state_combo = QComboBox(self)
        self.state_combo.setToolTip("Show articles by reading state")
        for label, value in STATES:
            self.state_combo.addItem(label, value)
        self.sort_combo = QComboBox(self)
        self.sort_combo.setObjectName("sortOrder")
        self.sort_combo.setToolTip("Sort order")
        for label, value in SORTS:
            self.sort_combo.addItem(label, value)
        row.addWidget(self.tag_combo, 3)
        row.addWidget(self.state_combo, 2)
        row.addWidget(self.sort_combo, 3)
        layout.addLayout(row)
        self.count_label = QLabel(self)
        self.count_label.setProperty("role", "muted")
        layout.addWidget(self.count_label)
        self.model = ArticleListModel(library, self)
        self.view = QListView(self)
        self.view.setObjectName("articleList")
        self.view.setModel(self.model)
        self.view.setItemDelegate(ArticleDelegate(self.view))
        self.view.setUniformItemSizes(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setMouseTracking(True)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        # a click on the marked row opens it too (after a search opened another article, say)
        self.view.clicked.connect(lambda index: self.articleActivated.emit(index.data(IdRole)))
        layout.addWidget(self.view, 1)
        self.empty = QLabel("No articles match.", self)
        self.empty.setProperty("role", "empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.hide()
        layout.addWidget(self.empty)
        delete = QAction("Delete article", self.view)
        delete.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete.triggered.connect(self._delete_current)
        self.view.addAction(delete)
        self._filter_timer = QTimer(self, singleShot=True, interval=200, timeout=self._apply_filter)
        self.filter.textChanged.connect(self._filter_timer.start)
        self.tag_combo.activated.connect(self._apply_filter)
        self.state_combo.activated.connect(self._apply_filter)
        self.sort_combo.activated.connect(self._apply_filter)
        self._quiet = False
        self.open_id: int | None = None  # the article the window shows: the list marks it

    # -- data -------------------------------------------------------------------------------
    def reload(self, *, tags: bool = True) -> None:
        """Re-query the list, keeping the open article marked."""
        if tags:
            self.reload_tags()
        current = self.open_id if self.open_id is not None else self.current_id()
        self._quiet = True
        try:
            self.model.refresh()
            if not self.select(current, emit=False):
                self.view.clearSelection()
                self.view.setCurrentIndex(QModelIndex())  # no stale mark on another row
        finally:
            self._quiet = False
        total = len(self.model.rows)
        filtered = bool(self.model.tag or self.model.text or self.model.state)
        self.count_label.setText(
            f"{total} article{'s' if total != 1 else ''}" + (" match" if filtered else "")
        )
        self.empty.setVisible(total == 0)
        self.empty.setText("No articles match." if filtered else "Your library is empty. Open a file or drop one here.")

    def reload_tags(self) -> None:
        chosen = self.tag_combo.currentData()
        self.tag_combo.blockSignals(True)
        self.tag_combo.clear()
        self.tag_combo.addItem("All tags", None)
        for name, count in self.library.all_tags():
            self.tag_combo.addItem(f"#{name}  ({count})", name)
        index = self.tag_combo.findData(chosen) if chosen else 0
        self.tag_combo.setCurrentIndex(max(0, index))
        self.tag_combo.blockSignals(False)
        if chosen and index < 0:  # the tag is gone: show everything again
            self.model.tag = None

    def _apply_filter(self) -> None:
        self.model.text = self.filter.text().strip()
        self.model.tag = self.tag_combo.currentData()
        self.model.state = self.state_combo.currentData()
        self.model.sort = self.sort_combo.currentData() or "added"
        self.reload(tags=False)

    def set_sort(self, sort: str) -> None:
        index = self.sort_combo.findData(sort)
        if index >= 0:
            self.sort_combo.setCurrentIndex(index)
            self.model.sort = sort

    # -- selection ----------------------------------------------------------------------------
    def current_id(self) -> int | None:
        index = self.view.currentIndex()
        return index.data(IdRole) if index.isValid() else None

    def select(self, article_id: int | None, *, emit: bool = True) -> bool:
        row = self.model.row_of(article_id) if article_id is not None else None
        if row is None:
            return False
        index = self.model.index(row)
        quiet, self._quiet = self._quiet, self._quiet or not emit
        try:
            self.view.setCurrentIndex(index)
        finally:
            self._quiet = quiet
        self.view.scrollTo(index)
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not self._quiet and current.isValid():
            self.articleActivated.emit(current.data(IdRole))

    def _delete_current(self) -> None:
        article_id = self.current_id()
        if article_id is not None:
            self.deleteRequested.emit(article_id)

    def _context_menu(self, point: object) -> None:
        index = self.view.indexAt(point)  # type: ignore[arg-type]
        if not index.isValid():
            return
        row: ArticleSummary = index.data(ArticleRole)
        menu = QMenu(self)
        for label, state in (("Mark as unread", "unread"), ("Mark as reading", "reading"), ("Mark as done", "done")):
            action = menu.addAction(label)
            action.setEnabled(row.reading_state != state)
            action.triggered.connect(lambda _=False, s=state: self.stateRequested.emit(row.id, s))
        menu.addSeparator()
        menu.addAction("Delete article", lambda: self.deleteRequested.emit(row.id))
        menu.exec(self.view.viewport().mapToGlobal(point))  # type: ignore[arg-type]
