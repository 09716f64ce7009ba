"""Find in the article: matches marked, Enter moves on."""

from __future__ import annotations

from PySide6.QtCore import Qt

from reader.ui.main_window import MainWindow


def test_find_in_article_marks_matches_and_enter_moves_on(qtbot: object, window: MainWindow, sample_id: int) -> None:
    window.open_article(sample_id)
    window.act_find.trigger()
    assert window.find_bar.isVisible() and window.find_bar.field.hasFocus()
    qtbot.keyClicks(window.find_bar.field, "atacms")  # type: ignore[attr-defined]
    total = window.view.text.lower().count("atacms")
    qtbot.waitUntil(lambda: window.find_bar.count.text().endswith(f"of {total}"))  # type: ignore[attr-defined]
    first = window.find_bar.count.text()
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    assert window.find_bar.count.text() != first
    assert len(window.view.extraSelections()) == total
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Escape)  # type: ignore[attr-defined]
    assert not window.find_bar.isVisible() and window.view.extraSelections() == []
