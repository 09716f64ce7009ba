"""The sidebar's notes: written, saved as typed, and a failed save said in the window."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from reader.core.library import Library
from reader.ui.main_window import MainWindow


class FullDisk:
    """A connection whose writes fail as SQLite's do when the disk is full; reads still work."""

    def __init__(self, conn: sqlite3.Connection):
        self._conn = conn

    def execute(self, sql: str, *args: Any) -> Any:
        if sql.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            raise sqlite3.OperationalError("database or disk is full")
        return self._conn.execute(sql, *args)

    def executemany(self, sql: str, *args: Any) -> Any:
        raise sqlite3.OperationalError("database or disk is full")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def storage_of(library: Library) -> Any:
    return getattr(library, "storage", None) or library._storage  # type: ignore[attr-defined]


def test_a_failed_note_save_shows_a_message_and_the_app_keeps_running(
    qtbot: object, window: MainWindow, library: Library, sample_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, title, text, *a: shown.append((title, text)))
    window.open_article(sample_id)
    window.act_new_note.trigger()
    card = window.sidebar.notes.cards[-1]
    storage = storage_of(library)
    monkeypatch.setattr(storage, "conn", FullDisk(storage.conn))
    qtbot.keyClicks(card.editor, "A thought that cannot be kept")  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: bool(shown), timeout=3000)  # type: ignore[attr-defined]
    title, text = shown[0]
    assert title == "Could not save the note"
    assert "full" in text.lower()
    assert window.isVisible() and library.notes(sample_id) == []
    monkeypatch.undo()  # the disk has room again: the next keystroke saves
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(("again", "")))
    qtbot.keyClick(card.editor, Qt.Key.Key_Period)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: len(library.notes(sample_id)) == 1, timeout=3000)  # type: ignore[attr-defined]
    assert library.notes(sample_id)[0].body == "A thought that cannot be kept."


def test_a_note_can_be_deleted_and_brought_back(qtbot: object, window: MainWindow, library: Library, sample_id: int) -> None:
    library.add_note(sample_id, "Keep *this* thought")
    window.open_article(sample_id)
    [card] = window.sidebar.notes.cards
    assert card.when.text().startswith("Edited")
    qtbot.mouseClick(card.delete_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert library.notes(sample_id) == []
    qtbot.waitUntil(lambda: not window.sidebar.notes.cards)  # type: ignore[attr-defined]
    window.act_undo.trigger()
    qtbot.waitUntil(lambda: len(window.sidebar.notes.cards) == 1)  # type: ignore[attr-defined]
    assert window.sidebar.notes.cards[0].body == "Keep *this* thought"
