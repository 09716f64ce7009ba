"""How far the index is behind SQLite, and whether the background indexer is at work,
read without opening the index (no Whoosh import): an import asks this after each call."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from reader.core import paths
from reader.core.instance import InstanceLock

# Bump when the schema or the analysis changes: an index of another version is rebuilt.
SCHEMA_VERSION = 4
META_FILE = "reader-index.json"


@dataclass(frozen=True)
class IndexStatus:
    """What the window's status bar and ``reader search`` say about indexing."""

    indexed_seq: int      # the last change the index has seen
    pending: int          # articles changed since then (waiting to be indexed)
    indexing: bool        # a background indexer is at work on them

    @property
    def caught_up(self) -> bool:
        return self.pending == 0


def read_meta(index_dir: Path) -> dict | None:
    try:
        data = json.loads((Path(index_dir) / META_FILE).read_text("utf-8"))
        return data if isinstance(data, dict) else None
    except (OSError, ValueError):
        return None


def read_last_seq(index_dir: Path) -> int:
    """The last change the index in ``index_dir`` has seen (0 when it is missing or of another schema)."""
    meta = read_meta(index_dir)
    if not meta or meta.get("schema") != SCHEMA_VERSION:
        return 0
    try:
        return int(meta.get("last_seq", 0))
    except (TypeError, ValueError):
        return 0


def worker_lock(home: Path) -> InstanceLock:
    index_dir = paths.index_dir(home)
    return InstanceLock(index_dir.with_name(index_dir.name + ".worker.lock"))


def indexer_pid(home: Path) -> int | None:
    """The pid of the background indexer at work on ``home`` (0 before it says), or None."""
    return worker_lock(home).held_by()


def index_status(home: Path, storage: object) -> IndexStatus:
    seq = read_last_seq(paths.index_dir(home))
    pending = len(storage.changed_since(seq))  # type: ignore[attr-defined]
    return IndexStatus(seq, pending, pending > 0 and indexer_pid(home) is not None)
