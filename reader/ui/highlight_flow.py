"""Highlighting in the window: the selection popup, keys 1–6/N/T, the highlight editor.

A highlight made here is shown at once and its ``Changes`` carry the view as origin, so
the change router does not fetch it back into the view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRect, QSize
from PySide6.QtWidgets import QApplication

from reader.core.models import Highlight
from reader.ui.errors import FAILED, attempt

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow


class HighlightFlow(QObject):
    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.library = window.library
        w = window
        w.view.selectionReady.connect(self.selection_ready)
        w.view.highlightKey.connect(self.highlight_key)
        w.view.highlightClicked.connect(self.edit_highlight)
        w.selection_popup.colorChosen.connect(lambda c: self.highlight_selection(c))
        w.selection_popup.noteRequested.connect(lambda: self.highlight_selection("yellow", then="note"))
        w.selection_popup.tagsRequested.connect(lambda: self.highlight_selection("yellow", then="tags"))
        w.selection_popup.copyRequested.connect(self.copy_selection)
        w.editor.colorChanged.connect(lambda hid, c: self.update_highlight(hid, color=c))
        w.editor.noteChanged.connect(lambda hid, n: self.update_highlight(hid, note=n))
        w.editor.tagsChanged.connect(lambda hid, t: self.update_highlight(hid, tags=t))
        w.editor.deleteRequested.connect(self.delete_highlight)
        w.editor.closed.connect(self.editor_closed)
        w.sidebar.highlightActivated.connect(self.reveal_highlight)
        w.sidebar.orphanActivated.connect(lambda hid, rect: self.edit_highlight(hid, anchor=rect))

    def selection_ready(self, start: int, end: int) -> None:
        view = self.window.view
        if start < end and view.isVisible() and self.window.isActiveWindow() or start < end and view.hasFocus():
            self.window.selection_popup.show_at(view.selection_rect(), view.viewport())
        else:
            self.window.selection_popup.hide()

    def highlight_key(self, start: int, end: int, action: str) -> None:
        if action in ("note", "tags"):
            self.highlight_range(start, end, "yellow", then=action)
        else:
            self.highlight_range(start, end, action)

    def highlight_selection(self, color: str, then: str | None = None) -> Highlight | None:
        start, end = self.window.pdf.selection_offsets()
        if start >= end:
            self.window.selection_popup.hide()
            return None
        return self.highlight_range(start, end, color, then=then)

    def highlight_range(self, start: int, end: int, color: str, then: str | None = None) -> Highlight | None:
        view = self.window.view
        article_id = view.article_id
        if article_id is None:
            return None
        self.window.selection_popup.hide()
        with self.window.changes.acting_as(view):
            highlight = attempt(view, "Could not highlight", self.library.add_highlight, article_id, start, end,
                                color=color, status=True)
        if highlight is FAILED:
            return None
        cursor = view.textCursor()
        cursor.clearSelection()
        view.setTextCursor(cursor)
        # shown now, not when the queued Changes arrive, so the colour shows at once
        view.set_highlights([*view.highlights(), highlight], [highlight.id])
        self.window.pdf.highlight_added(highlight)
        if then in ("note", "tags"):
            self.edit_highlight(highlight.id, focus=then)
        else:
            self.window.show_status("Highlighted. Click it to add a note or tags.")
        return highlight

    def edit_highlight(self, highlight_id: int, _where: object = None, *, focus: str = "note",
                       anchor: QRect | None = None) -> None:
        w = self.window
        highlight = attempt(w, "Highlight not found", self.library.get_highlight, highlight_id, status=True)
        if highlight is FAILED:
            return
        w.sidebar.select_highlight(highlight_id)
        tags = [name for name, _ in self.library.all_tags()]
        if anchor is None:
            if highlight.orphaned:  # not in the text: the editor opens by the sidebar
                anchor = QRect(w.sidebar.mapToGlobal(w.sidebar.rect().center()), QSize(1, 1))
            else:
                anchor = w.pdf.highlight_rect(highlight)
        w.editor.edit(highlight, anchor, tags, focus=focus)

    def editor_closed(self) -> None:
        # A closed popup leaves no active window on some platforms; the keys (Ctrl+Z, n/p)
        # must keep working in the article.
        self.window.activateWindow()
        if QApplication.focusWidget() is None or QApplication.focusWidget().window() is self.window.editor:
            self.window.view.setFocus()

    def update_highlight(self, highlight_id: int, **fields: Any) -> None:
        attempt(self.window, "Could not change the highlight", self.library.update_highlight, highlight_id,
                status=True, **fields)

    def delete_highlight(self, highlight_id: int) -> None:
        if attempt(self.window, "Could not delete the highlight", self.library.delete_highlight, highlight_id,
                   status=True) is not FAILED:
            self.window.show_status("Highlight deleted. Ctrl+Z brings it back.")

    def reveal_highlight(self, highlight_id: int) -> None:
        view = self.window.view
        highlight = next((h for h in view.highlights() if h.id == highlight_id), None)
        if highlight is not None:
            self.window.pdf.reveal(highlight.start, highlight.end)

    def copy_selection(self) -> None:
        self.window.view.copy()
        self.window.selection_popup.hide()
        self.window.show_status("Copied.")
