"""The main window: library list | article | sidebar, and the menus that drive them.

Every action goes through the ``Library``; the window listens to what each mutation
changed (``Changes``, marshalled to the UI thread by a Qt signal, since imports run on a
worker thread) and refreshes only that.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QObject, QRect, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTextEdit,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.core.errors import ArticleNotFound, ReaderError
from reader.core.importers import EPUB_SUFFIXES, HTML_SUFFIXES, MARKDOWN_SUFFIXES, is_url
from reader.core.library import Library
from reader.core.models import Changes, Highlight
from reader.ui import theme as themes
from reader.ui.article_view import ArticleHeader, ArticleView
from reader.ui.dialogs import PasteDialog, ShortcutsDialog
from reader.ui.library_panel import LibraryPanel
from reader.ui.pdf_host import PdfHost
from reader.ui.popups import HighlightEditor, SelectionPopup
from reader.ui.review_flow import ReviewFlow
from reader.ui.search_panel import Hit, SearchPanel
from reader.ui.sidebar import Sidebar
from reader.ui.workers import Job, Jobs

IMPORTABLE_SUFFIXES = {".txt", ".text"} | MARKDOWN_SUFFIXES | HTML_SUFFIXES | EPUB_SUFFIXES | {".pdf"}
OPEN_FILTER = "Articles (*.txt *.text *.md *.markdown *.html *.htm *.xhtml *.epub *.pdf);;All files (*)"


def expand_sources(paths: list[str]) -> list[str]:
    """Files as given; folders become the importable files inside them, sorted."""
    out: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                out.extend(
                    str(Path(root) / f) for f in sorted(files)
                    if not f.startswith(".") and Path(f).suffix.lower() in IMPORTABLE_SUFFIXES
                )
        else:
            out.append(raw)
    return out


class FindBar(QWidget):
    """Find in the article: matches marked, Enter next, Shift+Enter previous, Esc closes."""

    def __init__(self, view: ArticleView, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("findBar")
        self.view = view
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        self.field = QLineEdit(self)
        self.field.setObjectName("findField")
        self.field.setPlaceholderText("Find in article")
        self.field.setClearButtonEnabled(True)
        self.field.installEventFilter(self)
        layout.addWidget(self.field, 1)
        self.count = QLabel(self)
        self.count.setProperty("role", "muted")
        layout.addWidget(self.count)
        for text, tip, step in (("↑", "Previous match (Shift+Enter)", -1), ("↓", "Next match (Enter)", 1)):
            button = QToolButton(self)
            button.setText(text)
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, s=step: self.step(s))
            layout.addWidget(button)
        close = QToolButton(self)
        close.setText("×")
        close.setToolTip("Close (Esc)")
        close.clicked.connect(self.close_bar)
        layout.addWidget(close)
        self._timer = QTimer(self, singleShot=True, interval=150, timeout=self.search)
        self.field.textChanged.connect(self._timer.start)
        self.hide()

    def open_bar(self) -> None:
        self.show()
        selected = self.view.textCursor().selectedText()
        if selected and "\u2029" not in selected and len(selected) < 80:
            self.field.setText(selected)
        self.field.setFocus()
        self.field.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.view.clear_find()
        self.view.setFocus()

    def search(self) -> None:
        self._timer.stop()
        n = self.view.find_all(self.field.text())
        self._show_count()
        self.field.setProperty("nomatch", bool(self.field.text()) and n == 0)

    def step(self, step: int) -> None:
        if self._timer.isActive():
            self.search()
            return
        self.view.find_step(step)
        self._show_count()

    def _show_count(self) -> None:
        current, total = self.view.find_position()
        self.count.setText(f"{current} of {total}" if total else ("No matches" if self.field.text() else ""))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.field and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                shift = event.modifiers() & Qt.KeyboardModifier.ShiftModifier  # type: ignore[attr-defined]
                self.step(-1 if shift else 1)
                return True
            if key == Qt.Key.Key_Escape:
                self.close_bar()
                return True
        return False


class MainWindow(QMainWindow):
    changesArrived = Signal(object)

    def __init__(self, library: Library, settings: QSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.library = library
        self.settings = settings
        self.setWindowTitle("Reader")
        self.setWindowIcon(themes.icon("reader"))
        self.setAcceptDrops(True)
        self.jobs = Jobs(self)
        self._index_lock = threading.Lock()
        self._pending_search: str | None = None
        self._open_after_delete: int | None = None
        self._focus_mode = False
        self.capture: Any = None  # the browser-capture endpoint and inbox, once start_capture() runs
        self._saved_splitter: QByteArray | None = None
        self.theme = str(settings.value("theme", themes.DEFAULT_THEME))
        if self.theme not in themes.THEMES:
            self.theme = themes.DEFAULT_THEME

        # -- the three panes ------------------------------------------------------------------
        self.library_panel = LibraryPanel(library, self)
        self.search_panel = SearchPanel(self)
        self.left = QStackedWidget(self)
        self.left.addWidget(self.library_panel)
        self.left.addWidget(self.search_panel)
        self.view = ArticleView(self)
        self.view.theme = self.theme
        self.view.font_size = float(settings.value("font_size", themes.DEFAULT_FONT_SIZE))
        self.find_bar = FindBar(self.view, self)
        self.header = ArticleHeader(self)
        self.header.hide()
        self.view.columnChanged.connect(self.header.set_column)
        self.view.verticalScrollBar().valueChanged.connect(self._view_scrolled)
        centre = QWidget(self)
        col = QVBoxLayout(centre)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        col.addWidget(self.header)
        self.pdf = PdfHost(self)  # a PDF's pages over the article view (which keeps its text)
        col.addWidget(self.pdf.stack, 1)
        col.addWidget(self.find_bar)
        self.sidebar = Sidebar(library, self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.left)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.sidebar)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setChildrenCollapsible(True)
        self.splitter.setSizes([300, 760, 300])
        self.setCentralWidget(self.splitter)
        self.selection_popup = SelectionPopup(self)
        self.editor = HighlightEditor(self)
        self.status = QLabel(self)
        self.status.setObjectName("statusLabel")
        self.statusBar().addWidget(self.status, 1)
        self.progress_label = QLabel(self)
        self.progress_label.setObjectName("statusLabel")
        self.progress_label.setToolTip("How far you have read")
        self.statusBar().addPermanentWidget(self.progress_label)
        self.statusBar().setSizeGripEnabled(False)
        self._status_timer = QTimer(self, singleShot=True, interval=6000, timeout=self._clear_status)

        self._build_actions()
        self._build_toolbar()
        self._build_menus()
        self.review = ReviewFlow(self)  # daily review: Ctrl+R, the toolbar button with today's count
        self._connect()
        self._restore_settings()
        self.apply_theme(self.theme)
        self.library_panel.reload()
        # The window paints first (list and page), then the article fills in: a long one
        # takes a few hundred milliseconds to lay out.
        self.view.clear_article(" ")
        self.ready = False  # True once the first article is shown
        self.view.viewport().installEventFilter(self)
        self.start_index_catch_up()

    # -- building -------------------------------------------------------------------------------
    def _action(self, text: str, slot: Callable[[], Any], shortcuts: list[Any] | None = None, *, tip: str = "",
                icon: str | None = None, name: str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcuts:
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        if icon:
            action.setIcon(themes.icon(icon))
        action.setObjectName(name or text.strip(".…").lower().replace(" ", "_"))
        action.triggered.connect(lambda _=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.act_open = a("Open…", self.open_files, [QKeySequence.StandardKey.Open], tip="Open files (Ctrl+O)", icon="open")
        self.act_import_folder = a("Import folder…", self.import_folder, tip="Import every article in a folder")
        self.act_paste = a("Paste URL or text…", self.paste_dialog, tip="Add a web address or some text", icon="paste",
                           name="paste_dialog")
        self.act_paste_key = a("Paste as article", self.paste_clipboard, [QKeySequence.StandardKey.Paste],
                               name="paste_clipboard")
        self.act_export = a("Export highlights…", self.export_article, tip="Export this article's highlights and notes")
        self.act_quit = a("Quit", self.close, [QKeySequence("Ctrl+Q")])
        self.act_undo = a("Undo", self.undo, [QKeySequence.StandardKey.Undo])
        self.act_find = a("Find in article", self.find_bar.open_bar, [QKeySequence.StandardKey.Find], icon="find")
        self.act_search = a("Search archive", self.focus_search, [QKeySequence("Ctrl+K"), QKeySequence("Ctrl+Shift+F")],
                            icon="search")
        self.act_new_note = a("New note", self.new_note, [QKeySequence("Ctrl+N")])
        self.act_bigger = a("Larger text", lambda: self.change_font(1), [QKeySequence("Ctrl+="), QKeySequence("Ctrl++")])
        self.act_smaller = a("Smaller text", lambda: self.change_font(-1), [QKeySequence("Ctrl+-")])
        self.act_reset_font = a("Default text size", lambda: self.set_font_size(themes.DEFAULT_FONT_SIZE),
                                [QKeySequence("Ctrl+0")])
        self.act_focus = a("Focus mode", self.toggle_focus_mode, [QKeySequence("F11")], icon="focus")
        self.act_focus.setCheckable(True)
        self.act_sidebar = a("Show sidebar", self.toggle_sidebar, [QKeySequence("Ctrl+Shift+B")], icon="sidebar")
        self.act_sidebar.setCheckable(True)
        self.act_sidebar.setChecked(True)
        self.act_shortcuts = a("Keyboard shortcuts", self.show_shortcuts, [QKeySequence("F1")])
        self.act_about = a("About Reader", self.show_about)
        self.theme_group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for name in themes.THEMES:
            action = QAction(name.capitalize(), self, checkable=True)
            action.setObjectName(f"theme_{name}")
            action.triggered.connect(lambda _=False, n=name: self.apply_theme(n))
            self.theme_group.addAction(action)
            self.theme_actions[name] = action

    def _build_toolbar(self) -> None:
        bar = QToolBar("Main", self)
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        bar.setFloatable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        bar.addAction(self.act_open)
        bar.addAction(self.act_paste)
        spacer = QWidget(bar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        self.search_field = QLineEdit(bar)
        self.search_field.setObjectName("searchField")
        self.search_field.setPlaceholderText("Search archive  (Ctrl+K)")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setMinimumWidth(280)
        self.search_field.setMaximumWidth(420)
        self.search_field.returnPressed.connect(lambda: self.run_search(self.search_field.text()))
        bar.addWidget(self.search_field)
        spacer2 = QWidget(bar)
        spacer2.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer2)
        bar.addAction(self.act_find)
        bar.addAction(self.act_focus)
        bar.addAction(self.act_sidebar)
        self.addToolBar(bar)
        self.toolbar = bar

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file = menu.addMenu("&File")
        file.addActions([self.act_open, self.act_import_folder, self.act_paste])
        file.addAction(self.act_export)
        file.addSeparator()
        file.addAction(self.act_quit)
        edit = menu.addMenu("&Edit")
        edit.addAction(self.act_undo)
        edit.addSeparator()
        edit.addActions([self.act_find, self.act_search, self.act_new_note])
        edit.aboutToShow.connect(self._update_undo_action)
        view = menu.addMenu("&View")
        for action in self.theme_actions.values():
            view.addAction(action)
        view.addSeparator()
        view.addActions([self.act_bigger, self.act_smaller, self.act_reset_font])
        view.addSeparator()
        view.addActions([self.act_sidebar, self.act_focus])
        view.addAction(self.pdf.toggle_action)
        help_menu = menu.addMenu("&Help")
        help_menu.addActions([self.act_shortcuts, self.act_about])

    def _connect(self) -> None:
        # Library listeners may run on a worker thread (imports): a queued signal brings
        # the Changes to the UI thread.
        self._unsubscribe = self.library.subscribe(self.changesArrived.emit)
        self.changesArrived.connect(self.apply_changes, Qt.ConnectionType.QueuedConnection)
        self.library_panel.articleActivated.connect(lambda aid: self.open_article(aid))
        self.library_panel.deleteRequested.connect(self.delete_article)
        self.library_panel.stateRequested.connect(self.set_reading_state)
        self.search_panel.hitActivated.connect(self.open_hit)
        self.search_panel.closed.connect(self.show_library)
        self.search_panel.suggestionChosen.connect(self._search_suggestion)
        self.view.selectionReady.connect(self._selection_ready)
        self.view.highlightKey.connect(self._highlight_key)
        self.view.highlightClicked.connect(self.edit_highlight)
        self.view.readingPositionChanged.connect(self._save_reading_position)
        self.view.readToEnd.connect(lambda aid: self.set_reading_state(aid, "done"))
        self.selection_popup.colorChosen.connect(lambda c: self.highlight_selection(c))
        self.selection_popup.noteRequested.connect(lambda: self.highlight_selection("yellow", then="note"))
        self.selection_popup.tagsRequested.connect(lambda: self.highlight_selection("yellow", then="tags"))
        self.selection_popup.copyRequested.connect(self._copy_selection)
        self.editor.colorChanged.connect(lambda hid, c: self._update_highlight(hid, color=c))
        self.editor.noteChanged.connect(lambda hid, n: self._update_highlight(hid, note=n))
        self.editor.tagsChanged.connect(lambda hid, t: self._update_highlight(hid, tags=t))
        self.editor.deleteRequested.connect(self.delete_highlight)
        self.editor.closed.connect(self._editor_closed)
        self.sidebar.highlightActivated.connect(self.reveal_highlight)
        self.sidebar.orphanActivated.connect(lambda hid, rect: self.edit_highlight(hid, anchor=rect))

    # -- settings -----------------------------------------------------------------------------
    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1360, 860)
        splitter = self.settings.value("window/splitter")
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        sidebar_visible = self.settings.value("window/sidebar", True, type=bool)
        self.sidebar.setVisible(bool(sidebar_visible))
        self.act_sidebar.setChecked(bool(sidebar_visible))
        self.library_panel.set_sort(str(self.settings.value("library/sort", "added")))

    def save_settings(self) -> None:
        if self._focus_mode:
            self.toggle_focus_mode()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("window/sidebar", self.act_sidebar.isChecked())
        self.settings.setValue("theme", self.theme)
        self.settings.setValue("font_size", self.view.font_size)
        self.settings.setValue("library/sort", self.library_panel.model.sort)
        if self.view.article_id is not None:
            self.settings.setValue("last_article", self.view.article_id)
        self.settings.sync()

    def _open_initial_article(self) -> None:
        self.ready = True
        if self.view.article_id is not None:  # something was opened meanwhile (a drop, a search)
            return
        last = self.settings.value("last_article")
        try:
            last_id = int(last) if last is not None else None
        except (TypeError, ValueError):
            last_id = None
        rows = self.library_panel.model.rows
        target = last_id if last_id is not None and self.library_panel.model.row_of(last_id) is not None else (
            rows[0].id if rows else None
        )
        self.view.setFocus()  # j/k, n/p and Space work at once
        if target is not None:
            self.open_article(target)
        else:
            self.view.clear_article("Your library is empty.\nOpen a file (Ctrl+O), paste a URL (Ctrl+V) or drop files here.")

    # -- articles ------------------------------------------------------------------------------
    def open_article(
        self,
        article_id: int,
        *,
        at: int | None = None,
        flash: tuple[int, int] | None = None,
        marks: tuple[tuple[int, int], ...] = (),
    ) -> bool:
        self.view.flush_position()
        self.pdf.flush_position()
        self.sidebar.notes._flush()
        self.selection_popup.hide()
        try:
            article = self.library.get(article_id)
        except ArticleNotFound as exc:
            self.show_status(str(exc))
            return False
        self.header.show_article(article)
        self.view.show_article(article, at=at)
        self.pdf.show_article(article, at=at)
        self.sidebar.show_article(article)
        self.library_panel.select(article_id, emit=False)
        QTimer.singleShot(0, self._show_progress)
        self.setWindowTitle(f"{article.title} — Reader")
        if self.find_bar.isVisible() and self.find_bar.field.text():
            self.find_bar.search()
        if flash is not None:
            start, end = flash
            QTimer.singleShot(0, lambda: self.view.article_id == article_id and self.pdf.reveal(start, end, marks))
        return True

    def delete_article(self, article_id: int) -> None:
        rows = self.library_panel.model.rows
        row = self.library_panel.model.row_of(article_id)
        title = rows[row].title if row is not None else ""
        # the list's neighbour opens in its place (the next one, or the one before at the end)
        neighbours = [rows[i].id for i in ((row + 1, row - 1) if row is not None else ()) if 0 <= i < len(rows)]
        self._open_after_delete = neighbours[0] if neighbours else None
        try:
            self.library.delete(article_id)
        except ReaderError as exc:
            self.show_error("Could not delete the article", str(exc))
            return
        self.show_status(f"Deleted “{_short(title)}”. Ctrl+Z brings it back.")

    def set_reading_state(self, article_id: int, state: str) -> None:
        try:
            self.library.set_reading_state(article_id, state)
        except ReaderError as exc:
            self.show_status(str(exc))
            return
        self.library_panel.model.set_reading_state(article_id, state)

    def _save_reading_position(self, article_id: int, offset: int) -> None:
        try:
            self.library.set_reading_position(article_id, offset)
        except ReaderError:
            return  # deleted meanwhile: nothing to remember
        row = self.library_panel.model.row_of(article_id)
        if offset > 0 and row is not None and self.library_panel.model.rows[row].reading_state == "unread":
            self.library_panel.model.set_reading_state(article_id, "reading")

    # -- what changed ----------------------------------------------------------------------------
    def apply_changes(self, changes: Changes) -> None:
        self._refresh_library_list(changes)
        current = self.view.article_id
        if current is None:
            if changes.added and self.view.article is None:
                self.open_article(max(changes.added))
            elif changes.tags:
                self.sidebar.refresh_tags()
            return
        if current in changes.deleted:
            self.view.clear_article("This article was deleted. Ctrl+Z brings it back.")
            self.pdf.clear()
            self.header.show_article(None)
            self.sidebar.show_article(None)
            self.setWindowTitle("Reader")
            rows = self.library_panel.model.rows
            target = self._open_after_delete
            self._open_after_delete = None
            if target is None or self.library_panel.model.row_of(target) is None:
                target = rows[0].id if rows else None
            if target is not None:
                self.open_article(target)
            return
        if current in changes.articles:
            if changes.highlights:
                highlights = self.library.highlights(current)
                self.view.set_highlights(highlights, changes.highlights)
                self.pdf.set_highlights(highlights)
                self.sidebar.show_highlights(highlights)
            if changes.notes:
                self.sidebar.refresh_notes()
            if changes.tags:
                self.sidebar.refresh_tags()
            if not (changes.highlights or changes.notes or changes.reading):
                self._reload_if_content_changed(current)
        elif changes.tags:
            self.sidebar.refresh_tags()

    def _refresh_library_list(self, changes: Changes) -> None:
        """Re-query the list only when rows come, go or may change order; else patch rows."""
        panel = self.library_panel
        partial = (changes.highlights or changes.notes or changes.tags) and len(changes.articles) <= 20
        if changes.added or changes.deleted or (changes.articles and not partial) or (
            changes.tags and panel.model.tag
        ):
            panel.reload(tags=changes.tags or bool(changes.added or changes.deleted))
            return
        if changes.tags:
            panel.reload_tags()
        for article_id in changes.articles:
            if panel.model.row_of(article_id) is None:
                continue
            fields: dict[str, Any] = {}
            if changes.highlights:
                fields["highlight_count"] = len(self.library.highlights(article_id))
            if changes.tags:
                fields["tags"] = tuple(sorted(self.library.article_tags(article_id), key=str.casefold))
            if fields:
                panel.model.update_row(article_id, **fields)

    def _reload_if_content_changed(self, article_id: int) -> None:
        try:
            article = self.library.get(article_id)
        except ArticleNotFound:
            return
        if article.document.text != self.view.text:
            self.view.show_article(article, at=min(self.view.offset_at_top(), len(article.document.text)))
            self.header.show_article(article)
            self.sidebar.show_article(article)
        self.setWindowTitle(f"{article.title} — Reader")

    def _view_scrolled(self, value: int) -> None:
        self.header.set_compact(value > 48)
        self._show_progress()
        popup = getattr(self, "selection_popup", None)  # scrolls may come while the window is built
        if popup is not None and popup.isVisible():  # keep the popup by its selection, or let it go
            rect = self.view.selection_rect()
            viewport = self.view.viewport()
            local = viewport.mapFromGlobal(rect.center())
            if viewport.rect().contains(local):
                self.selection_popup.show_at(rect)
            else:
                self.selection_popup.hide()

    def _show_progress(self) -> None:
        label = getattr(self, "progress_label", None)
        if label is None:
            return
        bar = self.view.verticalScrollBar()
        if self.view.article is None:
            label.setText("")
            return
        share = 1.0 if bar.maximum() <= 0 else bar.value() / bar.maximum()
        words = self.header.words
        left = round(words * (1 - share) / 230)
        label.setText(f"{share:.0%}" + (f"  ·  {left} min left" if left >= 1 else ""))

    # -- highlighting ------------------------------------------------------------------------------
    def _selection_ready(self, start: int, end: int) -> None:
        if start < end and self.view.isVisible() and self.isActiveWindow() or start < end and self.view.hasFocus():
            self.selection_popup.show_at(self.view.selection_rect())
        else:
            self.selection_popup.hide()

    def _highlight_key(self, start: int, end: int, action: str) -> None:
        if action in ("note", "tags"):
            self.highlight_range(start, end, "yellow", then=action)
        else:
            self.highlight_range(start, end, action)

    def highlight_selection(self, color: str, then: str | None = None) -> Highlight | None:
        start, end = self.pdf.selection_offsets()
        if start >= end:
            self.selection_popup.hide()
            return None
        return self.highlight_range(start, end, color, then=then)

    def highlight_range(self, start: int, end: int, color: str, then: str | None = None) -> Highlight | None:
        article_id = self.view.article_id
        if article_id is None:
            return None
        self.selection_popup.hide()
        try:
            highlight = self.library.add_highlight(article_id, start, end, color=color)
        except ReaderError as exc:
            self.show_status(str(exc))
            return None
        cursor = self.view.textCursor()
        cursor.clearSelection()
        self.view.setTextCursor(cursor)
        # apply now rather than when the queued Changes arrive, so the colour shows at once
        self.view.set_highlights([*self.view.highlights(), highlight], [highlight.id])
        self.pdf.highlight_added(highlight)
        if then in ("note", "tags"):
            self.edit_highlight(highlight.id, focus=then)
        else:
            self.show_status("Highlighted. Click it to add a note or tags.")
        return highlight

    def edit_highlight(self, highlight_id: int, _where: object = None, *, focus: str = "note",
                       anchor: QRect | None = None) -> None:
        try:
            highlight = self.library.get_highlight(highlight_id)
        except ReaderError as exc:
            self.show_status(str(exc))
            return
        self.sidebar.select_highlight(highlight_id)
        tags = [name for name, _ in self.library.all_tags()]
        if anchor is None:
            if highlight.orphaned:  # not in the text: the editor opens by the sidebar
                anchor = QRect(self.sidebar.mapToGlobal(self.sidebar.rect().center()), QSize(1, 1))
            else:
                anchor = self.pdf.highlight_rect(highlight)
        self.editor.edit(highlight, anchor, tags, focus=focus)

    def _editor_closed(self) -> None:
        # A closed popup leaves no active window on some platforms; the keys (Ctrl+Z, n/p)
        # must keep working in the article.
        self.activateWindow()
        if QApplication.focusWidget() is None or QApplication.focusWidget().window() is self.editor:
            self.view.setFocus()

    def _update_highlight(self, highlight_id: int, **fields: Any) -> None:
        try:
            self.library.update_highlight(highlight_id, **fields)
        except ReaderError as exc:
            self.show_status(str(exc))

    def delete_highlight(self, highlight_id: int) -> None:
        try:
            self.library.delete_highlight(highlight_id)
        except ReaderError as exc:
            self.show_status(str(exc))
            return
        self.show_status("Highlight deleted. Ctrl+Z brings it back.")

    def reveal_highlight(self, highlight_id: int) -> None:
        highlight = next((h for h in self.view.highlights() if h.id == highlight_id), None)
        if highlight is not None:
            self.pdf.reveal(highlight.start, highlight.end)

    def _copy_selection(self) -> None:
        self.view.copy()
        self.selection_popup.hide()
        self.show_status("Copied.")

    def undo(self) -> None:
        label = self.library.can_undo()
        if not label:
            self.show_status("There is nothing to undo.")
            return
        try:
            changes = self.library.undo()
        except ReaderError as exc:
            self.show_error("Could not undo", str(exc))
            return
        self.show_status(f"Undone: {label.split(' article')[0]}.")
        if changes.added and self.view.article_id is None:
            self.open_article(max(changes.added))
        elif changes.added:
            QTimer.singleShot(0, lambda: self.open_article(max(changes.added)))

    def _update_undo_action(self) -> None:
        label = self.library.can_undo()
        self.act_undo.setText(f"Undo {label.split(' article')[0]}" if label else "Undo")
        self.act_undo.setEnabled(bool(label))

    def new_note(self) -> None:
        if self.view.article_id is None:
            return
        if not self.sidebar.isVisible():
            self.toggle_sidebar()
        self.sidebar.new_note()

    # -- adding articles -----------------------------------------------------------------------------
    def open_files(self) -> None:
        start = str(self.settings.value("last_dir", str(Path.home())))
        files, _ = QFileDialog.getOpenFileNames(self, "Open articles", start, OPEN_FILTER)
        if files:
            self.settings.setValue("last_dir", str(Path(files[0]).parent))
            self.import_sources(files)

    def import_folder(self) -> None:
        start = str(self.settings.value("last_dir", str(Path.home())))
        folder = QFileDialog.getExistingDirectory(self, "Import a folder", start)
        if folder:
            self.settings.setValue("last_dir", folder)
            sources = expand_sources([folder])
            if not sources:
                self.show_error("Nothing to import", f"'{folder}' holds no text, Markdown, HTML or EPUB files.")
                return
            self.import_sources(sources)

    def import_sources(self, sources: list[str]) -> Job | None:
        """Import files or URLs on a worker, with a progress dialog that can cancel."""
        sources = expand_sources(sources)
        if not sources:
            return None
        dialog = QProgressDialog("Importing…", "Cancel", 0, len(sources), self)
        dialog.setWindowTitle("Importing")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setValue(0)

        def progress(done: int, total: int, name: str) -> None:
            dialog.setMaximum(max(total, 1))
            dialog.setValue(done)
            if name:
                dialog.setLabelText(f"Importing {Path(name).name if not is_url(name) else name}")

        def finished(results: list[Any]) -> None:
            dialog.close()
            dialog.deleteLater()
            self._import_finished(sources, results, job.cancelled)

        def failed(exc: BaseException) -> None:
            dialog.close()
            dialog.deleteLater()
            self.show_error("Import failed", str(exc) or exc.__class__.__name__)

        job = self.jobs.start(
            lambda progress, cancel: self.library.add_many(sources, progress=progress, cancel=cancel),
            finished=finished, failed=failed, progress=progress,
        )
        dialog.canceled.connect(job.cancel)
        self.show_status(f"Importing {len(sources)} item{'s' if len(sources) != 1 else ''}…", sticky=True)
        return job

    def _import_finished(self, sources: list[str], results: list[Any], cancelled: bool) -> None:
        errors = [r for r in results if isinstance(r, ReaderError)]
        done = [r for r in results if not isinstance(r, ReaderError)]
        added = [r for r in done if r.status == "added"]
        updated = [r for r in done if r.status == "updated"]
        bits = []
        if added:
            bits.append(f"added {len(added)}")
        if updated:
            bits.append(f"updated {len(updated)}")
        if len(done) > len(added) + len(updated):
            bits.append(f"{len(done) - len(added) - len(updated)} already in the library")
        if cancelled:
            bits.append(f"cancelled after {len(results)} of {len(sources)}")
        self.show_status(("Import: " + ", ".join(bits) + ".") if bits else "Nothing was imported.")
        if done:
            self.open_article((added or done)[-1].article_id)
        if errors:
            shown = "\n\n".join(str(e) for e in errors[:12])
            if len(errors) > 12:
                shown += f"\n\n…and {len(errors) - 12} more."
            title = "This file was not imported" if len(errors) == 1 else f"{len(errors)} files were not imported"
            self.show_error(title, shown)
        if done:
            self.start_index_catch_up()

    def paste_clipboard(self) -> None:
        focus = QApplication.focusWidget()
        if focus is self.view or isinstance(focus, (QLineEdit, QPlainTextEdit, QTextEdit)):
            return  # the focused widget handles its own paste (the article ignores it)
        mime = QGuiApplication.clipboard().mimeData()
        if mime is not None and mime.hasUrls() and any(u.isLocalFile() for u in mime.urls()):
            self.import_sources([u.toLocalFile() for u in mime.urls() if u.isLocalFile()])
            return
        text = QGuiApplication.clipboard().text().strip()
        if not text:
            self.show_status("The clipboard holds no text or address to add.")
            return
        self.add_text_or_url(text)

    def paste_dialog(self) -> None:
        dialog = PasteDialog(self)
        if dialog.exec() and dialog.text().strip():
            self.add_text_or_url(dialog.text().strip(), title=dialog.title())

    def add_text_or_url(self, text: str, title: str = "") -> None:
        if is_url(text) and len(text.split()) == 1:
            self.import_sources([text])
            return
        try:
            result = self.library.add_text(text, name=title or "Pasted text")
        except ReaderError as exc:
            self.show_error("Could not add the pasted text", str(exc))
            return
        self.show_status(f"Added “{_short(result.title)}”.")
        self.open_article(result.article_id)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if mime.hasUrls() or mime.hasText():
            event.acceptProposedAction()

    def dragMoveEvent(self, event: Any) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        mime = event.mimeData()
        if mime.hasUrls():
            sources = [u.toLocalFile() if u.isLocalFile() else u.toString() for u in mime.urls()]
            sources = [s for s in sources if s and (is_url(s) or not s.startswith(("file:", "data:")))]
            if sources:
                event.acceptProposedAction()
                self.import_sources(sources)
                return
        if mime.hasText() and mime.text().strip():
            event.acceptProposedAction()
            self.add_text_or_url(mime.text().strip())

    # -- export --------------------------------------------------------------------------------------
    def export_article(self) -> None:
        from reader.core.exporters.markdown import export_markdown_file

        article = self.view.article
        if article is None:
            return
        folder = Path(str(self.settings.value("last_dir", str(Path.home()))))
        default = str(folder / f"{_safe_name(article.title)}.md")
        path, _ = QFileDialog.getSaveFileName(self, "Export highlights and notes", default, "Markdown (*.md)")
        if not path:
            return
        try:
            written = export_markdown_file(self.library, article.id, path)
        except (ReaderError, OSError) as exc:
            self.show_error("Export failed", str(exc))
            return
        self.show_status(f"Exported to {written}.")

    # -- search ----------------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search_field.setFocus()
        self.search_field.selectAll()

    def start_capture(self, port: int | None = None) -> None:
        """Save pages from the browser and import the inbox folder while this window is open."""
        from reader.ui.capture_host import CaptureHost

        self.capture = CaptureHost(self, port)
        action = self._action("Browser capture…", self.capture.open_settings, tip="The capture address, token and inbox folder")
        file_menu = next((a.menu() for a in self.menuBar().actions() if a.text() == "&File"), None)
        if file_menu is not None:
            file_menu.insertAction(self.act_export, action)

    def start_index_catch_up(self) -> None:
        def catch_up(progress: Any, cancel: Any) -> int:
            with self._index_lock:
                return self.library.index_catch_up(cancel=cancel)

        def finished(_count: object) -> None:
            if self._pending_search is not None:
                query, self._pending_search = self._pending_search, None
                self.run_search(query)

        def failed(exc: BaseException) -> None:
            finished(None)

        self.jobs.start(catch_up, finished=finished, failed=failed)

    def run_search(self, query: str) -> None:
        query = query.strip()
        if not query:
            return
        self.left.setCurrentWidget(self.search_panel)
        if self._focus_mode:
            self.toggle_focus_mode()
        if not self._index_lock.acquire(blocking=False):
            self._pending_search = query
            self.search_panel.show_message(query, "Indexing your archive… the results appear when it is done.")
            return
        try:
            results = self.library.search(query)
        except ReaderError as exc:
            self.search_panel.show_message(query, str(exc))
            return
        finally:
            self._index_lock.release()
        self.search_panel.show_results(query, results)
        if self.search_panel.model.hits:
            self.search_panel.view.setFocus()

    def _search_suggestion(self, suggestion: str) -> None:
        self.search_field.setText(suggestion)
        self.run_search(suggestion)

    def open_hit(self, hit: Hit) -> None:
        flash = (hit.start, hit.end) if hit.start is not None and hit.end is not None and hit.end > hit.start else None
        self.open_article(hit.article_id, at=hit.start if flash else None, flash=flash, marks=hit.marks)
        self.view.setFocus()

    def show_library(self) -> None:
        self.left.setCurrentWidget(self.library_panel)

    # -- view --------------------------------------------------------------------------------------------
    def apply_theme(self, name: str) -> None:
        self.theme = name if name in themes.THEMES else themes.DEFAULT_THEME
        app = QApplication.instance()
        if isinstance(app, QApplication):
            themes.apply_theme(app, self.theme)
        self.view.set_theme(self.theme)
        self.pdf.set_theme(self.theme)
        self.header.restyle(self.theme, self.view.font_size)
        self.theme_actions[self.theme].setChecked(True)
        self.settings.setValue("theme", self.theme)

    def change_font(self, step: int) -> None:
        self.set_font_size(self.view.font_size + step)

    def set_font_size(self, size: float) -> None:
        self.view.set_font_size(size)
        self.header.restyle(self.theme, self.view.font_size)
        self.settings.setValue("font_size", self.view.font_size)
        self.show_status(f"Text size {self.view.font_size:g} pt.")

    def toggle_sidebar(self) -> None:
        visible = not self.sidebar.isVisible()
        self.sidebar.setVisible(visible)
        self.act_sidebar.setChecked(visible)

    def toggle_focus_mode(self) -> None:
        self._focus_mode = not self._focus_mode
        self.act_focus.setChecked(self._focus_mode)
        if self._focus_mode:
            self._saved_splitter = self.splitter.saveState()
            self._sidebar_was_visible = self.sidebar.isVisible()
            self.left.hide()
            self.sidebar.hide()
            self.toolbar.hide()
            self.menuBar().hide()
            self.statusBar().hide()
            self.view.setFocus()
        else:
            self.left.show()
            self.sidebar.setVisible(getattr(self, "_sidebar_was_visible", True))
            self.toolbar.show()
            self.menuBar().show()
            self.statusBar().show()
            if self._saved_splitter is not None:
                self.splitter.restoreState(self._saved_splitter)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and obj is self.view.viewport() and not self.ready:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, self._open_initial_article)  # right after this first paint
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self._focus_mode:
            self.toggle_focus_mode()
            return
        super().keyPressEvent(event)

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self).exec()

    def show_about(self) -> None:
        from reader import __version__ as number
        QMessageBox.about(
            self,
            "About Reader",
            f"<h3>Reader {number}</h3><p>A calm place to read saved articles, highlight and annotate "
            "passages, tag them, and search your archive.</p><p>Your library lives in "
            f"<code>{self.library.home}</code>.</p>",
        )

    # -- messages ------------------------------------------------------------------------------------------
    def show_status(self, message: str, sticky: bool = False) -> None:
        self.status.setText(message)
        if sticky:
            self._status_timer.stop()
        else:
            self._status_timer.start()

    def _clear_status(self) -> None:
        self.status.setText("")

    def show_error(self, title: str, message: str) -> None:
        QMessageBox.warning(self, title, message)

    # -- closing -----------------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self.view.flush_position()
        self.sidebar.notes._flush()
        self.editor.close()
        self.selection_popup.hide()
        self.save_settings()
        if self.capture is not None:
            self.capture.stop()  # before the jobs: a capture under way may still start one
        self.jobs.wait()
        self.pdf.shutdown()
        self._unsubscribe()
        self.review.detach()
        super().closeEvent(event)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _safe_name(title: str) -> str:
    keep = "".join(c if c.isalnum() or c in " -_" else " " for c in title)
    return "-".join(keep.split())[:80] or "article"
