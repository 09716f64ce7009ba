"""One window per data folder: starting Reader again brings the running window forward.

The first window takes the :class:`~reader.core.instance.InstanceLock` on
``paths.lock_path(home)`` (an flock, so it dies with the process however it dies) and
listens on a ``QLocalServer`` named after the data folder. A second start finds the lock
held, connects, sends its arguments (files to open), waits for the answer and quits; the
first window comes to the front and emits :attr:`SingleInstance.activated` with them.

If the holder does not answer (hung, or killed between taking the lock and listening),
the second start says so in one sentence instead of opening a second window over the
same index. The CLI never goes through here: it writes beside the window safely.

Usage in the launcher::

    app = QApplication(argv)
    if not single_instance.ensure_single(app, args=files):
        return 0
    guard = single_instance.instance_of(app)
    guard.activated.connect(window.open_files)  # optional
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QWidget

from reader.core import paths
from reader.core.instance import InstanceLock

ANSWER = b"ok\n"
_claims: dict[int, SingleInstance] = {}  # id(app) -> its claim
MAX_MESSAGE_BYTES = 64 * 1024


def server_name(home: Path | str | None = None) -> str:
    """A local socket name private to this user and this data folder (short: Unix sockets limit paths)."""
    folder = Path(home) if home is not None else paths.data_dir()
    try:
        folder = folder.resolve()
    except OSError:
        pass
    digest = hashlib.sha256(os.fsencode(folder)).hexdigest()[:16]
    user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    return f"reader-{user}-{digest}"


class SingleInstance(QObject):
    """The claim of one process on one data folder's window."""

    activated = Signal(list)  # the arguments a later start passed on (may be empty)

    def __init__(self, home: Path | str | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.home = Path(home) if home is not None else paths.data_dir()
        self.name = server_name(self.home)
        self.lock = InstanceLock(paths.lock_path(self.home))
        self.server: QLocalServer | None = None

    # -- the first instance ----------------------------------------------------------------
    def claim(self) -> bool:
        """Become the running Reader for this folder; False when another one already is."""
        if self.server is not None:
            return True
        if not self.lock.try_acquire():
            return False
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        # We hold the lock, so any socket of that name is left over from a crashed Reader.
        QLocalServer.removeServer(self.name)
        if not server.listen(self.name):
            # Still the only window (the lock says so); later starts will report no answer.
            sys.stderr.write(f"reader: cannot listen for other starts of Reader ({server.errorString()}).\n")
        server.newConnection.connect(self._accept)
        self.server = server
        return True

    def _accept(self) -> None:
        assert self.server is not None
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            if socket.bytesAvailable() > MAX_MESSAGE_BYTES:
                socket.abort()
            return
        raw = bytes(socket.readLine().data())
        try:
            message = json.loads(raw.decode("utf-8"))
            args = [str(a) for a in message.get("args", [])]
        except (ValueError, AttributeError, TypeError):
            args = []
        socket.write(ANSWER)
        socket.flush()
        socket.disconnectFromServer()
        bring_to_front()
        self.activated.emit(args)

    def close(self) -> None:
        """Stop listening and let the next start become the running Reader."""
        if self.server is not None:
            self.server.close()
            self.server = None
        self.lock.release()

    # -- a later instance ------------------------------------------------------------------
    def notify_running(self, args: Sequence[str] = (), timeout_ms: int = 3000) -> bool:
        """Ask the running Reader to come forward (and open ``args``); True when it answered."""
        socket = QLocalSocket()
        try:
            socket.connectToServer(self.name)
            if not socket.waitForConnected(timeout_ms):
                return False
            absolute = [a if _is_url(a) else os.path.abspath(a) for a in args]
            socket.write(json.dumps({"pid": os.getpid(), "args": absolute}).encode("utf-8") + b"\n")
            if not socket.waitForBytesWritten(timeout_ms):
                return False
            answer = b""
            while not answer.endswith(b"\n") and socket.waitForReadyRead(timeout_ms):
                answer += bytes(socket.readAll().data())
            return answer == ANSWER
        finally:
            socket.abort()

    def holder_message(self, answered: bool) -> str:
        who = self.lock.held_by()
        pid = f" (pid {who})" if who else ""
        if answered:
            return f"Reader is already running{pid}; its window was brought to the front."
        return f"Another Reader is running{pid} but does not answer; close it and start Reader again."


def _is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def bring_to_front() -> None:
    """Show, raise and activate the application's main windows."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    for widget in app.topLevelWidgets():
        if isinstance(widget, QWidget) and widget.isWindow() and widget.isVisible():
            if widget.isMinimized():
                widget.showNormal()
            widget.raise_()
            widget.activateWindow()


def _default_message(text: str) -> None:
    sys.stderr.write(f"reader: {text}\n")


def ensure_single(
    app: QApplication,
    *,
    home: Path | str | None = None,
    args: Sequence[str] = (),
    timeout_ms: int = 3000,
    on_message: Callable[[str], None] = _default_message,
) -> bool:
    """True when this process should open the window; False when another Reader has it.

    On False the caller should quit: the running window came forward (a line on stderr
    says so), or it did not answer and ``on_message`` got one sentence for the user.
    On True, the claim lasts until the application quits. File arguments are sent as
    absolute paths, since the running Reader has another working folder.
    """
    guard = SingleInstance(home, parent=app)
    if guard.claim():
        _keep(app, guard)
        return True
    # The holder takes the lock a moment before it listens: give it a few tries.
    answered = False
    for _ in range(3):
        answered = guard.notify_running(args, timeout_ms=max(100, timeout_ms // 3))
        if answered or guard.claim():  # the holder may also have just quit
            break
    if guard.server is not None:
        _keep(app, guard)
        return True
    if answered:  # the user sees the window come forward; a dialog would only be in the way
        sys.stderr.write(f"reader: {guard.holder_message(True)}\n")
    else:
        on_message(guard.holder_message(False))
    guard.deleteLater()
    return False


def _keep(app: QApplication, guard: SingleInstance) -> None:
    _claims[id(app)] = guard

    def release() -> None:
        guard.close()
        _claims.pop(id(app), None)

    app.aboutToQuit.connect(release)


def instance_of(app: QApplication) -> SingleInstance | None:
    """The claim ``ensure_single`` made for ``app`` (to connect to ``activated``)."""
    return _claims.get(id(app))


def release(app: QApplication) -> None:
    """Give up the claim before quitting (the lock goes with the process anyway)."""
    guard = _claims.pop(id(app), None)
    if guard is not None:
        guard.close()


__all__ = ["SingleInstance", "ensure_single", "instance_of", "release", "server_name", "bring_to_front"]
