"""Long work off the UI thread: a QRunnable around a core function taking progress/cancel.

The core function runs on a pool thread. The shared SQLite connection is safe there
(``check_same_thread=False`` and a lock in ``Storage``); ``Library`` listeners run on
that thread too, which is why the window marshals ``Changes`` through a Qt signal.
Results and errors come back as queued signals on the UI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class JobSignals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)


class Job(QRunnable):
    """Run ``fn(progress=..., cancel=...)``; ``cancel()`` asks it to stop at the next item."""

    def __init__(self, fn: Callable[..., Any], *, with_progress: bool = True):
        super().__init__()
        self.setAutoDelete(False)  # we keep a reference until it reports back
        self.fn = fn
        self.with_progress = with_progress
        self.signals = JobSignals()
        self._cancelled = threading.Event()
        self.done = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def run(self) -> None:
        try:
            if self.with_progress:
                result = self.fn(progress=self.signals.progress.emit, cancel=self._cancelled.is_set)
            else:
                result = self.fn()
        except BaseException as exc:  # reported to the UI, which shows it; the app keeps running
            self.done.set()
            self.signals.failed.emit(exc)
            return
        self.done.set()
        self.signals.finished.emit(result)


class Jobs(QObject):
    """Starts jobs on a private pool and keeps them alive until they finish."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self._running: set[Job] = set()

    def start(
        self,
        fn: Callable[..., Any],
        *,
        finished: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
        progress: Callable[[int, int, str], None] | None = None,
        with_progress: bool = True,
    ) -> Job:
        job = Job(fn, with_progress=with_progress)
        if progress:
            job.signals.progress.connect(progress)
        job.signals.finished.connect(lambda result: self._done(job, finished, result))
        job.signals.failed.connect(lambda exc: self._done(job, failed, exc))
        self._running.add(job)
        self.pool.start(job)
        return job

    def _done(self, job: Job, callback: Callable[[Any], None] | None, value: Any) -> None:
        self._running.discard(job)
        if callback is not None:
            callback(value)

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def wait(self, msecs: int = 30_000) -> bool:
        """Ask running jobs to stop and wait for them (on close)."""
        for job in list(self._running):
            job.cancel()
        return self.pool.waitForDone(msecs)
