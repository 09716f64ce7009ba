"""Adding articles from the window: Ctrl+V from anywhere but a text field, and messages that say what happened."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication, QKeySequence
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


def test_importing_a_file_runs_on_the_worker_and_opens_it(
    qtbot: object, window: MainWindow, library: Library, tmp_path: Path
) -> None:
    source = tmp_path / "garden.md"
    source.write_text("# Garden notes\n\nTomatoes want sun and patience.\n", encoding="utf-8")
    job = window.import_sources([str(source)])
    assert job is not None
    qtbot.waitUntil(lambda: window.view.article is not None and "Tomatoes" in window.view.text, timeout=10_000)  # type: ignore[attr-defined]
    assert [r.title for r in window.library_panel.model.rows] == ["Garden notes"]
    assert window.header.title.text() == "Garden notes"
    assert "Tomatoes want sun and patience." in window.view.document().toPlainText()


def test_a_bad_file_dropped_shows_a_message_and_the_app_keeps_running(
    qtbot: object, window: MainWindow, library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, title, text, *a: shown.append((title, text)))
    bad = tmp_path / "broken.epub"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    good = tmp_path / "fine.txt"
    good.write_text("Fine title\n\nA perfectly readable article.\n", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(bad)), QUrl.fromLocalFile(str(good))])
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)  # type: ignore[attr-defined]
    assert "broken.epub" in shown[0][1]
    assert library.count() == 1 and window.isVisible()
    qtbot.waitUntil(lambda: "readable" in window.view.text)  # type: ignore[attr-defined]


def test_paste_text_outside_the_article_adds_it(qtbot: object, window: MainWindow, library: Library) -> None:
    QGuiApplication.clipboard().setText("Pasted heading\n\nA pasted paragraph worth keeping.")
    window.library_panel.view.setFocus()
    window.act_paste_key.trigger()
    qtbot.waitUntil(lambda: library.count() == 1)  # type: ignore[attr-defined]
    assert "worth keeping" in window.view.text
    # in the article (issue 13: paste works while reading) it adds too; in a text field it pastes there
    QGuiApplication.clipboard().setText("Another pasted paragraph.")
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: library.count() == 2)  # type: ignore[attr-defined]
    assert "Another pasted" in window.view.text
    window.library_panel.filter.setFocus()
    qtbot.keyClick(window.library_panel.filter, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)  # type: ignore[attr-defined]
    assert window.library_panel.filter.text() == "Another pasted paragraph."
    assert library.count() == 2


def test_cancelling_an_import_keeps_what_was_imported(
    qtbot: object, window: MainWindow, library: Library, tmp_path: Path
) -> None:
    files = []
    for i in range(40):
        path = tmp_path / f"note-{i:02}.txt"
        path.write_text(f"Title {i}\n\nBody of note {i}.\n", encoding="utf-8")
        files.append(str(path))
    job = window.import_sources(files)
    assert job is not None
    job.cancel()  # what the progress dialog's Cancel button does
    qtbot.waitUntil(job.done.is_set, timeout=10_000)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "cancelled after" in window.status.text().lower() or "Nothing" in window.status.text())  # type: ignore[attr-defined]
    assert library.count() < 40
    assert window.library_panel.model.rowCount() == library.count()
    assert window.isVisible()


def test_the_paste_dialog_adds_text_with_its_title(
    qtbot: object, window: MainWindow, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.ui.dialogs import PasteDialog

    def accept(dialog: PasteDialog) -> int:
        dialog.name.setText("My pasted piece")
        dialog.edit.setPlainText("Some words I copied from somewhere, worth reading again later.")
        return 1

    monkeypatch.setattr(PasteDialog, "exec", accept)
    window.act_paste.trigger()
    qtbot.waitUntil(lambda: "worth reading again" in window.view.text)  # type: ignore[attr-defined]
    assert [a.title for a in library.list_articles()] == ["My pasted piece"]
