"""Capture as a whole: the door, the HTTP server and the inbox watcher, started and stopped together.

``reader serve`` runs one in the foreground; the window runs one while it is open. Listeners
hear about each capture and each inbox failure on the thread that did the work (the window
passes them to its own thread with a Qt signal).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from reader.core.capture import config
from reader.core.capture import token as tokens
from reader.core.capture.door import Captured, CaptureDoor
from reader.core.capture.inbox import InboxFailure, InboxWatcher, make_inbox_folders
from reader.core.capture.server import CaptureServer, ServerThread


class CaptureRuntime:
    def __init__(
        self,
        library: Any,
        *,
        port: int | None = None,
        inbox: Path | None = None,
        on_captured: Callable[[Captured], None] | None = None,
        on_inbox_failed: Callable[[InboxFailure], None] | None = None,
    ):
        self.library = library
        self.home: Path = library.home
        self.port = config.resolve_port(port)
        self.inbox_folder = Path(inbox) if inbox is not None else config.inbox_folder(self.home)
        self.on_inbox_failed = on_inbox_failed
        self.token = tokens.load_or_create(self.home)
        self.door = CaptureDoor(library, on_captured)
        self.server: CaptureServer | None = None
        self.inbox: InboxWatcher | None = None
        self._server_thread: ServerThread | None = None

    @property
    def address(self) -> str:
        return self.server.address if self.server is not None else f"http://127.0.0.1:{self.port}"

    def start_inbox(self) -> InboxWatcher:
        """Make the inbox folders and start watching (before the server: a bad folder stops both)."""
        watcher = InboxWatcher(self.inbox_folder, self.door, self.home / "inbox.lock", on_failed=self.on_inbox_failed)
        watcher.start()
        self.inbox = watcher
        return watcher

    def start_server(self) -> CaptureServer:
        """Listen on 127.0.0.1; raises ``PortInUse`` (one sentence) when the port is taken."""
        server = CaptureServer(self.port, self.door, self.token)
        self.server = server
        self.port = server.port  # port 0 asked for any free one: this is the one we got
        self._server_thread = ServerThread(server)
        self._server_thread.start()
        return server

    def change_inbox(self, folder: Path | None) -> Path:
        """Watch another folder from now on (``None``: the default), and remember the choice."""
        target = Path(folder).expanduser().resolve() if folder else config.default_inbox(self.home)
        make_inbox_folders(target)  # a folder that cannot be made is refused before it is remembered
        self.inbox_folder = config.set_inbox_folder(folder, self.home)
        if self.inbox is not None:
            self.inbox.stop()
            self.inbox = None
            self.start_inbox()
        return self.inbox_folder

    def stop(self) -> None:
        """Stop answering, stop watching, and wait for the capture under way; the library stays open."""
        if self._server_thread is not None:
            self._server_thread.stop()
            self._server_thread = None
        if self.inbox is not None:
            self.inbox.stop()
            self.inbox = None
        self.door.close()
