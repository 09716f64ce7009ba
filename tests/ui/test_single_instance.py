"""A second start of Reader finds the first window instead of opening another one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from reader.core import paths
from reader.core.instance import InstanceLock
from reader.ui import single_instance
from reader.ui.single_instance import SingleInstance, ensure_single

SECOND_START = textwrap.dedent(
    """
    import sys
    from PySide6.QtWidgets import QApplication
    from reader.ui.single_instance import ensure_single
    app = QApplication([])
    first = ensure_single(app, args=sys.argv[1:])
    print("first" if first else "second", flush=True)
    if first:
        sys.stdin.readline()  # hold the claim until the test closes our stdin
    """
)


_started: list[subprocess.Popen[str]] = []


@pytest.fixture(autouse=True)
def _reap_started() -> Iterator[None]:
    """A failed assertion must not leave a process (and its pipes) behind: an unclosed pipe's
    ResourceWarning would fail whichever later test the collector happens to run in."""
    yield
    while _started:
        proc = _started.pop()
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


def second_start(home: Path, *args: str, stdin: int | None = subprocess.DEVNULL) -> subprocess.Popen[str]:
    env = dict(os.environ, READER_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen(
        [sys.executable, "-c", SECOND_START, *args],
        stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=home,
    )
    _started.append(proc)
    return proc


@pytest.fixture
def claim(qapp: QApplication, reader_home: Path) -> Iterator[SingleInstance]:
    guard = SingleInstance(reader_home)
    assert guard.claim()
    yield guard
    guard.close()


def test_second_start_brings_the_first_forward_with_its_files(
    qtbot: object, claim: SingleInstance, reader_home: Path
) -> None:
    proc = second_start(reader_home, "a.txt", "/tmp/b.txt", "https://example.org/c")
    with qtbot.waitSignal(claim.activated, timeout=20000) as blocker:  # type: ignore[attr-defined]
        pass
    out, err = proc.communicate(timeout=20)
    # Relative to where the second start ran, not to where the first one runs.
    assert blocker.args == [[str(reader_home / "a.txt"), "/tmp/b.txt", "https://example.org/c"]]
    assert (proc.returncode, out) == (0, "second\n")
    assert err == f"reader: Reader is already running (pid {os.getpid()}); its window was brought to the front.\n"


def test_a_hung_holder_is_named_in_one_sentence(tmp_path: Path, reader_home: Path, qapp: QApplication) -> None:
    # Holds the lock but never listens: as a Reader frozen before its event loop runs.
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from reader.core.instance import InstanceLock;"
         " l = InstanceLock(sys.argv[1]); l.try_acquire(); print('held', flush=True); time.sleep(60)",
         str(paths.lock_path(reader_home))],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        messages: list[str] = []
        start = time.monotonic()
        assert not ensure_single(qapp, home=reader_home, timeout_ms=600, on_message=messages.append)
        assert time.monotonic() - start < 5
        assert messages == [
            f"Another Reader is running (pid {holder.pid}) but does not answer; close it and start Reader again."
        ]
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()


def test_a_killed_first_window_leaves_nothing_that_blocks(reader_home: Path, qapp: QApplication) -> None:
    first = second_start(reader_home, stdin=subprocess.PIPE)
    assert first.stdout is not None and first.stdout.readline() == "first\n"
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=20)
    # Its lock file and (on Unix) its socket file are still there; neither may matter.
    assert paths.lock_path(reader_home).exists()
    assert InstanceLock(paths.lock_path(reader_home)).held_by() is None
    assert ensure_single(qapp, home=reader_home, timeout_ms=600)
    guard = single_instance.instance_of(qapp)
    assert guard is not None and guard.server is not None and guard.server.isListening()
    single_instance.release(qapp)
    assert single_instance.instance_of(qapp) is None
    assert InstanceLock(paths.lock_path(reader_home)).held_by() is None


def test_after_the_first_quits_the_next_start_is_first(reader_home: Path, qapp: QApplication) -> None:
    first = second_start(reader_home, stdin=subprocess.PIPE)
    assert first.stdout is not None and first.stdout.readline() == "first\n"
    assert InstanceLock(paths.lock_path(reader_home)).held_by() == first.pid
    first.communicate(input="", timeout=20)  # closes its stdin: it quits
    nxt = second_start(reader_home)
    out, _ = nxt.communicate(timeout=20)
    assert out == "first\n"


def test_other_data_folders_have_their_own_window(tmp_path: Path) -> None:
    assert single_instance.server_name(tmp_path / "a") != single_instance.server_name(tmp_path / "b")
    assert single_instance.server_name(tmp_path / "a") == single_instance.server_name(tmp_path / "x" / ".." / "a")
    assert len(single_instance.server_name(tmp_path / ("long" * 60))) < 60
