"""How a Library's index follows SQLite as the user meets it: after each change, and
before each search (reading around the background indexer, and never needing to write)."""

from __future__ import annotations

import errno
import logging
from typing import Any

from reader.core.errors import DataDirError, SearchError
from reader.core.search import background
from reader.core.search.status import indexer_pid

log = logging.getLogger(__name__)


def index_after_change(lib: Any) -> None:
    """Index what just changed, or leave it to the background indexer: one is at work
    (it looks for new changes before it stops), or this import is big and may start one."""
    if lib.background_index:
        status = lib.index_status()
        if status.pending == 0:
            return
        if status.indexing or status.pending >= background.BACKGROUND_MIN:
            background.start(lib.home)
            return
    lib.index.catch_up(wait=_wait(lib))


def _wait(lib: Any) -> float | None:
    """How long a command waits for another process's index work: not at all while the
    background indexer runs (search reads around it), else as long as a writer takes."""
    return 0.0 if indexer_pid(lib.home) is not None else None


def search(lib: Any, query: str, limit: int) -> Any:
    """``lib``'s ranked results; ``results.pending`` says how many changed articles are not
    in the index yet (being indexed in the background, or waiting for room on the disk),
    and ``results.notice`` says why in one sentence (None when everything is in)."""
    problem = None
    index = lib.index
    if not index.behind():  # the common case, one small query: nothing to catch up or report
        results = index.search(query, limit=limit)
        results.pending, results.notice = 0, None
        return results
    status = lib.index_status()
    if status.indexing:
        pass  # the background indexer is at work: read around it, never compete for its lock
    elif lib.background_index and status.pending >= background.BACKGROUND_MIN:
        index_after_change(lib)  # a big backlog (an indexer was killed): hand it over
    elif status.pending:
        try:
            lib.index.catch_up(wait=_wait(lib))
        except (OSError, DataDirError, SearchError) as exc:  # reading never needs to write
            problem = exc
            log.warning("the search index could not catch up (%s); searching it as it is", exc)
    results = lib.index.search(query, limit=limit)
    pending = lib.index.pending()
    results.pending = pending
    results.notice = None
    if pending:
        if problem is not None:
            results.notice = f"{pending} changed article(s) are not searchable yet: {why_not_written(problem)}."
        else:
            results.notice = f"{pending} article(s) are still being indexed; they are not in these results yet."
    return results


def why_not_written(exc: BaseException) -> str:
    """The end of a sentence saying why the index could not be written."""
    code = getattr(exc, "errno", None)
    if code == errno.ENOSPC or "full" in str(exc).lower():
        return "the disk is full"
    if code in (errno.EROFS, errno.EACCES, errno.EPERM) or "read-only" in str(exc).lower():
        return "the data folder is read-only"
    return str(exc).rstrip(".")
