"""What the storage tests share: a fresh database in a tmp dir, and a minimal article row."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.storage import Storage

ROW = {
    "title": "T", "format": "text", "added": "2024-01-01T00:00:00+00:00", "updated": "2024-01-01T00:00:00+00:00",
    "content_hash": "h", "document": '{"blocks": []}', "text": "a long enough text", "word_count": 4,
}


@pytest.fixture
def store(tmp_path: Path):
    s = Storage(tmp_path / "library.sqlite3")
    yield s
    s.close()
