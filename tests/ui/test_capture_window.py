"""Browser capture in the window: the status bar names the endpoint, a captured page appears at
once with its tags and a quiet message, a taken port is a message, and the settings dialog."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QToolButton

from reader.core.capture import config
from reader.core.library import Library
from reader.ui.capture_settings import CaptureSettingsDialog
from reader.ui.main_window import MainWindow
from tests.core.capture.pages import article_html
from tests.core.capture.serve_process import Answer, free_port, post_json, request


def status_texts(window: MainWindow) -> list[str]:
    return [w.text() for w in window.statusBar().findChildren(QToolButton)] + [window.status.text()]


def post_in_background(port: int, token: str, payload: dict) -> list[Answer]:
    """The request runs on a thread, as a browser's would, while the window's event loop turns."""
    answers: list[Answer] = []
    thread = threading.Thread(target=lambda: answers.append(post_json(port, token, payload)), daemon=True)
    thread.start()
    return answers


def test_the_status_bar_names_the_endpoint_and_a_captured_page_appears_with_its_tags(
    qtbot: object, window: MainWindow, library: Library
) -> None:
    port = free_port()
    window.start_capture(port)
    address = f"http://127.0.0.1:{port}"
    assert f"Capture: {address}" in status_texts(window)
    assert request(port, "GET", "/api/v1/ping").json()["app"] == "reader"

    answers = post_in_background(port, window.capture.runtime.token, {
        "url": "https://rail.example/night-trains", "html": article_html(), "tags": ["trains", "to read"]})
    qtbot.waitUntil(lambda: any(r.title == "Night trains return to the Alps"  # type: ignore[attr-defined]
                                for r in window.library_panel.model.rows), timeout=10_000)
    row = next(r for r in window.library_panel.model.rows if r.title == "Night trains return to the Alps")
    assert set(row.tags) == {"trains", "to read"}
    qtbot.waitUntil(lambda: "Saved from the browser" in window.status.text(), timeout=5_000)  # type: ignore[attr-defined]
    assert "Night trains return to the Alps" in window.status.text() and "trains, to read" in window.status.text()
    qtbot.waitUntil(lambda: bool(answers), timeout=5_000)  # type: ignore[attr-defined]
    assert answers[0].status == 201 and answers[0].json()["id"] == row.id
    assert window.findChildren(QMessageBox) == []  # quiet: no dialog


def test_a_file_put_into_the_inbox_appears_in_the_list(qtbot: object, window: MainWindow, library: Library) -> None:
    window.start_capture(free_port())
    inbox = config.inbox_folder(library.home)
    assert (inbox / "imported").is_dir() and (inbox / "failed").is_dir()
    staging = inbox.parent / "staging.md"
    staging.write_text("# Reading list\n\nBooks about trains.\n", encoding="utf-8")
    staging.rename(inbox / "list.md")
    qtbot.waitUntil(lambda: any(r.title == "Reading list" for r in window.library_panel.model.rows),  # type: ignore[attr-defined]
                    timeout=8_000)
    assert (inbox / "imported" / "list.md").exists()
    qtbot.waitUntil(lambda: "Imported from the inbox: Reading list" in window.status.text(), timeout=5_000)  # type: ignore[attr-defined]


def test_a_bad_inbox_file_is_a_quiet_message_naming_it(qtbot: object, window: MainWindow, library: Library) -> None:
    window.start_capture(free_port())
    inbox = config.inbox_folder(library.home)
    (inbox / "empty.txt").write_bytes(b"")
    qtbot.waitUntil(lambda: "Inbox:" in window.status.text(), timeout=8_000)  # type: ignore[attr-defined]
    assert "empty.txt" in window.status.text() and "is empty" in window.status.text()
    assert str(inbox / "failed") in window.status.text()
    assert (inbox / "failed" / "empty.txt.error.txt").exists()
    assert window.findChildren(QMessageBox) == []


def test_a_port_already_taken_is_a_message_not_a_crash(qtbot: object, window: MainWindow, library: Library) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as other:  # another Reader, or any program
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        window.start_capture(port)
        assert "Capture off" in status_texts(window)
        assert f"Port {port} on 127.0.0.1 is already in use" in window.status.text()
        assert window.findChildren(QMessageBox) == []
        assert window.capture.runtime.inbox is not None  # the inbox works without the endpoint
    window.library_panel.reload()  # and the window goes on working


def test_the_settings_show_the_port_the_token_with_a_copy_button_and_the_inbox(
    qtbot: object, window: MainWindow, library: Library, tmp_path: Path
) -> None:
    port = free_port()
    window.start_capture(port)
    assert any(a.text() == "Browser capture…" for a in window.menuBar().actions()[0].menu().actions())
    dialog = CaptureSettingsDialog(window.capture, window)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    token = (library.home / "capture-token").read_text().strip()
    assert str(port) in dialog.port_label.text()
    assert f"http://127.0.0.1:{port}" in dialog.state_label.text()
    assert dialog.token_field.text() == token
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == token
    assert dialog.inbox_field.text() == str(library.home / "inbox")

    downloads = tmp_path / "Downloads"
    dialog.set_inbox(str(downloads))
    assert dialog.inbox_field.text() == str(downloads.resolve())
    assert (downloads / "imported").is_dir() and window.capture.runtime.inbox.folder == downloads.resolve()
    assert json.loads((library.home / "capture.json").read_text())["inbox"] == str(downloads.resolve())
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    dialog.set_inbox(str(blocked))
    assert "cannot be created" in dialog.message.text() or "not a folder" in dialog.message.text()
    assert dialog.inbox_field.text() == str(downloads.resolve())  # the last good choice stays
    dialog.set_inbox(None)
    assert dialog.inbox_field.text() == str(library.home / "inbox")


def test_closing_the_window_stops_the_endpoint(qtbot: object, open_window, library: Library) -> None:  # type: ignore[no-untyped-def]
    window = open_window(library)
    port = free_port()
    window.start_capture(port)
    assert request(port, "GET", "/api/v1/ping").status == 200
    kept = http.client.HTTPConnection("127.0.0.1", port, timeout=10)  # a browser keeps its connection
    try:
        kept.request("GET", "/api/v1/ping")
        assert kept.getresponse().read()
        open_window.close(window)
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0
        with pytest.raises((http.client.HTTPException, OSError)):  # nothing answers on it either
            kept.request("GET", "/api/v1/ping")
            kept.getresponse()
    finally:
        kept.close()
