"""Highlighting in the window: keys 1–6, the selection popup, the highlight editor, undo."""

from __future__ import annotations

from PySide6.QtCore import Qt

from reader.core.library import Library
from reader.ui.main_window import MainWindow

from .test_window import click_offset, painted, select


def test_highlight_with_key_1_and_with_the_popup(qtbot: object, window: MainWindow, library: Library, sample_id: int) -> None:
    window.open_article(sample_id)
    start, end = select(window, "long-range missiles to attack Russian territory")
    qtbot.keyClick(window.view, Qt.Key.Key_1)  # type: ignore[attr-defined]
    [h] = library.highlights(sample_id)
    assert (h.start, h.end, h.color) == (start, end, "yellow")
    assert h.exact == "long-range missiles to attack Russian territory"
    assert painted(window, start + 3) and not window.view.textCursor().hasSelection()
    qtbot.waitUntil(lambda: window.sidebar.highlight_model.rowCount() == 1)  # type: ignore[attr-defined]

    start2, end2 = select(window, "Kursk region in western Russia")
    qtbot.waitUntil(window.selection_popup.isVisible)  # type: ignore[attr-defined]
    qtbot.mouseClick(window.selection_popup.swatches["green"], Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    greens = [x for x in library.highlights(sample_id) if x.color == "green"]
    assert [(g.start, g.end) for g in greens] == [(start2, end2)]
    assert not window.selection_popup.isVisible()
    assert painted(window, start2 + 1)


def test_clicking_a_highlight_edits_it_and_delete_is_undone_by_ctrl_z(
    qtbot: object, window: MainWindow, library: Library, sample_id: int
) -> None:
    window.open_article(sample_id)
    start, end = select(window, "Storm Shadow and SCALP missiles")
    qtbot.keyClick(window.view, Qt.Key.Key_3)  # type: ignore[attr-defined]
    [h] = library.highlights(sample_id)
    click_offset(qtbot, window, start + 4)
    qtbot.waitUntil(window.editor.isVisible)  # type: ignore[attr-defined]
    assert window.editor.highlight_id == h.id and window.editor.swatches["blue"].isChecked()
    qtbot.mouseClick(window.editor.swatches["pink"], Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert library.get_highlight(h.id).color == "pink"
    qtbot.mouseClick(window.editor.delete_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert library.highlights(sample_id) == []
    qtbot.waitUntil(lambda: not painted(window, start + 4))  # type: ignore[attr-defined]
    assert "Ctrl+Z" in window.status.text()

    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # type: ignore[attr-defined]
    [back] = library.highlights(sample_id)
    assert (back.id, back.start, back.end, back.color) == (h.id, start, end, "pink")
    qtbot.waitUntil(lambda: painted(window, start + 4))  # type: ignore[attr-defined]
    assert window.sidebar.highlight_model.rowCount() == 1
