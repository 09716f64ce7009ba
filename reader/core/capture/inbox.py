"""The inbox: a folder whose article files import themselves.

A thread looks at the folder every half second (``os.scandir``: no extra dependency, and it
works the same on every platform and network share). A file with a known suffix is taken once
its size and modification time have stood still for a second (a browser or a copy may still be
writing it); it is imported through the capture door and moved to ``imported/``. A file that
cannot be imported moves to ``failed/`` beside ``<name>.error.txt``, which says why in one
sentence. Moves never overwrite: a name already taken becomes ``name (2).html``.

Only one watcher per data folder takes files (an OS lock, ``inbox.lock``); a second Reader on
the same data folder leaves the inbox to the first and takes over when the first stops.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reader.core.capture.door import CaptureDoor, DoorClosed
from reader.core.errors import ImportFailed, InvalidInput, ReaderError
from reader.core.instance import InstanceLock

log = logging.getLogger(__name__)

BASE_SUFFIXES = (".html", ".htm", ".md", ".txt", ".epub")
POLL_SECONDS = 0.5
SETTLE_SECONDS = 1.0
RETRY_SECONDS = 10.0  # after a library error (busy, disk full) the file waits this long


def inbox_suffixes() -> tuple[str, ...]:
    """The suffixes the inbox takes; PDFs join once the importers can read them."""
    from reader.core import importers

    if getattr(importers, "PDF_SUFFIXES", None) or importlib.util.find_spec("reader.core.importers.pdf") is not None:
        return (*BASE_SUFFIXES, ".pdf")
    return BASE_SUFFIXES


@dataclass(frozen=True)
class InboxFailure:
    """A file the inbox could not import, for the window's notification and the serve log."""

    name: str
    message: str
    moved_to: Path


def unique_path(folder: Path, name: str) -> Path:
    """``folder/name``, or ``folder/name (2).ext`` and so on when that is taken."""
    candidate = folder / name
    stem, suffix = os.path.splitext(name)
    n = 2
    while candidate.exists() or candidate.with_name(candidate.name + ".error.txt").exists():
        candidate = folder / f"{stem} ({n}){suffix}"
        n += 1
    return candidate


def move_without_overwrite(source: Path, folder: Path) -> Path:
    """Move ``source`` into ``folder`` under a free name; never replaces a file."""
    while True:
        target = unique_path(folder, source.name)
        try:
            os.link(source, target)  # fails if the name was taken meanwhile: never overwrites
        except FileExistsError:
            continue
        except OSError:  # a file system without hard links
            if target.exists():
                continue
            os.rename(source, target)
            return target
        os.unlink(source)
        return target


def make_inbox_folders(folder: Path) -> None:
    """``folder``, ``folder/imported`` and ``folder/failed``, or one sentence saying why not."""
    for path in (folder, folder / "imported", folder / "failed"):
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ReaderError(f"The inbox folder '{path}' cannot be created: {exc.strerror or exc}.") from None
        if not path.is_dir():
            raise ReaderError(f"The inbox folder '{path}' is a file, not a folder.")


class InboxWatcher:
    def __init__(
        self,
        folder: Path,
        door: CaptureDoor,
        lock_path: Path,
        *,
        on_failed: Callable[[InboxFailure], None] | None = None,
        poll: float = POLL_SECONDS,
        settle: float = SETTLE_SECONDS,
    ):
        self.folder = Path(folder)
        self.door = door
        self.on_failed = on_failed
        self.poll = poll
        self.settle = settle
        self.suffixes = inbox_suffixes()
        self._lock = InstanceLock(lock_path)
        self._seen: dict[str, tuple[int, int, float]] = {}  # name -> (size, mtime_ns, still since)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def imported_dir(self) -> Path:
        return self.folder / "imported"

    @property
    def failed_dir(self) -> Path:
        return self.folder / "failed"

    @property
    def active(self) -> bool:
        """True while this watcher holds the inbox (no other Reader on the data folder does)."""
        return self._lock.held

    def ensure_folders(self) -> None:
        make_inbox_folders(self.folder)

    # -- the thread ---------------------------------------------------------------------
    def start(self) -> None:
        self.ensure_folders()
        self._lock.try_acquire()
        self._thread = threading.Thread(target=self._run, name="reader-inbox", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop looking; a file being imported is finished first."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        self._lock.release()

    def _run(self) -> None:
        while not self._stop.wait(self.poll):
            if not self._lock.try_acquire():
                continue  # another Reader on this data folder watches the inbox
            try:
                self.scan()
            except DoorClosed:
                return
            except Exception:  # the watcher must outlive any one bad moment (a vanished folder)
                log.exception("the inbox scan failed")

    # -- one look at the folder -----------------------------------------------------------
    def scan(self, now: float | None = None) -> int:
        """Take every file that has stood still long enough; returns how many were handled."""
        now = time.monotonic() if now is None else now
        try:
            entries = list(os.scandir(self.folder))
        except FileNotFoundError:
            self.ensure_folders()  # the user removed it: make it again, as at start
            return 0
        present: set[str] = set()
        handled = 0
        for entry in entries:
            if self._stop.is_set():
                break
            name = entry.name
            if name.startswith(".") or not name.lower().endswith(self.suffixes):
                continue
            try:
                if not entry.is_file():
                    continue
                st = entry.stat()
            except OSError:
                continue
            present.add(name)
            state = (st.st_size, st.st_mtime_ns)
            seen = self._seen.get(name)
            if seen is None or seen[:2] != state:
                self._seen[name] = (*state, now)  # new or still changing: the clock starts again
                continue
            if now - seen[2] < self.settle:
                continue
            if self._take(Path(entry.path)):
                self._seen.pop(name, None)
                handled += 1
            else:
                self._seen[name] = (*state, now + RETRY_SECONDS - self.settle)
        for name in list(self._seen):
            if name not in present:
                del self._seen[name]
        return handled

    def _take(self, path: Path) -> bool:
        """Import one file and move it away; False leaves it for a later try."""
        resting_place = unique_path(self.imported_dir, path.name)
        try:
            self.door.import_file(path, resting_place)
        except (ImportFailed, InvalidInput) as exc:
            self._fail(path, str(exc))
            return True
        except DoorClosed:
            raise
        except ReaderError as exc:  # the library, not the file: busy, read-only, disk full
            log.warning("inbox: %s waits: %s", path.name, exc)
            return False
        except Exception as exc:
            log.exception("inbox: importing %s failed", path.name)
            self._fail(path, f"'{path.name}' could not be imported: an internal error occurred ({type(exc).__name__}).")
            return True
        try:
            # The same free name as resting_place unless someone took it meanwhile.
            move_without_overwrite(path, self.imported_dir)
        except FileNotFoundError:
            pass  # someone moved it already; the article is saved
        except OSError as exc:
            log.warning("inbox: %s is imported but could not be moved to imported/: %s", path.name, exc)
        return True

    def _fail(self, path: Path, message: str) -> None:
        try:
            moved = move_without_overwrite(path, self.failed_dir)
        except OSError as exc:
            log.warning("inbox: %s could not be moved to failed/: %s", path.name, exc)
            return
        note = moved.with_name(moved.name + ".error.txt")
        partial = note.with_name("." + note.name + ".part")
        try:
            partial.write_text(message + "\n", encoding="utf-8")
            os.replace(partial, note)
        except OSError as exc:
            log.warning("inbox: the error note for %s could not be written: %s", path.name, exc)
        log.debug("inbox: %s failed: %s", path.name, message)
        if self.on_failed is not None:
            try:
                self.on_failed(InboxFailure(path.name, message, moved))
            except Exception:
                log.exception("an inbox listener failed")
