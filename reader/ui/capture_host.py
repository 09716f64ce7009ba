"""The window's side of browser capture: runs the capture runtime while the window is open.

The endpoint and the inbox answer on their own threads and write through ``Library``; the
list refreshes from ``Library``'s ``Changes`` (already brought to the UI thread by the window).
Here each capture also becomes a quiet status-bar message, and the search index catches up.
A port that is taken is said in the status bar, never a crash: the inbox still runs.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import QToolButton

from reader.core.capture import config
from reader.core.capture.door import Captured
from reader.core.capture.inbox import InboxFailure, make_inbox_folders
from reader.core.capture.runtime import CaptureRuntime
from reader.core.errors import ReaderError

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow

log = logging.getLogger(__name__)


class CaptureHost(QObject):
    # Emitted on the server's and the inbox's threads; queued to this object's (the UI) thread.
    captured = Signal(object)
    inboxFailed = Signal(object)

    def __init__(self, window: MainWindow, port: int | None = None):
        super().__init__(window)
        self.window = window
        self.runtime: CaptureRuntime | None = None
        self.problem: str | None = None  # why the endpoint does not run, in one sentence
        self.label = QToolButton(window)  # a flat button: the status bar's text, clickable
        self.label.setObjectName("statusLabel")
        self.label.setAutoRaise(True)
        self.label.setCursor(Qt.CursorShape.PointingHandCursor)
        self.label.clicked.connect(self.open_settings)
        window.statusBar().addPermanentWidget(self.label)
        app = QCoreApplication.instance()
        if app is not None:  # quitting without closing the window (Ctrl+Q on some desktops) still stops it
            app.aboutToQuit.connect(self.stop)
        self.captured.connect(self._captured, Qt.ConnectionType.QueuedConnection)
        self.inboxFailed.connect(self._inbox_failed, Qt.ConnectionType.QueuedConnection)
        self._start(port)

    @property
    def port(self) -> int:
        if self.runtime is not None:
            return self.runtime.port
        try:
            return config.resolve_port()
        except ReaderError:
            return config.DEFAULT_PORT

    def _start(self, port: int | None) -> None:
        try:
            self.runtime = CaptureRuntime(
                self.window.library, port=port, on_captured=self.captured.emit, on_inbox_failed=self.inboxFailed.emit
            )
            make_inbox_folders(self.runtime.inbox_folder)
        except ReaderError as exc:  # a bad READER_CAPTURE_PORT, an inbox that cannot be made
            self.runtime = None
            self._show_off(str(exc))
            return
        try:
            self.runtime.start_server()
        except ReaderError as exc:  # most often: another Reader (or program) has the port
            self._show_off(str(exc))
        else:
            self.label.setText(f"Capture: {self.runtime.address}")
            self.label.setToolTip(
                f"Reader saves pages sent to {self.runtime.address} and imports files put into "
                f"{self.runtime.inbox_folder}. Click for the token and settings."
            )
        try:
            watcher = self.runtime.start_inbox()
        except ReaderError as exc:
            self.window.show_status(str(exc))
            return
        if not watcher.active:  # a `reader serve` on this data folder has it; we take over when it stops
            self.label.setToolTip(self.label.toolTip() + " The inbox is watched by another Reader for now.")

    def _show_off(self, problem: str) -> None:
        self.problem = problem
        self.label.setText("Capture off")
        self.label.setToolTip(problem + " Click for the capture settings.")
        self.window.show_status(f"Browser capture is off: {problem}")

    def stop(self) -> None:
        """Stop answering and watching, waiting for a capture under way (the window is closing)."""
        if self.runtime is not None:
            self.runtime.stop()
            self.runtime = None

    # -- what arrives ------------------------------------------------------------------------------
    def _captured(self, event: Captured) -> None:
        how = "Saved from the browser" if event.via == "browser" else "Imported from the inbox"
        if event.status == "updated":
            how = "Updated from the browser" if event.via == "browser" else "Updated from the inbox"
        tags = f" (tags: {', '.join(event.tags)})" if event.tags else ""
        self.window.show_status(f"{how}: {event.title}{tags}")
        self.window.start_index_catch_up()

    def _inbox_failed(self, failure: InboxFailure) -> None:
        self.window.show_status(f"Inbox: {failure.message} It was moved to {failure.moved_to.parent}.")

    def open_settings(self) -> None:
        from reader.ui.capture_settings import CaptureSettingsDialog

        CaptureSettingsDialog(self, self.window).exec()
