"""The sidebar (right): the article's tags, highlights in text order, orphans, and notes."""

from __future__ import annotations

import re

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    QStringListModel,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.core.errors import ReaderError
from reader.core.library import Library
from reader.core.models import Article, Highlight, Note
from reader.ui import theme as themes

HighlightRole = Qt.ItemDataRole.UserRole + 1
_MARKDOWN_MARKS = re.compile(r"(^\s*(#{1,6}|>|[-*+]|\d+[.)])\s+)|`+|~~|(?<!\w)[*_]+|[*_]+(?!\w)")


class FlowLayout(QLayout):
    """Lays widgets out left to right, wrapping like words (the Qt flow layout example)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._do_layout(QRect(0, 0, width, 0), test=True)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._do_layout(rect, test=False)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _do_layout(self, rect: QRect, test: bool) -> int:
        x, y, line = rect.x(), rect.y(), 0
        space = self.spacing()
        for item in self._items:
            hint = item.sizeHint()
            if x + hint.width() > rect.right() and line > 0:
                x, y, line = rect.x(), y + line + space, 0
            if not test:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + space
            line = max(line, hint.height())
        return y + line - rect.y()


class TagsBox(QWidget):
    """The article's tags as chips (click one to remove it) and a field to add one."""

    def __init__(self, library: Library, parent: QWidget | None = None):
        super().__init__(parent)
        self.library = library
        self.article_id: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        title = QLabel("Tags", self)
        title.setProperty("role", "section")
        layout.addWidget(title)
        self.chips = QWidget(self)
        self.flow = FlowLayout(self.chips)
        layout.addWidget(self.chips)
        self.field = QLineEdit(self)
        self.field.setObjectName("articleTagField")
        self.field.setPlaceholderText("Add a tag and press Enter")
        self.completer_model = QStringListModel(self)
        completer = QCompleter(self.completer_model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.field.setCompleter(completer)
        self.field.returnPressed.connect(self._add)
        layout.addWidget(self.field)
        self.error = QLabel(self)
        self.error.setProperty("role", "muted")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)

    def show_tags(self, article_id: int | None, tags: tuple[str, ...]) -> None:
        self.article_id = article_id
        while self.flow.count():
            item = self.flow.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()
        for tag in tags:
            chip = QToolButton(self.chips)
            chip.setProperty("role", "chip")
            chip.setText(f"#{tag}  ×")
            chip.setObjectName(f"tag-{tag}")
            chip.setToolTip(f"Remove the tag '{tag}'")
            chip.clicked.connect(lambda _=False, t=tag: self._remove(t))
            self.flow.addWidget(chip)
        self.chips.setVisible(bool(tags))
        self.field.setEnabled(article_id is not None)
        self.refresh_completions()

    def refresh_completions(self) -> None:
        self.completer_model.setStringList([name for name, _ in self.library.all_tags()])

    def _add(self) -> None:
        names = [t.strip() for t in self.field.text().split(",") if t.strip()]
        if self.article_id is None or not names:
            return
        try:
            self.library.tag(self.article_id, *names)
        except ReaderError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.error.hide()
        self.field.clear()

    def _remove(self, tag: str) -> None:
        if self.article_id is not None:
            self.library.untag(self.article_id, tag)


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


def _highlight_list(parent: QWidget, name: str) -> tuple[QListView, HighlightListModel]:
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


class NoteCard(QFrame):
    """One note: rendered Markdown; click to edit in plain text, saved as typed."""

    saveRequested = Signal(object, str)  # the card, the body
    deleteRequested = Signal(object)  # the card

    def __init__(self, note: Note | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.note_id: int | None = note.id if note else None
        self.setObjectName("noteCard")
        self.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(2)
        top = QHBoxLayout()
        self.when = QLabel(self)
        self.when.setProperty("role", "muted")
        top.addWidget(self.when, 1)
        self.delete_button = QToolButton(self)
        self.delete_button.setText("Delete")
        self.delete_button.setObjectName("deleteNote")
        self.delete_button.setToolTip("Delete this note (Ctrl+Z brings it back)")
        self.delete_button.clicked.connect(lambda: self.deleteRequested.emit(self))
        top.addWidget(self.delete_button)
        layout.addLayout(top)
        self.stack = QStackedWidget(self)
        self.viewer = _MarkdownView(self)
        self.viewer.clicked.connect(self.start_editing)
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("noteEditor")
        self.editor.setPlaceholderText("Write a note… Markdown works: *emphasis*, **strong**, - lists")
        self.editor.setMinimumHeight(140)
        self.editor.setTabChangesFocus(True)
        self.stack.addWidget(self.viewer)
        self.stack.addWidget(self.editor)
        layout.addWidget(self.stack)
        self._timer = QTimer(self, singleShot=True, interval=500, timeout=self.save_now)
        self.editor.textChanged.connect(self._timer.start)
        self.editor.installEventFilter(self)
        self._body = note.body if note else ""
        self.set_when(note)
        self.editor.setPlainText(self._body)
        self._timer.stop()
        self._render()

    def set_when(self, note: Note | None) -> None:
        from reader.ui.library_panel import short_date

        self.when.setText(f"Edited {short_date(note.updated)}" if note else "New note")

    @property
    def editing(self) -> bool:
        return self.stack.currentWidget() is self.editor

    @property
    def body(self) -> str:
        return self._body

    def set_body(self, body: str) -> None:
        if self.editing or body == self._body:
            return
        self._body = body
        self.editor.blockSignals(True)
        self.editor.setPlainText(body)
        self.editor.blockSignals(False)
        self._render()

    def _render(self) -> None:
        self.viewer.set_markdown(self._body or "*Empty note — click to write.*")

    def start_editing(self) -> None:
        self.stack.setCurrentWidget(self.editor)
        self.stack.setFixedHeight(self.editor.minimumHeight())
        self.editor.setFocus()
        self.editor.moveCursor(self.editor.textCursor().MoveOperation.End)

    def stop_editing(self) -> None:
        self.save_now()
        self.stack.setCurrentWidget(self.viewer)
        self._render()

    def save_now(self) -> None:
        self._timer.stop()
        body = self.editor.toPlainText()
        if body != self._body:
            self._body = body
            self.saveRequested.emit(self, body)

    def eventFilter(self, obj: object, event: object) -> bool:
        from PySide6.QtCore import QEvent

        if obj is self.editor and getattr(event, "type", lambda: None)() == QEvent.Type.FocusOut:
            QTimer.singleShot(0, self._maybe_stop)
        return False

    def _maybe_stop(self) -> None:
        if self.editing and not self.editor.hasFocus():
            self.stop_editing()


class _MarkdownView(QTextBrowser):
    """A read-only Markdown rendering that grows to fit and loads nothing."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.viewport().setCursor(Qt.CursorShape.IBeamCursor)
        self.setToolTip("Click to edit")
        self.document().setDocumentMargin(6)

    def loadResource(self, type: int, name: QUrl) -> object:  # noqa: A002
        return None

    def set_markdown(self, text: str) -> None:
        self.document().setMarkdown(text)
        self._fit()

    def _fit(self) -> None:
        self.document().setTextWidth(max(100, self.viewport().width()))
        self.setFixedHeight(int(self.document().size().height()) + 6)
        stack = self.parentWidget()
        if isinstance(stack, QStackedWidget) and stack.currentWidget() is self:
            stack.setFixedHeight(self.height())

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._fit()

    def mouseReleaseEvent(self, event: object) -> None:
        super().mouseReleaseEvent(event)  # type: ignore[arg-type]
        if not self.textCursor().hasSelection():
            self.clicked.emit()


class NotesBox(QWidget):
    def __init__(self, library: Library, parent: QWidget | None = None):
        super().__init__(parent)
        self.library = library
        self.article_id: int | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.new_button = QPushButton("New note", self)
        self.new_button.setObjectName("newNote")
        self.new_button.setToolTip("Write a note about this article (Ctrl+N)")
        self.new_button.clicked.connect(self.new_note)
        top.addWidget(self.new_button)
        top.addStretch(1)
        outer.addLayout(top)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.container = QWidget(scroll)
        self.cards_layout = QVBoxLayout(self.container)
        self.cards_layout.setContentsMargins(0, 0, 4, 0)
        self.cards_layout.addStretch(1)
        scroll.setWidget(self.container)
        outer.addWidget(scroll, 1)
        self.empty = QLabel("No notes yet. Ctrl+N writes one.", self)
        self.empty.setProperty("role", "empty")
        self.empty.setWordWrap(True)
        outer.addWidget(self.empty)
        self.cards: list[NoteCard] = []

    def show_notes(self, article_id: int | None, notes: list[Note] | tuple[Note, ...]) -> None:
        if article_id != self.article_id:
            self._flush()
            for card in self.cards:
                card.deleteLater()
            self.cards = []
        self.article_id = article_id
        by_id = {n.id: n for n in notes}
        keep: list[NoteCard] = []
        for card in self.cards:
            if card.note_id is None or card.note_id in by_id:
                if card.note_id is not None:
                    card.set_body(by_id[card.note_id].body)
                    card.set_when(by_id[card.note_id])
                keep.append(card)
            else:
                card.deleteLater()
        known = {c.note_id for c in keep}
        self.cards = keep
        for note in notes:
            if note.id not in known:
                self._add_card(NoteCard(note, self.container))
        self.new_button.setEnabled(article_id is not None)
        self._update_empty()

    def _add_card(self, card: NoteCard) -> None:
        card.saveRequested.connect(self._save)
        card.deleteRequested.connect(self._delete)
        self.cards_layout.insertWidget(self.cards_layout.count() - 1, card)
        self.cards.append(card)

    def _update_empty(self) -> None:
        self.empty.setVisible(not self.cards and self.article_id is not None)

    def new_note(self) -> NoteCard | None:
        if self.article_id is None:
            return None
        card = NoteCard(None, self.container)
        self._add_card(card)
        self._update_empty()
        card.start_editing()
        return card

    def _save(self, card: NoteCard, body: str) -> None:
        if self.article_id is None:
            return
        if card.note_id is None:
            if not body.strip():
                return
            card.note_id = self.library.add_note(self.article_id, body).id
        else:
            self.library.update_note(card.note_id, body)

    def _delete(self, card: NoteCard) -> None:
        card._timer.stop()
        if card.note_id is not None:
            self.library.delete_note(card.note_id)  # the refresh that follows removes the card
        else:
            self.cards.remove(card)
            card.deleteLater()
            self._update_empty()

    def _flush(self) -> None:
        for card in self.cards:
            if card.editing:
                card.save_now()


class Sidebar(QWidget):
    highlightActivated = Signal(int)  # highlight id: scroll to it and flash it
    orphanActivated = Signal(int, QRect)  # an orphan to edit or delete, and where its row is (global)

    def __init__(self, library: Library, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.library = library
        self.article_id: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 4, 8, 8)
        self.tags = TagsBox(library, self)
        layout.addWidget(self.tags)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        layout.addWidget(self.tabs, 1)
        page = QWidget(self.tabs)
        col = QVBoxLayout(page)
        col.setContentsMargins(0, 4, 0, 0)
        self.highlight_view, self.highlight_model = _highlight_list(page, "highlightList")
        col.addWidget(self.highlight_view, 3)
        self.no_highlights = QLabel("Select text to highlight it.\nKeys 1–6 pick a colour, N adds a note.", page)
        self.no_highlights.setProperty("role", "empty")
        self.no_highlights.setWordWrap(True)
        col.addWidget(self.no_highlights)
        self.orphan_title = QLabel("Orphaned — no longer found in the text", page)
        self.orphan_title.setProperty("role", "section")
        self.orphan_title.setWordWrap(True)
        col.addWidget(self.orphan_title)
        self.orphan_view, self.orphan_model = _highlight_list(page, "orphanList")
        col.addWidget(self.orphan_view, 1)
        self.tabs.addTab(page, "Highlights")
        self.notes = NotesBox(library, self.tabs)
        self.tabs.addTab(self.notes, "Notes")
        self.highlight_view.clicked.connect(self._activated)
        self.highlight_view.activated.connect(self._activated)
        self.orphan_view.clicked.connect(self._orphan_activated)
        self.orphan_view.activated.connect(self._orphan_activated)
        self.orphan_view.setToolTip("These passages were not found after the article changed. Click one to edit or delete it.")
        self.show_article(None)

    def show_article(self, article: Article | None) -> None:
        self.article_id = article.id if article else None
        self.tags.show_tags(self.article_id, article.tags if article else ())
        self.show_highlights(list(article.highlights) if article else [])
        self.notes.show_notes(self.article_id, article.notes if article else ())
        self._update_tab_titles()

    def show_highlights(self, highlights: list[Highlight]) -> None:
        placed = [h for h in highlights if not h.orphaned]
        orphans = [h for h in highlights if h.orphaned]
        self.highlight_model.set_rows(placed)
        self.orphan_model.set_rows(orphans)
        self.orphan_title.setVisible(bool(orphans))
        self.orphan_view.setVisible(bool(orphans))
        self.no_highlights.setVisible(not placed and self.article_id is not None)
        self.highlight_view.setVisible(bool(placed))
        self._update_tab_titles()

    def refresh_notes(self) -> None:
        if self.article_id is not None:
            self.notes.show_notes(self.article_id, self.library.notes(self.article_id))
            self._update_tab_titles()

    def refresh_tags(self) -> None:
        if self.article_id is not None:
            self.tags.show_tags(self.article_id, self.library.article_tags(self.article_id))
        else:
            self.tags.refresh_completions()

    def _update_tab_titles(self) -> None:
        n = len(self.highlight_model.rows) + len(self.orphan_model.rows)
        self.tabs.setTabText(0, f"Highlights ({n})" if n else "Highlights")
        m = len([c for c in self.notes.cards if c.note_id is not None])
        self.tabs.setTabText(1, f"Notes ({m})" if m else "Notes")

    def select_highlight(self, highlight_id: int) -> None:
        for row, h in enumerate(self.highlight_model.rows):
            if h.id == highlight_id:
                index = self.highlight_model.index(row)
                self.highlight_view.setCurrentIndex(index)
                self.highlight_view.scrollTo(index)
                return

    def _activated(self, index: QModelIndex) -> None:
        h: Highlight = index.data(HighlightRole)
        if h is not None:
            self.highlightActivated.emit(h.id)

    def _orphan_activated(self, index: QModelIndex) -> None:
        h: Highlight = index.data(HighlightRole)
        if h is not None:
            rect = self.orphan_view.visualRect(index)
            self.orphanActivated.emit(h.id, QRect(self.orphan_view.viewport().mapToGlobal(rect.topLeft()), rect.size()))

    def new_note(self) -> None:
        self.tabs.setCurrentWidget(self.notes)
        self.notes.new_note()
