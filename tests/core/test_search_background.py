"""Big imports are indexed by a detached process; searches read around it; nothing is lost
when it is killed; and searching never needs to write (a full disk, a read-only folder)."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader import cli
from reader.cli import main
from reader.core.errors import DataDirError
from reader.core.library import Library
from reader.core.search import writer as search_writer
from reader.core.search.status import indexer_pid
from tests.conftest import raw_storage

ARTICLES = 600


def write_articles(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(n):
        path = folder / f"article-{i:04d}.txt"
        path.write_text(
            f"Article {i}\n\nThis article names w{i:04d}q once, and every article shares sharedwordq.\n\n"
            + "More text so that indexing has some work to do, sentence after sentence. " * 20 + "\n"
        )
        files.append(path)
    return files


def reader_cmd(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, READER_HOME=str(home), READER_BACKGROUND_INDEX_MIN="50")
    return subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True, text=True, env=env, timeout=120)


def wait_for_indexer_to_stop(home: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while indexer_pid(home) is not None:
        assert time.monotonic() < deadline, "the background indexer did not finish"
        time.sleep(0.1)


def found(home: Path, query: str) -> tuple[set[int], str]:
    done = reader_cmd(home, "search", query, "--json", "--limit", str(ARTICLES + 10))
    assert done.returncode == 0, done.stderr
    return {d["id"] for d in json.loads(done.stdout)}, done.stderr


@pytest.mark.slow
def test_kill9_of_the_indexer_mid_import_loses_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    files = write_articles(tmp_path / "files", ARTICLES)
    added = reader_cmd(home, "add", *map(str, files))
    assert added.returncode == 0 and added.stderr == "", added.stderr
    ids = [int(line.split()[1]) for line in added.stdout.splitlines()]
    assert len(ids) == ARTICLES
    # `add` returned with the articles readable, and an indexer at work on them.
    assert reader_cmd(home, "show", str(ids[-1])).stdout.startswith(f"This article names w{ARTICLES - 1:04d}q")
    deadline = time.monotonic() + 30
    while (pid := indexer_pid(home)) in (None, 0):
        assert time.monotonic() < deadline, "no background indexer started"
        time.sleep(0.02)
    with Library(home, search=False) as lib:
        assert lib.index_status().pending > 0, "the indexer finished before it could be killed"
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while indexer_pid(home) == pid:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    with Library(home, search=False) as lib:
        left = lib.index_status().pending
    assert 0 < left <= ARTICLES
    # The next command notices, hands the rest to a new indexer, and answers meanwhile.
    hits, err = found(home, "sharedwordq")
    assert len(hits) < ARTICLES and "still being indexed" in err
    deadline = time.monotonic() + 120
    while len(hits) < ARTICLES:
        assert time.monotonic() < deadline, f"only {len(hits)} of {ARTICLES} searchable"
        time.sleep(0.5)
        hits, err = found(home, "sharedwordq")
    assert hits == set(ids) and err == ""
    wait_for_indexer_to_stop(home)
    with Library(home) as lib:
        assert lib.index.doc_count() == ARTICLES and lib.index.pending() == 0
        for i in (0, ARTICLES // 2, ARTICLES - 1):
            assert [r.article_id for r in lib.search(f"w{i:04d}q")] == [ids[i]]


def make_library_with_one_change_pending(home: Path, tmp_path: Path) -> None:
    with Library(home) as lib:
        lib.add(write_articles(tmp_path / "a", 1)[0])                 # indexed
    with Library(home, search=False) as lib:
        lib.add(write_articles(tmp_path / "b", 2)[1])                 # changed, not indexed


def test_search_on_a_full_disk_answers_from_the_index_as_it_is(
    tmp_path: Path, reader_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_library_with_one_change_pending(reader_home, tmp_path)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(search_writer.IndexWriting, "_writer", full)
    real = cli._open_library

    def limited(**kwargs):  # and SQLite cannot grow by a page either
        lib = real(**kwargs)
        conn = raw_storage(lib).conn
        conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
        return lib

    monkeypatch.setattr(cli, "_open_library", limited)
    assert main(["search", "sharedwordq", "--json"]) == 0
    out, err = capsys.readouterr()
    assert [d["title"] for d in json.loads(out)] == ["Article 0"]
    assert err == "reader: 1 changed article(s) are not searchable yet: the disk is full.\n"


def test_search_in_a_read_only_data_folder_answers_from_the_index_as_it_is(
    tmp_path: Path, reader_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_library_with_one_change_pending(reader_home, tmp_path)
    from reader.core import instance

    def read_only(self):
        raise DataDirError(f"The lock file '{self.path}' cannot be created: Read-only file system.")

    monkeypatch.setattr(instance.InstanceLock, "_open", read_only)
    real = cli._open_library

    def query_only(**kwargs):
        lib = real(**kwargs)
        raw_storage(lib).conn.execute("PRAGMA query_only = ON")
        return lib

    monkeypatch.setattr(cli, "_open_library", query_only)
    assert main(["search", "sharedwordq"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("1\tArticle 0\t")
    assert err == "reader: 1 changed article(s) are not searchable yet: the data folder is read-only.\n"


def test_the_indexer_leaves_each_segments_word_list_once_it_has_caught_up(tmp_path: Path) -> None:
    from reader.core.search import background

    home = tmp_path / "home"
    lib = Library(home, auto_index=False)
    with lib.batch():
        for path in write_articles(tmp_path / "files", 40):
            lib.add(path)
    lib.close()
    assert background.run(home) == 40
    index_dir = home / "index"
    with Library(home, auto_index=False) as lib:
        segments = {s.segment_id() for s in lib.index._ix._segments()}
    words = {p.name.split(".")[0] for p in index_dir.glob("*.text.words")}
    assert segments and words == segments  # a misspelt search in a new process reads these, not the lexicon
