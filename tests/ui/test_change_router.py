"""The window follows the library: changes by other processes show within a second, and the
view that made a change does not fetch it back."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from reader.core.library import Library
from reader.ui.main_window import MainWindow


def reader_cli(*args: str) -> None:
    """``reader ARGS`` in another process, on the same READER_HOME, as a user in a terminal."""
    done = subprocess.run([sys.executable, "-m", "reader.cli", *args], capture_output=True, text=True,
                          env=dict(os.environ), timeout=120)
    assert done.returncode == 0, done.stderr


def shown_within_a_second(qtbot: object, condition: object) -> None:
    start = time.monotonic()
    qtbot.waitUntil(condition, timeout=1000)  # type: ignore[attr-defined]
    assert time.monotonic() - start <= 1.0


def test_articles_added_and_tagged_by_the_cli_show_in_the_open_window(
    qtbot: object, window: MainWindow, library: Library, sample_id: int, tmp_path: Path
) -> None:
    window.open_article(sample_id)
    panel = window.library_panel
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)  # type: ignore[attr-defined]
    source = tmp_path / "orchard.md"
    source.write_text("# Orchard diary\n\nThe apples ripened late this year.\n", encoding="utf-8")
    reader_cli("add", str(source), "--tag", "garden")
    shown_within_a_second(qtbot, lambda: panel.model.rowCount() == 2)
    assert "Orchard diary" in [r.title for r in panel.model.rows]
    assert panel.count_label.text() == "2 articles"
    assert any("#garden" in panel.tag_combo.itemText(i) for i in range(panel.tag_combo.count()))
    assert window.view.article_id == sample_id  # the reader is not moved

    # a highlight and a note made from the CLI on the open article show in it
    reader_cli("highlight", str(sample_id), "--quote", "long-range missiles", "--nth", "1", "--note", "from the terminal")
    shown_within_a_second(qtbot, lambda: len(window.sidebar.highlight_model.rows) == 1)
    start = window.view.text.index("long-range missiles")
    assert [(h.start, h.end) for h in window.view.highlights()] == [(start, start + len("long-range missiles"))]
    row = panel.model.rows[panel.model.row_of(sample_id)]  # type: ignore[index]
    assert row.highlight_count == 1

    # deleted from the CLI while open: the window says so and moves on
    reader_cli("delete", str(sample_id))
    shown_within_a_second(qtbot, lambda: panel.model.rowCount() == 1)
    qtbot.waitUntil(lambda: window.view.article_id != sample_id)  # type: ignore[attr-defined]


def test_the_view_that_made_a_highlight_does_not_fetch_it_back(
    qtbot: object, window: MainWindow, library: Library, sample_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.open_article(sample_id)
    fetched: list[int] = []
    real = library.highlights
    monkeypatch.setattr(library, "highlights", lambda aid: fetched.append(aid) or real(aid))
    start = window.view.text.index("long-range missiles")
    window.view.setFocus()
    window.view.select_offsets(start, start + 19)
    qtbot.keyClick(window.view, Qt.Key.Key_2)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: len(window.sidebar.highlight_model.rows) == 1)  # type: ignore[attr-defined]
    qtbot.wait(50)  # type: ignore[attr-defined]  # the queued Changes have arrived
    row = window.library_panel.model.rows[window.library_panel.model.row_of(sample_id)]  # type: ignore[index]
    assert row.highlight_count == 1
    assert fetched == []


def test_annotating_patches_the_list_row_without_requerying(
    qtbot: object, window: MainWindow, library: Library, sample_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    qtbot.waitUntil(lambda: window.library_panel.model.rowCount() == 1)  # type: ignore[attr-defined]
    window.open_article(sample_id)
    queries: list[object] = []
    real = library.list_articles
    monkeypatch.setattr(library, "list_articles", lambda **kw: queries.append(kw) or real(**kw))
    h = library.highlight_quote(sample_id, "Storm Shadow and SCALP missiles")
    library.update_highlight(h.id, note="a note")
    library.add_note(sample_id, "article note")
    library.tag(sample_id, "allies")
    qtbot.waitUntil(lambda: window.library_panel.model.rows[0].tags == ("allies",))  # type: ignore[attr-defined]
    row = window.library_panel.model.rows[0]
    assert row.highlight_count == 1
    assert queries == []
