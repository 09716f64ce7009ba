"""A full disk, a read-only library and an unusable data folder: one sentence, nothing lost.

We run as root, so file permissions stop nothing. SQLite's own limits make the failures
real instead: ``PRAGMA max_page_count`` makes the next growth fail with SQLITE_FULL, and
``PRAGMA query_only`` or a ``mode=ro`` open refuse every write as a read-only disk would.
A data folder below a regular file cannot be created by anyone.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reader import cli
from reader.cli import main
from reader.core import paths
from reader.core.errors import DataDirError
from reader.core.library import Library
from reader.core.storage import Storage
from tests.conftest import raw_storage

PARAGRAPH = "A paragraph of the article, long enough to need pages of its own when stored. " * 8


def write_article(path: Path, title: str, paragraphs: int) -> Path:
    path.write_text(title + "\n" + "\n\n".join(f"{i} {PARAGRAPH}" for i in range(paragraphs)) + "\n")
    return path


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to compare before and after a failed action."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: conn.execute(f"SELECT * FROM {t}").fetchall() for t in tables if not t.startswith("sqlite_")}
    finally:
        conn.close()


@pytest.fixture
def filled(reader_home: Path, tmp_path: Path) -> Path:
    """A library with one article, a highlight, a note and a tag; returns the database path."""
    with Library(reader_home, search=False) as lib:
        aid = lib.add(write_article(tmp_path / "first.txt", "First article", 3)).article_id
        lib.add_highlight(aid, 20, 40, note="kept")
        lib.add_note(aid, "a note that must survive")
        lib.tag(aid, "Kept")
    return paths.database_path(reader_home)


def limit_pages(lib: Library) -> None:
    """From now on the database cannot grow by a single page: the disk is 'full'."""
    conn = raw_storage(lib).conn
    conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")


def open_with(monkeypatch: pytest.MonkeyPatch, tweak: Callable[[Library], None]) -> None:
    """Make the CLI's Library go through ``tweak`` right after it opens."""
    real = cli._open_library

    def patched(**kwargs: Any) -> Any:
        lib = real(**kwargs)
        tweak(lib)
        return lib

    monkeypatch.setattr(cli, "_open_library", patched)


def test_disk_full_on_add_is_one_sentence_and_writes_nothing(
    filled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = dump(filled)
    big = write_article(tmp_path / "big.txt", "Big article", 400)
    open_with(monkeypatch, limit_pages)
    assert main(["add", str(big)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"reader: The disk holding '{filled}' is full; nothing was changed.\n"
    assert dump(filled) == before


@pytest.mark.parametrize("action", ["add", "note", "highlight", "tag"])
def test_disk_full_leaves_the_library_usable(filled: Path, tmp_path: Path, reader_home: Path, action: str) -> None:
    big = write_article(tmp_path / "big.txt", "Big article", 400)
    before = dump(filled)
    with Library(reader_home, search=False) as lib:
        limit_pages(lib)
        do: dict[str, Callable[[], Any]] = {
            "add": lambda: lib.add(big),
            "note": lambda: lib.add_note(1, "x" * 200_000),
            "highlight": lambda: [lib.add_highlight(1, 0, 10, note="n" * 50_000) for _ in range(3)],
            "tag": lambda: [lib.tag(1, f"tag {i} " + "t" * 90) for i in range(400)],
        }
        with pytest.raises(DataDirError, match=r"^The disk holding '.*' is full; nothing was changed\.$"):
            do[action]()
        if action != "highlight" and action != "tag":  # those two are several actions: the first ones may fit
            assert dump(filled) == before
        # Room again (the user deleted files): the same library goes on working.
        raw_storage(lib).conn.execute("PRAGMA max_page_count = 1073741823")
        do[action]()
        assert lib.integrity_check() == "ok"
    after = dump(filled)
    assert after["notes"][0] == before["notes"][0] and after["highlights"][0] == before["highlights"][0]


def test_read_only_library_refuses_writes_in_one_sentence(
    filled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = dump(filled)
    open_with(monkeypatch, lambda lib: raw_storage(lib).conn.execute("PRAGMA query_only = ON"))
    for argv in (
        ["add", str(write_article(tmp_path / "new.txt", "New article", 2))],
        ["note", "1", "another note"],
        ["tag", "1", "more"],
        ["highlight", "1", "--quote", "0 A paragraph"],
        ["delete", "1"],
    ):
        assert main(argv) == 1, argv
        out, err = capsys.readouterr()
        assert out == ""
        assert err == f"reader: The library at '{filled}' is read-only; nothing was changed.\n", argv
    assert main(["list"]) == 0  # reading still works
    assert "First article" in capsys.readouterr().out
    assert dump(filled) == before


def test_storage_opened_read_only_reads_and_refuses_writes(filled: Path) -> None:
    before = dump(filled)
    store = Storage(filled, readonly=True)
    try:
        assert store.query_one("SELECT title FROM articles")[0] == "First article"
        with pytest.raises(DataDirError, match="is read-only; nothing was changed"):
            with store.transaction() as conn:
                conn.execute("DELETE FROM notes")
    finally:
        store.close()
    assert dump(filled) == before


def test_data_folder_below_a_regular_file_is_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    home = blocker / "reader-home"
    monkeypatch.setenv("READER_HOME", str(home))
    for argv in (["list"], ["add", str(write_article(tmp_path / "a.txt", "Title here", 2))]):
        assert main(argv) == 1
        out, err = capsys.readouterr()
        assert out == ""
        assert err == f"reader: The data folder '{home}' cannot be created: Not a directory.\n"
    assert blocker.read_text() == "not a folder"
