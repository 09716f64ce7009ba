"""The instance lock: exclusive while held, gone the moment its holder dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reader.core import paths
from reader.core.errors import DataDirError
from reader.core.instance import InstanceLock, app_lock

HOLDER = textwrap.dedent(
    """
    import sys, time
    from reader.core.instance import InstanceLock
    lock = InstanceLock(sys.argv[1])
    print("held" if lock.try_acquire() else "busy", flush=True)
    time.sleep(60)
    """
)


def _start_holder(lock_file: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(lock_file)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "held"
    return proc


def _kill(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.stdout is not None
    proc.stdout.close()


def test_second_claim_fails_and_names_the_holder(reader_home: Path) -> None:
    first, second = app_lock(), app_lock()
    assert first.path == paths.lock_path(reader_home)
    assert first.try_acquire()
    try:
        assert not second.try_acquire()
        assert second.held_by() == os.getpid()
        assert second.describe_holder() == f"Another Reader is running (pid {os.getpid()})."
        assert first.describe_holder() is None  # the holder is not "another" Reader
        assert not second.acquire(timeout=0.1)
    finally:
        first.release()
    assert second.held_by() is None
    assert second.try_acquire()
    second.release()


def test_lock_of_a_killed_process_never_blocks(tmp_path: Path) -> None:
    lock_file = tmp_path / "reader.lock"
    proc = _start_holder(lock_file)
    lock = InstanceLock(lock_file)
    try:
        assert lock.held_by() == proc.pid
        assert not lock.try_acquire()
    finally:
        _kill(proc)
    # The file is still there and still names the dead pid: it must not matter.
    assert lock_file.read_text().strip() == str(proc.pid)
    assert lock.held_by() is None
    assert lock.try_acquire()
    assert lock_file.read_text().strip() == str(os.getpid())
    lock.release()


def test_waiting_acquire_gets_the_lock_when_the_holder_dies(tmp_path: Path) -> None:
    lock_file = tmp_path / "index" / "writer.lock"
    proc = _start_holder(lock_file)
    _kill(proc)
    with InstanceLock(lock_file) as lock:
        assert lock.held


def test_lock_under_a_regular_file_is_one_sentence(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(DataDirError, match=r"^The lock file '.*reader.lock' cannot be created: .*\.$"):
        InstanceLock(blocker / "reader.lock").try_acquire()


def test_cli_writes_while_a_window_holds_the_lock(
    reader_home: Path, sample_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reader.cli import main

    window = app_lock(reader_home)
    assert window.try_acquire()
    try:
        assert main(["add", str(sample_path)]) == 0
        assert main(["tag", "1", "while-open"]) == 0
        assert capsys.readouterr().out.splitlines()[-1] == "tags of 1: while-open"
    finally:
        window.release()


def test_index_lock_lives_beside_the_index_and_excludes_threads(reader_home: Path) -> None:
    import threading

    from reader.core.instance import index_lock

    first, second = index_lock(reader_home), index_lock(reader_home)
    assert first.path.parent == paths.index_dir(reader_home).parent
    assert first.path != paths.lock_path(reader_home)
    assert first.try_acquire()
    results: list[bool] = []
    worker = threading.Thread(target=lambda: results.append(second.acquire(timeout=0.2)))
    worker.start()
    worker.join()
    assert results == [False]
    first.release()
    assert second.acquire(timeout=1)
    second.release()
