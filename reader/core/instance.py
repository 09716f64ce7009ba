"""An OS-level lock that says "a Reader holds this" and which process it is.

Built on ``fcntl.flock`` (``msvcrt.locking`` on Windows): the kernel drops the lock when
the holding process dies, however it dies, so a stale lock file never blocks anyone.
The holder writes its pid into the file so a second process can say who is running.

Who uses it:

- the window (``reader/ui/single_instance.py``) holds ``paths.lock_path(home)`` for its
  whole life, so a second window finds the first instead of opening over it;
- the search index guards its Whoosh writer with an ``InstanceLock`` on a file in the
  index folder (``acquire(timeout=...)``), since Whoosh's own lock survives a kill -9.

The CLI does not take the window's lock: SQLite (WAL and a busy timeout) makes the CLI
and the window safe to write side by side.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from reader.core import paths
from reader.core.errors import DataDirError

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    # Windows locks are mandatory: lock a byte past the pid so others can still read it.
    _LOCK_OFFSET = 4096

    def _lock(fd: int) -> bool:
        try:
            os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class InstanceLock:
    """An exclusive, non-blocking lock on ``path`` that dies with its process.

    ``try_acquire()`` returns at once; ``acquire(timeout)`` waits; ``held_by()`` tells the
    pid of whoever holds it (``None`` when nobody does). Also a context manager.
    Not reentrant: one ``InstanceLock`` object is one claim.
    """

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path is not None else paths.lock_path()
        self._fd: int | None = None

    # -- taking and giving back ----------------------------------------------------------
    def _open(self) -> int:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # No O_TRUNC: the file may hold the current holder's pid, which we must not erase.
            return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise DataDirError(f"The lock file '{self.path}' cannot be created: {exc.strerror or exc}.") from None

    def try_acquire(self) -> bool:
        """Take the lock if it is free; True when this object now holds it."""
        if self._fd is not None:
            return True
        fd = self._open()
        if not _lock(fd):
            os.close(fd)
            return False
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        except OSError:
            pass  # the pid is a courtesy for messages; the lock itself is what counts
        self._fd = fd
        return True

    def acquire(self, timeout: float | None = None, poll: float = 0.05) -> bool:
        """Wait up to ``timeout`` seconds (forever when None) for the lock; True when taken."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.try_acquire():
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(poll)
        return True

    def release(self) -> None:
        """Give the lock back (harmless when not held). The file stays: deleting it races."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            os.ftruncate(fd, 0)
            _unlock(fd)
        except OSError:
            pass
        finally:
            os.close(fd)

    @property
    def held(self) -> bool:
        """True when this object holds the lock."""
        return self._fd is not None

    # -- asking about it -------------------------------------------------------------------
    def held_by(self) -> int | None:
        """The pid holding the lock, 0 when held by someone who has not written it yet, or None if free."""
        if self._fd is not None:
            return os.getpid()
        if not self.path.exists():
            return None
        try:
            fd = os.open(self.path, os.O_RDWR)
        except OSError:
            return None
        try:
            if _lock(fd):
                _unlock(fd)  # nobody holds it: whatever pid the file names is stale
                return None
            try:
                raw = os.pread(fd, 32, 0) if hasattr(os, "pread") else self.path.read_bytes()[:32]
                return int(raw.decode("ascii").strip() or 0)
            except (OSError, ValueError, UnicodeDecodeError):
                return 0
        finally:
            os.close(fd)

    def describe_holder(self) -> str | None:
        """The sentence "Another Reader is running (pid N)." when another process holds the lock, else None."""
        pid = self.held_by()
        if pid is None or (self._fd is not None):
            return None
        return f"Another Reader is running (pid {pid})." if pid else "Another Reader is running."

    # -- context manager -------------------------------------------------------------------
    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __del__(self) -> None:
        # A forgotten lock must not leak its descriptor (and pytest turns the warning into an error).
        if getattr(self, "_fd", None) is not None:
            self.release()


def app_lock(home: Path | str | None = None) -> InstanceLock:
    """The lock the window holds for a data directory (``paths.lock_path(home)``)."""
    return InstanceLock(paths.lock_path(Path(home) if home is not None else None))


def index_lock(home: Path | str | None = None) -> InstanceLock:
    """The lock for writing (or repairing) the search index of a data directory.

    It lives beside the index folder, not in it, because repairing the index replaces that
    folder. Every process (window, CLI) takes it around opening-with-repair, catching up
    and rebuilding, so one process never reads or moves what another is half-way writing.
    Two ``InstanceLock`` objects exclude each other even in one process (two threads).
    """
    return InstanceLock(paths.index_dir(Path(home) if home is not None else None).with_name("index.lock"))


__all__ = ["InstanceLock", "app_lock", "index_lock"]
