"""The detached indexer: a big import returns once its articles are in SQLite and hands
the indexing to this process, which catches the index up and exits.

``python -m reader.core.search.background HOME`` holds the worker lock (``index.worker.lock``
beside the index) while it runs, so there is one at a time; each round of catch-up holds
the index's process lock like any other writer. Searches in other processes read around
it (they see each of its commits) and say how many articles are not in yet.

Nothing is lost when it is killed: the index records the last change it has seen only
after a commit, so the next command (or the next indexer) starts from there. After it
gives up the worker lock it looks once more for changes, so an import that saw it
running (and so started none) is never left unindexed.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

from reader.core import paths
from reader.core.search.status import indexer_pid, read_last_seq, worker_lock

log = logging.getLogger(__name__)

# From this many articles waiting, an import with background indexing hands them over.
BACKGROUND_MIN = int(os.environ.get("READER_BACKGROUND_INDEX_MIN", "200"))


IDLE_GIVE_UP_SECONDS = 600.0   # another program holds Whoosh's writer this long: stop trying


def start(home: Path) -> bool:
    """Start a detached indexer for ``home`` unless one runs; True when one was started."""
    if indexer_pid(home) is not None:
        return False  # it looks for new changes before it exits
    env = dict(os.environ, READER_HOME=str(home))
    try:
        subprocess.Popen(
            [sys.executable, "-m", "reader.core.search.background", str(home)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, close_fds=True, env=env,
        )
    except OSError as exc:  # no process to be had: the next command catches up instead
        log.warning("the background indexer could not start (%s)", exc)
        return False
    return True


def run(home: Path) -> int:
    """Catch the index of ``home`` up, round after round, until nothing waits; returns how
    many articles were indexed (0 when another indexer is at work)."""
    from reader.core.library import Library

    done = 0
    stalled_since: float | None = None
    while True:
        lock = worker_lock(home)
        if not lock.try_acquire():
            return done
        try:
            with Library(home, auto_index=False) as lib:
                index = lib.index
                while True:
                    n = index.catch_up()
                    done += n
                    if n == 0 or index.pending() == 0:
                        break
        finally:
            lock.release()
        # A change committed while we held the lock may have started no indexer: look again.
        with Library(home, search=False) as lib:
            caught_up = lib.change_seq() <= read_last_seq(paths.index_dir(home))
        if caught_up:
            if done:  # so the first misspelt search of a new process does not read the lexicon;
                # only now: while articles keep coming it would compete with their indexing
                _warm_vocabulary(home)
            return done
        if n == 0:  # nothing could be written (Whoosh's writer held by another program)
            stalled_since = stalled_since or time.monotonic()
            if time.monotonic() - stalled_since > IDLE_GIVE_UP_SECONDS:
                return done
            time.sleep(1.0)
        else:
            stalled_since = None


def _warm_vocabulary(home: Path) -> None:
    from reader.core.library import Library

    try:
        with Library(home, auto_index=False) as lib:
            lib.index.warm_vocabulary()
    except Exception:  # a cache only
        log.debug("warming the vocabulary failed", exc_info=True)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("usage: python -m reader.core.search.background HOME\n")
        return 2
    try:
        run(Path(args[0]))
    except Exception:  # nobody reads our output: the next command catches up
        log.exception("background indexing stopped")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
