"""Archive search from the toolbar field: results while typing, Enter opens, arrows move,
and a match in a highlight opens the article at that highlight."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt

from reader.core.document import Document
from reader.core.library import Library
from reader.ui.main_window import MainWindow

from .conftest import add_document
from .test_search_panel import FakeResult, Results, passage_visible


@dataclass
class HighlightResult(FakeResult):
    # words marked in the text (the article's first lines): not where this match is
    match_offsets: tuple[tuple[int, int], ...] = ((0, 5),)


def test_results_show_while_typing_and_enter_opens_the_top_one(
    qtbot: object, window: MainWindow, library: Library, sample_id: int
) -> None:
    other = add_document(library, "Kharkiv at night", Document.from_paragraphs(["Kharkiv slept under the sirens."]))
    window.open_article(sample_id)
    window.act_search.trigger()
    qtbot.keyClicks(window.search_field, "Kharkiv")  # type: ignore[attr-defined]
    # no Enter: the results come in the left pane as the reader types, the keys stay in the field
    qtbot.waitUntil(lambda: window.search_panel.model.rowCount() == 2, timeout=15_000)  # type: ignore[attr-defined]
    assert window.left.currentWidget() is window.search_panel
    assert window.search_field.hasFocus()
    top = window.search_panel.model.hits[0].article_id
    second = window.search_panel.model.hits[1].article_id
    assert {top, second} == {sample_id, other}
    qtbot.keyClick(window.search_field, Qt.Key.Key_Down)  # type: ignore[attr-defined]
    assert window.search_panel.view.currentIndex().row() == 1
    qtbot.keyClick(window.search_field, Qt.Key.Key_Up)  # type: ignore[attr-defined]
    assert window.search_panel.view.currentIndex().row() == 0
    qtbot.keyClick(window.search_field, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    assert window.view.article_id == top
    # again, and the arrow picks the second result
    window.act_search.trigger()
    qtbot.keyClick(window.search_field, Qt.Key.Key_Down)  # type: ignore[attr-defined]
    qtbot.keyClick(window.search_field, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    assert window.view.article_id == second
    # clearing the field brings the library back
    window.act_search.trigger()
    qtbot.keyClick(window.search_field, Qt.Key.Key_Backspace)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: window.left.currentWidget() is window.library_panel)  # type: ignore[attr-defined]


@pytest.mark.parametrize("where", ["note", "highlight", "tag"])
def test_a_match_in_a_highlight_opens_the_article_at_that_highlight_and_flashes_it(
    qtbot: object, window: MainWindow, library: Library, sample_id: int, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    text = library.get(sample_id).text
    start = text.rindex("Storm Shadow")  # far down the article, not its first lines
    highlight = library.add_highlight(sample_id, start, start + 40, note="a word only in the note: zeppelin")
    results = Results([HighlightResult(sample_id, "Biden approves", "…<b>zeppelin</b>…", highlight.start, highlight.end,
                                  matched_in=where)])
    monkeypatch.setattr(window.library, "search", lambda q, limit=20: results)
    window.view.scroll_to_offset(0, top=True)
    window.act_search.trigger()
    qtbot.keyClicks(window.search_field, "zeppelin")  # type: ignore[attr-defined]
    qtbot.keyClick(window.search_field, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: window.view.flashed() == [(highlight.start, highlight.end)])  # type: ignore[attr-defined]
    assert passage_visible(window, highlight.start)
    assert window.view.hasFocus()
