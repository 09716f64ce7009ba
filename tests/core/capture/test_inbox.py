"""The inbox folder: files put there import themselves, bad ones go to failed/ with a reason.

The first tests run a real ``reader serve`` and only drop files into its inbox; the last ones
drive one watcher by hand with a clock of their own, to pin down when a file counts as still.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core.capture import config
from reader.core.capture.door import CaptureDoor
from reader.core.capture.inbox import InboxWatcher, make_inbox_folders
from reader.core.errors import StorageError
from reader.core.library import Library
from tests.core.capture.pages import article_html
from tests.core.capture.serve_process import ServeProcess, free_port

CONTRACT_SECONDS = 5.0


@pytest.fixture(scope="module")
def serve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    home = tmp_path_factory.mktemp("inbox-home")
    process = ServeProcess(home, free_port()).wait_ready()
    yield process
    process.stop()


def wait_for(condition, timeout: float = CONTRACT_SECONDS) -> float:  # type: ignore[no-untyped-def]
    """Seconds until ``condition()`` held; fails after ``timeout``."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"not within {timeout} s")
        time.sleep(0.05)
    return time.monotonic() - start


def titles(home: Path) -> list[str]:
    with Library(home, search=False) as library:
        return [a.title for a in library.list_articles()]


def drop(folder: Path, name: str, data: bytes) -> Path:
    """Write a file elsewhere and move it in whole, as a finished download arrives."""
    staging = folder.parent / f".staging-{name}"
    staging.write_bytes(data)
    target = folder / name
    os.replace(staging, target)
    return target


@pytest.mark.parametrize(
    ("name", "data", "title"),
    [
        ("night-trains.html", article_html().encode(), "Night trains return to the Alps"),
        ("ferries.htm", article_html("Ferries across the Baltic", "ferry").encode(), "Ferries across the Baltic"),
        ("notes.md", b"# Reading list for May\n\nSome **books** and a paragraph about them.\n", "Reading list for May"),
        ("plain.txt", "Tram lines of Lisbon\n\nThe 28 climbs through Alfama. ☕\n".encode(), "Tram lines of Lisbon"),
    ],
)
def test_a_good_file_is_imported_within_five_seconds_and_moved_to_imported(
    serve: ServeProcess, name: str, data: bytes, title: str
) -> None:
    inbox = serve.home / "inbox"
    source = drop(inbox, name, data)
    took = wait_for(lambda: (inbox / "imported" / name).exists() and not source.exists())
    assert took < CONTRACT_SECONDS
    assert title in titles(serve.home)
    assert (inbox / "imported" / name).read_bytes() == data
    with Library(serve.home, search=False) as library:
        article = next(a for a in library.list_articles() if a.title == title)
        assert library.get(article.id).source_path == str((inbox / "imported" / name).resolve())


def test_an_epub_is_imported_too(serve: ServeProcess) -> None:
    from tests.core.importers.epub_factory import simple_book

    inbox = serve.home / "inbox"
    drop(inbox, "book.epub", simple_book())
    wait_for(lambda: (inbox / "imported" / "book.epub").exists())
    assert "A Test Book" in titles(serve.home)


SHARED_PDF = Path(__file__).resolve().parents[3].parent / "shared" / "pdf"


def test_a_pdf_is_imported_with_its_file_kept(serve: ServeProcess) -> None:
    inbox = serve.home / "inbox"
    drop(inbox, "docs.pdf", (SHARED_PDF / "text" / "google-docs-example.pdf").read_bytes())
    wait_for(lambda: (inbox / "imported" / "docs.pdf").exists())
    with Library(serve.home, search=False) as library:
        article = library.get(library.list_articles()[0].id)
        assert article.format == "pdf" and article.text.strip()
        assert library.pdf_layout(article.id) is not None


@pytest.mark.parametrize("sample", ["no-text/epson-scan-wikipedia-page.pdf", "locked/libreoffice-writer-password.pdf"])
def test_a_pdf_that_cannot_be_read_goes_to_failed(serve: ServeProcess, sample: str) -> None:
    inbox = serve.home / "inbox"
    name = Path(sample).name
    drop(inbox, name, (SHARED_PDF / sample).read_bytes())
    note = inbox / "failed" / f"{name}.error.txt"
    wait_for(lambda: note.exists())
    message = note.read_text(encoding="utf-8").strip()
    assert name in message and message.endswith("."), message


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("empty.txt", b"  \n", "is empty"),
        ("picture.html", b"\x89PNG\r\n\x1a\n" + bytes(200), "a PNG image"),
        ("nothing.html", b"<html><body><script>x()</script></body></html>", "no readable text"),
        ("broken.epub", b"PK\x03\x04 not really a zip", "EPUB"),
    ],
)
def test_a_bad_file_goes_to_failed_beside_one_sentence(serve: ServeProcess, name: str, data: bytes, words: str) -> None:
    inbox = serve.home / "inbox"
    before = titles(serve.home)
    source = drop(inbox, name, data)
    note = inbox / "failed" / f"{name}.error.txt"
    wait_for(lambda: note.exists() and not source.exists())
    assert (inbox / "failed" / name).read_bytes() == data
    message = note.read_text(encoding="utf-8").strip()
    assert words in message and name in message, message
    assert message.endswith(".") and "\n" not in message
    assert titles(serve.home) == before
    wait_for(lambda: f"inbox file '{name}'" in serve.stderr, timeout=2)  # serve says so too


def test_a_file_still_being_written_is_taken_only_once_it_stands_still(serve: ServeProcess) -> None:
    inbox = serve.home / "inbox"
    target = inbox / "growing.txt"
    with target.open("w", encoding="utf-8") as fh:
        fh.write("A slow download\n\n")
        fh.flush()
        # A chunk every 0.65 s for 3.25 s: longer than the watcher's half-second look, so it sees
        # the same size twice in a row, but never still for the full second it must wait.
        for i in range(5):
            time.sleep(0.65)
            fh.write(f"Paragraph {i} arrives slowly over the network.\n\n")
            fh.flush()
            assert target.exists(), "taken while it was still being written"
        fh.write("The last paragraph.\n")
    wait_for(lambda: (inbox / "imported" / "growing.txt").exists())
    with Library(serve.home, search=False) as library:
        article = next(a for a in library.list_articles() if a.title == "A slow download")
        assert library.get(article.id).text.endswith("The last paragraph.")


def test_a_name_already_in_imported_is_never_overwritten(serve: ServeProcess) -> None:
    inbox = serve.home / "inbox"
    (inbox / "imported" / "twice.txt").write_bytes(b"The first twice\n\nAn older file.\n")
    drop(inbox, "twice.txt", b"The second twice\n\nA newer file with the same name.\n")
    wait_for(lambda: (inbox / "imported" / "twice (2).txt").exists())
    assert (inbox / "imported" / "twice.txt").read_bytes() == b"The first twice\n\nAn older file.\n"
    assert "The second twice" in titles(serve.home)


def test_other_files_and_folders_are_left_alone(serve: ServeProcess) -> None:
    inbox = serve.home / "inbox"
    drop(inbox, "photo.jpg", b"\xff\xd8\xff not an article")
    drop(inbox, "page.html.crdownload", b"<p>half a download</p>")
    drop(inbox, ".hidden.txt", b"Hidden\n\nA hidden file.\n")
    (inbox / "sub.txt").mkdir()
    drop(inbox, "marker.txt", b"Marker after the others\n\nImported last.\n")
    wait_for(lambda: (inbox / "imported" / "marker.txt").exists())
    time.sleep(1.5)
    for name in ("photo.jpg", "page.html.crdownload", ".hidden.txt"):
        assert (inbox / name).exists()
    assert (inbox / "sub.txt").is_dir()


def test_serve_watches_the_folder_chosen_in_the_settings(tmp_path: Path) -> None:
    chosen = tmp_path / "Downloads"
    home = tmp_path / "home"
    config.set_inbox_folder(chosen, home)
    serve = ServeProcess(home, free_port()).wait_ready()
    try:
        assert (chosen / "imported").is_dir() and (chosen / "failed").is_dir()
        drop(chosen, "saved.html", article_html("Saved to downloads").encode())
        wait_for(lambda: (chosen / "imported" / "saved.html").exists())
        assert "Saved to downloads" in titles(home)
        assert str(chosen) in serve.stderr
    finally:
        serve.stop()


# -- one watcher, by hand -------------------------------------------------------------------------
@pytest.fixture
def watcher(tmp_path: Path) -> Iterator[InboxWatcher]:
    library = Library(tmp_path / "home", search=False)
    folder = tmp_path / "inbox"
    make_inbox_folders(folder)
    yield InboxWatcher(folder, CaptureDoor(library), tmp_path / "home" / "inbox.lock")
    library.close()


def test_a_file_counts_as_still_after_one_second_of_the_same_size_and_time(watcher: InboxWatcher) -> None:
    path = watcher.folder / "a.txt"
    path.write_text("Still file\n\nBody.\n")
    assert watcher.scan(now=100.0) == 0  # first seen
    assert watcher.scan(now=100.9) == 0  # not a second yet
    with path.open("a") as fh:
        fh.write("More body.\n")
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 5_000_000))
    assert watcher.scan(now=101.2) == 0  # it changed: the second starts again
    assert watcher.scan(now=102.1) == 0
    assert watcher.scan(now=102.3) == 1
    assert (watcher.folder / "imported" / "a.txt").exists()


def test_a_library_error_leaves_the_file_for_a_later_try(watcher: InboxWatcher) -> None:
    class BusyDoor:
        calls = 0

        def import_file(self, path: Path, resting_place: Path) -> None:
            BusyDoor.calls += 1
            raise StorageError("The library is busy in another program; try again.")

    watcher.door = BusyDoor()  # type: ignore[assignment]
    path = watcher.folder / "b.txt"
    path.write_text("Busy\n\nBody.\n")
    watcher.scan(now=0.0)
    assert watcher.scan(now=2.0) == 0
    assert path.exists() and not any((watcher.folder / "failed").iterdir())
    assert watcher.scan(now=3.0) == 0 and BusyDoor.calls == 1  # it waits before the next try
    assert watcher.scan(now=20.0) == 0 and BusyDoor.calls == 2


def test_one_watcher_per_data_folder_takes_the_files(watcher: InboxWatcher, tmp_path: Path) -> None:
    with Library(tmp_path / "home", search=False) as library:
        second = InboxWatcher(watcher.folder, CaptureDoor(library), tmp_path / "home" / "inbox.lock", poll=0.05)
        watcher.start()
        second.start()
        try:
            assert watcher.active and not second.active
            watcher.stop()
            wait_for(lambda: second.active, timeout=2)  # the second takes over when the first stops
        finally:
            second.stop()


def test_stop_waits_for_the_file_being_imported(watcher: InboxWatcher) -> None:
    started, release = threading.Event(), threading.Event()
    real = watcher.door.import_file

    def slow_import(path: Path, resting_place: Path):  # type: ignore[no-untyped-def]
        started.set()
        release.wait(5)
        return real(path, resting_place)

    watcher.door.import_file = slow_import  # type: ignore[method-assign]
    watcher.poll, watcher.settle = 0.05, 0.1
    (watcher.folder / "c.txt").write_text("Slow import\n\nBody.\n")
    watcher.start()
    assert started.wait(5)
    stopper = threading.Thread(target=watcher.stop)
    stopper.start()
    time.sleep(0.2)
    assert stopper.is_alive()  # still waiting for the import under way
    release.set()
    stopper.join(5)
    assert (watcher.folder / "imported" / "c.txt").exists()
