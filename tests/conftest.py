"""Every test gets its own data directory (READER_HOME) and Qt runs offscreen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "resources" / "samples" / "atacms-news.txt"


@pytest.fixture(autouse=True)
def reader_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "reader-home"
    home.mkdir()
    monkeypatch.setenv("READER_HOME", str(home))
    return home


@pytest.fixture
def sample_path() -> Path:
    return SAMPLE


def raw_storage(lib):  # -> reader.core.storage.Storage
    """The Library's own storage, for the few tests that inspect or break the database
    itself (a crash, a full disk, a date set in the past). Everything else goes through
    the Library's public methods; this is the one place tests reach past it."""
    return lib._storage


def highlight_count(lib) -> int:
    """How many highlights the whole library holds, as a user could count them."""
    return sum(len(lib.highlights(article_id)) for article_id in lib.article_ids())
