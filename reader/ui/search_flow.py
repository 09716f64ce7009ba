"""Archive search from the toolbar field: results while typing, Enter opens, arrows move.

Results show in the left pane as the user types (debounced); the keyboard stays in the
field: Up/Down move between results, Enter opens the chosen one (the top one at first),
Esc goes back to the library. A result that matched in a highlight (its quote, note or
tags) carries that highlight's ``start``/``end``: the article opens scrolled to it and
flashes it.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer

from reader.core.errors import ReaderError
from reader.ui.search_panel import Hit

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow

TYPING_PAUSE_MS = 250
HIGHLIGHT_PLACES = ("highlight", "note", "tag", "tags")


class SearchFlow(QObject):
    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.library = window.library
        self.field = window.search_field
        self.panel = window.search_panel
        self.index_lock = threading.Lock()
        self.pending: str | None = None
        self.open_when_ready = False  # Enter was pressed while the index was still catching up
        self.shown_query = ""
        self._typing = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS, timeout=self._typed)
        self.field.textEdited.connect(lambda _text: self._typing.start())
        self.field.returnPressed.connect(self._enter)
        self.field.installEventFilter(self)
        self.panel.hitActivated.connect(self.open_hit)
        self.panel.closed.connect(window.show_library)
        self.panel.suggestionChosen.connect(self._suggestion)

    def focus_field(self) -> None:
        self.field.setFocus()
        self.field.selectAll()

    def start_index_catch_up(self) -> None:
        def catch_up(progress: Any, cancel: Any) -> int:
            with self.index_lock:
                return self.library.index_catch_up(cancel=cancel)

        def finished(_count: object) -> None:
            if self.pending is not None:
                query, self.pending = self.pending, None
                self.run_search(query, focus_results=False)
                if self.open_when_ready and self.panel.model.hits and query == self.field.text().strip():
                    self.open_hit(self.panel.model.hits[0])
            self.open_when_ready = False

        self.window.jobs.start(catch_up, finished=finished, failed=lambda _exc: finished(None))

    def _typed(self) -> None:
        query = self.field.text().strip()
        if not query:
            self.shown_query = ""
            self.window.show_library()
            return
        self.run_search(query, focus_results=False)

    def _enter(self) -> None:
        query = self.field.text().strip()
        if not query:
            return
        if self._typing.isActive() or query != self.shown_query:
            self._typing.stop()
            self.run_search(query, focus_results=False)
        self.open_when_ready = self.pending is not None
        index = self.panel.view.currentIndex()
        if not index.isValid() and self.panel.model.hits:
            index = self.panel.model.index(0)
        if index.isValid():
            self.open_hit(self.panel.model.hits[index.row()])

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.field and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.panel.model.hits:
                self.window.left.setCurrentWidget(self.panel)
                row = self.panel.view.currentIndex().row()
                step = 1 if key == Qt.Key.Key_Down else -1
                row = max(0, min(len(self.panel.model.hits) - 1, row + step))
                self.panel.view.setCurrentIndex(self.panel.model.index(row))
                return True
            if key == Qt.Key.Key_Escape:
                self.field.clear()
                self.window.show_library()
                self.window.view.setFocus()
                return True
        return False

    def run_search(self, query: str, *, focus_results: bool = True) -> None:
        query = query.strip()
        if not query:
            return
        window = self.window
        window.left.setCurrentWidget(self.panel)
        if window.focus_mode:
            window.toggle_focus_mode()
        self.shown_query = query
        if not self.index_lock.acquire(blocking=False):
            self.pending = query
            self.panel.show_message(query, "Indexing your archive… the results appear when it is done.")
            return
        try:
            results = self.library.search(query)
        except ReaderError as exc:
            self.panel.show_message(query, str(exc))
            return
        finally:
            self.index_lock.release()
        self.panel.show_results(query, results)
        if focus_results and self.panel.model.hits:
            self.panel.view.setFocus()

    def _suggestion(self, suggestion: str) -> None:
        self.field.setText(suggestion)
        self.run_search(suggestion)

    def open_hit(self, hit: Hit) -> None:
        has_range = hit.start is not None and hit.end is not None and hit.end > hit.start
        flash = (hit.start, hit.end) if has_range else None
        # a match in a highlight (its quote, note or tags): flash the whole highlight
        in_highlight = any(place in HIGHLIGHT_PLACES for place in hit.matched_in.replace(",", " ").split())
        marks = () if in_highlight else hit.marks
        self.window.open_article(hit.article_id, at=hit.start if flash else None, flash=flash, marks=marks)
        self.window.view.setFocus()
