"""Archive search in the window: results with marked snippets; Enter opens at the passage."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt

from reader.core.library import Library
from reader.ui.main_window import MainWindow
from reader.ui.search_panel import safe_snippet


@dataclass
class FakeResult:
    article_id: int
    title: str
    snippet: str
    start: int
    end: int
    matched_in: str = "text"


class Results(list):  # type: ignore[type-arg]
    suggestion: str | None = None


def flash_range(window: MainWindow) -> tuple[int, int] | None:
    flashed = window.view.flashed()
    return (flashed[0][0], flashed[-1][1]) if flashed else None


def passage_visible(window: MainWindow, offset: int) -> bool:
    from PySide6.QtGui import QTextCursor

    cursor = QTextCursor(window.view.document())
    cursor.setPosition(window.view.to_qt(offset))
    return window.view.viewport().rect().contains(window.view.cursorRect(cursor).center())


def test_snippets_keep_only_the_match_marks() -> None:
    html = safe_snippet('a <b>Kursk</b> <img src="http://evil/x.png"> &lt;script&gt;alert(1)&lt;/script&gt; <b>open')
    assert "<img" not in html and "<script" not in html
    assert html.count("<b>") == 2 and html.count("</b>") == 2
    assert "&lt;script&gt;" in html


def test_results_open_the_article_at_the_passage(
    qtbot: object, window: MainWindow, library: Library, sample_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = library.get(sample_id).text
    start = text.index("Storm Shadow")
    results = Results([FakeResult(sample_id, "Biden approves", "… <b>Storm Shadow</b> and SCALP …", start, start + 12)])
    results.suggestion = "storm shadows"
    monkeypatch.setattr(window.library, "search", lambda q, limit=20: results)
    window.view.scroll_to_offset(0, top=True)
    window.act_search.trigger()
    assert window.search_field.hasFocus()
    qtbot.keyClicks(window.search_field, "storm shadow")  # type: ignore[attr-defined]
    qtbot.keyClick(window.search_field, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    assert window.left.currentWidget() is window.search_panel
    # if the start-up index catch-up still runs, the search waits for it and then shows
    qtbot.waitUntil(lambda: window.search_panel.model.rowCount() == 1)  # type: ignore[attr-defined]
    assert "Did you mean" in window.search_panel.message.text()
    qtbot.keyClick(window.search_panel.view, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: flash_range(window) == (start, start + 12))  # type: ignore[attr-defined]
    assert passage_visible(window, start)
    window.search_panel.closed.emit()
    assert window.left.currentWidget() is window.library_panel


def test_a_bad_query_says_so_in_the_panel(
    qtbot: object, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.core.errors import InvalidSearchQueryError

    def fail(q: str, limit: int = 20) -> list[object]:
        raise InvalidSearchQueryError(f"The query '{q}' cannot be searched.")

    monkeypatch.setattr(window.library, "search", fail)
    window.run_search("title:(")
    qtbot.waitUntil(lambda: "cannot be searched" in window.search_panel.message.text())  # type: ignore[attr-defined]
    assert window.isVisible()


def test_real_search_finds_and_opens_the_passage(qtbot: object, window: MainWindow, sample_id: int) -> None:
    window.run_search("Kharkiv")
    qtbot.waitUntil(lambda: window.search_panel.model.rowCount() >= 1, timeout=15_000)  # type: ignore[attr-defined]
    hit = window.search_panel.model.hits[0]
    assert hit.article_id == sample_id and "<b>" in hit.snippet_html.lower()
    qtbot.keyClick(window.search_panel.view, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: bool(window.view.flashed()))  # type: ignore[attr-defined]
    flashed = window.view.flashed()
    assert all(window.view.text[s:e].lower() == "kharkiv" for s, e in flashed), flashed
    assert passage_visible(window, flashed[0][0])
