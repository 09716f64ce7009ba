"""The status bar's word on indexing: "Indexing 1,234 articles…" and a bar, while the search
index is behind the library (a big import, from the window or from ``reader add`` in a
terminal, whose background indexer works on after the command returns)."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

log = logging.getLogger(__name__)

INTERVAL_MS = 1000   # one cheap query a second (the index's last change against the library's)
SHOW_FROM = 50       # fewer pending articles are this window's own edits, indexed in a moment


class IndexingStatus(QWidget):
    def __init__(self, parent: QWidget, library: Any):
        super().__init__(parent)
        self.library = library
        self.label = QLabel(self)
        self.label.setObjectName("statusLabel")
        self.bar = QProgressBar(self)
        self.bar.setTextVisible(False)
        self.bar.setFixedWidth(120)
        self.bar.setMaximumHeight(12)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 0, 8, 0)  # apart from the reading progress beside it
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        self.setToolTip("Search finds these articles once they are indexed; everything else works meanwhile.")
        self._most = 0       # the most pending seen since indexing began: the bar's length
        self.hide()
        self.timer = QTimer(self, interval=INTERVAL_MS, timeout=self.refresh)
        self.timer.start()

    def refresh(self) -> None:
        try:
            status = self.library.index_status()
        except Exception:  # a library closing under us, a locked database: say nothing this time
            log.debug("index status unavailable", exc_info=True)
            return
        if status.pending == 0 or (status.pending < SHOW_FROM and not status.indexing):
            self._most = 0
            self.hide()
            return
        self._most = max(self._most, status.pending)
        self.label.setText(f"Indexing {status.pending:,} article{'s' if status.pending != 1 else ''}…")
        self.bar.setRange(0, self._most)
        self.bar.setValue(self._most - status.pending)
        self.show()

    def stop(self) -> None:
        self.timer.stop()
