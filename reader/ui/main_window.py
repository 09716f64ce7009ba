"""The main window: library list | article | sidebar, put together.

The window builds the panes and hands each job to its own room:
:mod:`reader.ui.actions` (every command, its keys and menu), :mod:`reader.ui.import_flow`
(open, paste, drop), :mod:`reader.ui.search_flow` (archive search),
:mod:`reader.ui.highlight_flow` (selection, highlights, the editor) and
:mod:`reader.ui.change_router` (what changed in the library, by this window or by another
process, brought to the views). Errors from ``Library`` go through :mod:`reader.ui.errors`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from reader.core.errors import ReaderError
from reader.core.library import Library
from reader.core.models import Article
from reader.ui import theme as themes
from reader.ui.actions import build_actions, build_toolbar
from reader.ui.article_header import ArticleHeader
from reader.ui.article_view import ArticleView
from reader.ui.change_router import ChangeRouter
from reader.ui.dialogs import ShortcutsDialog
from reader.ui.errors import FAILED, attempt
from reader.ui.find_bar import FindBar
from reader.ui.highlight_flow import HighlightFlow
from reader.ui.import_flow import ImportFlow, short
from reader.ui.indexing_status import IndexingStatus
from reader.ui.library_panel import LibraryPanel
from reader.ui.pdf_host import PdfHost
from reader.ui.popups import HighlightEditor, SelectionPopup
from reader.ui.review_flow import ReviewFlow
from reader.ui.search_flow import SearchFlow
from reader.ui.search_panel import SearchPanel
from reader.ui.sidebar import Sidebar
from reader.ui.undo_bar import UndoBar
from reader.ui.workers import Job, Jobs

DEFAULT_SPLIT = [300, 760, 300]


class MainWindow(QMainWindow):
    def __init__(self, library: Library, settings: QSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.library = library
        self.settings = settings
        self.setWindowTitle("Reader")
        self.setWindowIcon(themes.icon("reader"))
        self.setAcceptDrops(True)
        self.jobs = Jobs(self)
        self.focus_mode = False
        self.capture: Any = None  # the browser-capture endpoint and inbox, once start_capture() runs
        self._layout_before_focus: list[int] | None = None
        self._sidebar_width = 0
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
        self.undo_bar = UndoBar(self)
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
        col.addWidget(self.undo_bar)
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
        self.splitter.setSizes(DEFAULT_SPLIT)
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
        self.indexing = IndexingStatus(self, self.library)
        self.statusBar().addPermanentWidget(self.indexing)
        self.statusBar().setSizeGripEnabled(False)
        self._status_timer = QTimer(self, singleShot=True, interval=6000, timeout=self._clear_status)

        # -- the rooms that do the work ------------------------------------------------------
        self.imports = ImportFlow(self)
        self.commands = build_actions(self)  # every action, its keys and menu: see actions.py
        self.commands.menus["view"].addAction(self.pdf.toggle_action)
        self.toolbar, self.search_field = build_toolbar(self)
        self.searches = SearchFlow(self)
        self.review = ReviewFlow(self)  # daily review: Ctrl+R, the toolbar button with today's count
        self.highlighting = HighlightFlow(self)
        self.changes = ChangeRouter(self)
        self.library_panel.articleActivated.connect(self._article_chosen)
        self.library_panel.deleteRequested.connect(self.delete_article)
        self.library_panel.stateRequested.connect(self.set_reading_state)
        self.view.readingPositionChanged.connect(self._save_reading_position)
        self.view.readToEnd.connect(lambda aid: self.set_reading_state(aid, "done"))
        self.undo_bar.undoRequested.connect(self.undo)

        self._restore_settings()
        self.apply_theme(self.theme)
        self.library_panel.reload()
        # The window paints first (list and page), then the article fills in: a long one
        # takes a few hundred milliseconds to lay out.
        self.view.clear_article(" ")
        self.ready = False  # True once the first article is shown
        self.view.viewport().installEventFilter(self)
        self.searches.start_index_catch_up()

    # -- for callers outside the window (app, single instance, capture) ---------------------------
    def import_sources(self, sources: list[str]) -> Job | None:
        return self.imports.import_sources(sources)

    def run_search(self, query: str) -> None:
        self.searches.run_search(query)

    def open_hit(self, hit: Any) -> None:
        self.searches.open_hit(hit)

    def highlight_selection(self, color: str, then: str | None = None) -> Any:
        return self.highlighting.highlight_selection(color, then=then)

    def paste_clipboard(self) -> None:
        self.imports.paste_clipboard()

    def _highlight_key(self, start: int, end: int, action: str) -> None:
        self.highlighting.highlight_key(start, end, action)

    def edit_highlight(self, highlight_id: int, _where: object = None, **kwargs: Any) -> None:
        self.highlighting.edit_highlight(highlight_id, _where, **kwargs)

    def delete_highlight(self, highlight_id: int) -> None:
        self.highlighting.delete_highlight(highlight_id)

    def start_index_catch_up(self) -> None:
        self.searches.start_index_catch_up()

    def start_capture(self, port: int | None = None) -> None:
        """Save pages from the browser and import the inbox folder while this window is open."""
        from reader.ui.capture_host import CaptureHost

        self.capture = CaptureHost(self, port)
        action = self.commands.add("browser_capture", "Browser capture…", self.capture.open_settings,
                                   tip="The capture address, token and inbox folder")
        self.commands.menus["file"].insertAction(self.act_export, action)

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
        if self.focus_mode:
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
        self.sidebar.notes.flush()
        self.selection_popup.hide()
        article = attempt(self, "Article not found", self.library.get, article_id, status=True)
        if article is FAILED:
            return False
        self.header.show_article(article)
        self.view.show_article(article, at=at)
        self.pdf.show_article(article, at=at)
        self.sidebar.show_article(article)
        self.library_panel.open_id = article_id
        self.library_panel.select(article_id, emit=False)
        QTimer.singleShot(0, self._show_progress)
        self.setWindowTitle(f"{article.title} — Reader")
        if self.find_bar.isVisible() and self.find_bar.field.text():
            self.find_bar.search()
        if flash is not None:
            start, end = flash
            QTimer.singleShot(0, lambda: self.view.article_id == article_id and self.pdf.reveal(start, end, marks))
        return True

    def _article_chosen(self, article_id: int) -> None:
        """A row was clicked or chosen by key: open it, unless it is the open one."""
        if article_id != self.view.article_id:
            self.open_article(article_id)

    def show_article_again(self, article: Article) -> None:
        """Show a newer version of the open article, where the reader was."""
        at = min(self.view.offset_at_top(), len(article.document.text))
        self.view.show_article(article, at=at)
        self.pdf.show_article(article, at=at)
        self.header.show_article(article)
        self.sidebar.show_article(article)
        self.setWindowTitle(f"{article.title} — Reader")

    def delete_article(self, article_id: int) -> None:
        rows = self.library_panel.model.rows
        row = self.library_panel.model.row_of(article_id)
        summary = rows[row] if row is not None else None
        title = summary.title if summary else ""
        annotated = bool(summary and summary.highlight_count) or bool(
            attempt(self, "", self.library.notes, article_id, quiet=True)
        )
        # the list's neighbour opens in its place (the next one, or the one before at the end)
        neighbours = [rows[i].id for i in ((row + 1, row - 1) if row is not None else ()) if 0 <= i < len(rows)]
        self.changes.open_after_delete = neighbours[0] if neighbours else None
        if attempt(self, "Could not delete the article", self.library.delete, article_id) is FAILED:
            return
        self.show_status(f"Deleted “{short(title)}”. Ctrl+Z brings it back.")
        if annotated:  # highlights and notes are work: say plainly how to get them back
            self.undo_bar.offer(f"Deleted '{short(title)}' — Undo")

    def set_reading_state(self, article_id: int, state: str) -> None:
        if attempt(self, "", self.library.set_reading_state, article_id, state, status=True) is not FAILED:
            self.library_panel.model.set_reading_state(article_id, state)

    def _save_reading_position(self, article_id: int, offset: int) -> None:
        # deleted meanwhile: nothing to remember, nothing to say
        if attempt(self, "", self.library.set_reading_position, article_id, offset, quiet=True) is FAILED:
            return
        row = self.library_panel.model.row_of(article_id)
        if offset > 0 and row is not None and self.library_panel.model.rows[row].reading_state == "unread":
            self.library_panel.model.set_reading_state(article_id, "reading")

    def undo(self) -> None:
        label = self.library.can_undo()
        if not label:
            self.show_status("There is nothing to undo.")
            return
        self.undo_bar.hide()
        changes = attempt(self, "Could not undo", self.library.undo)
        if changes is FAILED:
            return
        self.show_status(f"Undone: {label.split(' article')[0]}.")
        if changes.added and self.view.article_id is None:
            self.open_article(max(changes.added))
        elif changes.added:
            QTimer.singleShot(0, lambda: self.open_article(max(changes.added)))

    def update_undo_action(self) -> None:
        label = self.library.can_undo()
        self.act_undo.setText(f"Undo {label.split(' article')[0]}" if label else "Undo")
        self.act_undo.setEnabled(bool(label))

    def new_note(self) -> None:
        if self.view.article_id is None:
            return
        if not self.sidebar.isVisible():
            self.toggle_sidebar()
        self.sidebar.new_note()

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

    def show_library(self) -> None:
        self.left.setCurrentWidget(self.library_panel)

    # -- drops -----------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if mime.hasUrls() or mime.hasText():
            event.acceptProposedAction()

    def dragMoveEvent(self, event: Any) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        event.acceptProposedAction()
        self.imports.add_mime(event.mimeData())

    # -- the page and the layout -------------------------------------------------------------------
    def _view_scrolled(self, value: int) -> None:
        self.header.set_compact(value > 48)
        self._show_progress()
        popup = getattr(self, "selection_popup", None)  # scrolls may come while the window is built
        if popup is not None and popup.isVisible():  # keep the popup by its selection, or let it go
            rect = self.view.selection_rect()
            viewport = self.view.viewport()
            local = viewport.mapFromGlobal(rect.center())
            if viewport.rect().contains(local):
                self.selection_popup.show_at(rect, viewport)
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

    def apply_theme(self, name: str) -> None:
        # A new stylesheet changes the panes' minimum sizes; the reader's layout stays as it was.
        sizes = self.splitter.sizes() if self.isVisible() else None
        self.theme = name if name in themes.THEMES else themes.DEFAULT_THEME
        app = QApplication.instance()
        if isinstance(app, QApplication):
            themes.apply_theme(app, self.theme)
        self.view.set_theme(self.theme)
        self.pdf.set_theme(self.theme)
        self.header.restyle(self.theme, self.view.font_size)
        self.theme_actions[self.theme].setChecked(True)
        self.settings.setValue("theme", self.theme)
        if sizes and sum(sizes):
            self.splitter.setSizes(sizes)

    def change_font(self, step: int) -> None:
        self.set_font_size(self.view.font_size + step)

    def set_font_size(self, size: float) -> None:
        self.view.set_font_size(size)
        self.header.restyle(self.theme, self.view.font_size)
        self.settings.setValue("font_size", self.view.font_size)
        self.show_status(f"Text size {self.view.font_size:g} pt.")

    def toggle_sidebar(self) -> None:
        """Show or hide the sidebar; the article gives it its room back, the window keeps its size."""
        visible = not self.sidebar.isVisible()
        sizes = self.splitter.sizes()
        if visible:
            width = self._sidebar_width or DEFAULT_SPLIT[2]
            sizes = [sizes[0], max(200, sizes[1] - width), width]
        else:
            self._sidebar_width = sizes[2]
            sizes = [sizes[0], sizes[1] + sizes[2], 0]
        self.sidebar.setVisible(visible)
        self.act_sidebar.setChecked(visible)
        self.splitter.setSizes(sizes)

    def toggle_focus_mode(self) -> None:
        self.focus_mode = not self.focus_mode
        self.act_focus.setChecked(self.focus_mode)
        chrome = (self.toolbar, self.menuBar(), self.statusBar())
        if self.focus_mode:
            self._layout_before_focus = self.splitter.sizes()
            self._sidebar_was_visible = self.sidebar.isVisible()
            for widget in (self.left, self.sidebar, *chrome):
                widget.hide()
            self.view.setFocus()
        else:
            for widget in (self.left, *chrome):
                widget.show()
            self.sidebar.setVisible(getattr(self, "_sidebar_was_visible", True))
            if self._layout_before_focus is not None:
                # Exactly as they were: the article's minimum no longer follows its focus-mode width
                # (see ArticleHeader.minimumSizeHint), so nothing is squeezed on the way back.
                self.splitter.setSizes(self._layout_before_focus)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and obj is self.view.viewport() and not self.ready:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, self._open_initial_article)  # right after this first paint
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.focus_mode:
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
        self.sidebar.notes.flush()
        self.editor.close()
        self.selection_popup.hide()
        self.save_settings()
        if self.capture is not None:
            self.capture.stop()  # before the jobs: a capture under way may still start one
        self.indexing.stop()
        self.jobs.wait()
        self.pdf.shutdown()
        self.changes.close()
        self.review.detach()
        super().closeEvent(event)


def _safe_name(title: str) -> str:
    keep = "".join(c if c.isalnum() or c in " -_" else " " for c in title)
    return "-".join(keep.split())[:80] or "article"
