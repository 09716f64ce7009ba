"""Adding articles from the window: Ctrl+V from anywhere but a text field, and messages that say what happened."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMessageBox

from reader.core.library import Library
from reader.ui.main_window import MainWindow


def test_the_file_menu_shows_ctrl_v(window: MainWindow) -> None:
    file_menu = window.commands.menus["file"]
    paste = next(a for a in file_menu.actions() if a.objectName() == "paste_clipboard")
    assert paste.shortcut() == QKeySequence(QKeySequence.StandardKey.Paste)
    assert paste.shortcut().toString() == "Ctrl+V"


def test_ctrl_v_while_reading_adds_a_copied_file_and_says_so(
    qtbot: object, window: MainWindow, library: Library, sample_id: int, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, title, text, *a: shown.append((title, text)))
    source = tmp_path / "river.md"
    source.write_text("# River log\n\nThe water rose by a metre overnight.\n", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(source))])
    QGuiApplication.clipboard().setMimeData(mime)
    window.open_article(sample_id)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "River log" in window.header.title.text(), timeout=10_000)  # type: ignore[attr-defined]
    assert window.status.text() == "Added 1 article."
    assert "cancelled" not in window.status.text() and shown == []


def test_a_url_that_cannot_be_fetched_says_so(
    qtbot: object, window: MainWindow, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, title, text, *a: shown.append((title, text)))
    url = "http://127.0.0.1:9/article"  # nothing listens there: refused at once
    QGuiApplication.clipboard().setText(url)
    window.library_panel.view.setFocus()
    qtbot.keyClick(window.library_panel.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: bool(shown), timeout=15_000)  # type: ignore[attr-defined]
    title, text = shown[0]
    assert title == f"Could not fetch {url}"
    assert text.startswith(f"Could not fetch {url}: ")
    assert window.status.text().startswith(f"Could not fetch {url}: ")
    assert "not imported" not in title and "cancelled" not in window.status.text()
    assert library.count() == 0 and window.isVisible()
