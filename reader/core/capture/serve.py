"""``reader serve``: capture without a window, in the foreground, until SIGINT or SIGTERM.

The signal only sets an event; the main thread then stops the server and the inbox and waits
for a capture under way, so the process exits within a second or two with nothing half-written.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from typing import Any, TextIO

from reader.core.capture.door import Captured
from reader.core.capture.inbox import InboxFailure, make_inbox_folders
from reader.core.capture.runtime import CaptureRuntime


def _say(stream: TextIO, message: str) -> None:
    stream.write(f"reader: {message}\n")
    stream.flush()


def _warm_up() -> None:
    try:
        import trafilatura  # noqa: F401  - what reading an HTML page loads first

        import reader.core.importers.html  # noqa: F401
    except Exception:  # only a head start; the first page loads it otherwise
        pass


def run(port: int | None = None, *, stream: TextIO | None = None) -> int:
    """Serve until a signal; returns the exit status. Raises ``ReaderError`` (one sentence) on a taken port."""
    from reader.core.library import Library

    out = stream or sys.stderr
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("reader: %(message)s"))
    capture_log = logging.getLogger("reader.core.capture")
    capture_log.addHandler(handler)
    capture_log.setLevel(logging.INFO)

    def captured(event: Captured) -> None:
        where = event.source if event.via == "browser" else f"inbox file '{event.source}'"
        tags = f" [{', '.join(event.tags)}]" if event.tags else ""
        _say(out, f"{event.status} {event.article_id} {event.title}{tags} ← {where}")

    def failed(failure: InboxFailure) -> None:
        _say(out, f"inbox file '{failure.name}' moved to {failure.moved_to.parent}: {failure.message}")

    stop = threading.Event()
    previous: dict[int, Any] = {}

    def on_signal(signum: int, _frame: object) -> None:
        stop.set()

    # From the start: a signal while the library opens still ends in an orderly stop.
    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.signal(sig, on_signal)
    try:
        with Library() as library:
            runtime = CaptureRuntime(library, port=port, on_captured=captured, on_inbox_failed=failed)
            make_inbox_folders(runtime.inbox_folder)
            try:
                runtime.start_server()
                runtime.start_inbox()
                # Exactly this line, unprefixed: scripts wait for it.
                out.write(f"listening on {runtime.address}\n")
                out.flush()
                if runtime.inbox is not None and not runtime.inbox.active:
                    _say(out, f"the inbox {runtime.inbox_folder} is watched by another Reader on this data folder.")
                else:
                    _say(out, f"watching the inbox {runtime.inbox_folder}")
                # The first page would otherwise wait a second or two for the extractor to load.
                threading.Thread(target=_warm_up, name="reader-warm-up", daemon=True).start()
                while not stop.wait(0.5):
                    pass
                _say(out, "stopping…")
            finally:
                runtime.stop()
        _say(out, "stopped.")
        return 0
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
        capture_log.removeHandler(handler)
