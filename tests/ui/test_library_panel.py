"""The library list, driven as a reader would: it always marks the open article, and a click opens a row."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from reader.core.document import Document
from reader.core.library import Library
from reader.ui.main_window import MainWindow

from .conftest import add_document


def marked(window: MainWindow) -> int | None:
    return window.library_panel.current_id()


def click_row(qtbot: object, window: MainWindow, article_id: int) -> None:
    panel = window.library_panel
    row = panel.model.row_of(article_id)
    assert row is not None
    rect = panel.view.visualRect(panel.model.index(row))
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # type: ignore[attr-defined]


def test_the_list_marks_the_article_opened_by_paste_search_and_undo(
    qtbot: object, window: MainWindow, library: Library, sample_id: int
) -> None:
    other = add_document(library, "Lighthouse keeping", Document.from_paragraphs(["Fog horns and lamp oil."]))
    qtbot.waitUntil(lambda: window.library_panel.model.rowCount() == 2)  # type: ignore[attr-defined]
    window.open_article(sample_id)
    assert marked(window) == sample_id
    # paste while reading: the new article opens and the list marks it, not the old one
    QGuiApplication.clipboard().setText("Harbour notes\n\nThe tide came in at noon.")
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: window.library_panel.model.rowCount() == 3)  # type: ignore[attr-defined]
    pasted = window.view.article_id
    assert pasted not in (sample_id, other)
    qtbot.waitUntil(lambda: marked(window) == pasted)  # type: ignore[attr-defined]
    # the row of the article read before opens with one click
    click_row(qtbot, window, sample_id)
    assert window.view.article_id == sample_id and marked(window) == sample_id
    # opened from search: marked too
    window.search_field.setFocus()
    qtbot.keyClicks(window.search_field, "lamp oil")  # type: ignore[attr-defined]
    qtbot.keyClick(window.search_field, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: window.view.article_id == other, timeout=15_000)  # type: ignore[attr-defined]
    window.show_library()
    assert marked(window) == other
    # deleted and brought back by undo: open and marked again
    window.library_panel.view.setFocus()
    qtbot.keyClick(window.library_panel.view, Qt.Key.Key_Delete)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: window.library_panel.model.rowCount() == 2)  # type: ignore[attr-defined]
    assert marked(window) == window.view.article_id != other
    window.act_undo.trigger()
    qtbot.waitUntil(lambda: window.view.article_id == other)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: marked(window) == other)  # type: ignore[attr-defined]
    # a click on the marked row of the open article changes nothing
    click_row(qtbot, window, other)
    assert window.view.article_id == other


def test_library_filter_and_tag_filter(qtbot: object, window: MainWindow, library: Library) -> None:
    for i in range(5):
        add_document(library, f"Article {i}", Document.from_paragraphs([f"text {i}"]))
    aid = add_document(library, "Birds of the coast", Document.from_paragraphs(["gulls"]))
    library.tag(aid, "nature")
    qtbot.waitUntil(lambda: window.library_panel.model.rowCount() == 6)  # type: ignore[attr-defined]
    qtbot.keyClicks(window.library_panel.filter, "birds")  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: window.library_panel.model.rowCount() == 1)  # type: ignore[attr-defined]
    window.library_panel.filter.clear()
    qtbot.waitUntil(lambda: window.library_panel.model.rowCount() == 6)  # type: ignore[attr-defined]
    combo = window.library_panel.tag_combo
    combo.setCurrentIndex(combo.findData("nature"))
    combo.activated.emit(combo.currentIndex())
    assert [r.title for r in window.library_panel.model.rows] == ["Birds of the coast"]
