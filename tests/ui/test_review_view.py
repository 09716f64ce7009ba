"""The Review view driven by keys as a user would: Ctrl+R, 1-4, D, Enter, Esc."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from reader.core.document import Block
from reader.core.library import Library
from reader.ui.main_window import MainWindow
from reader.ui.review_view import ReviewView, when
from tests.ui.conftest import add_document

DAY0 = "2026-03-02T09:00:00+01:00"


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READER_NOW", DAY0)


def highlighted(library: Library, count: int, title: str = "Slow reading") -> list[int]:
    blocks = [Block("paragraph", f"Passage {i} of the essay, worth meeting again.") for i in range(count)]
    article_id = add_document(library, title, blocks)
    text = library.get(article_id).text
    ids = []
    for i in range(count):
        start = text.index(f"Passage {i} ")
        ids.append(library.add_highlight(article_id, start, start + 9, note=f"why {i}", tags=["essay"]).id)
    return ids


def open_review(qtbot, window: MainWindow) -> ReviewView:
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    view = window.review.view
    assert view is not None
    qtbot.waitUntil(view.isVisible)
    return view


def test_ctrl_r_shows_one_highlight_with_its_note_tags_and_title_and_the_button_counts_what_is_due(
    qtbot, open_window, library: Library
) -> None:
    highlighted(library, 3)
    window = open_window(library)
    assert window.review.button.text() == "Review  3"
    view = open_review(qtbot, window)
    item = view.current
    assert item is not None
    assert view.quote.text() == f"“{item.quote}”"
    assert view.note.text() == item.note and view.note.isVisibleTo(view)
    assert view.tags.text() == "#essay"
    assert view.title.text() == "Slow reading"
    assert view.progress.text().startswith("1 of 3")


def test_keys_rate_discard_and_the_summary_tells_how_many_and_when_next(qtbot, open_window, library: Library) -> None:
    ids = highlighted(library, 3)
    window = open_window(library)
    view = open_review(qtbot, window)
    order = [item.highlight_id for item in view.items]
    qtbot.keyClick(view, Qt.Key.Key_3)  # good
    qtbot.keyClick(view, Qt.Key.Key_D)  # discard
    qtbot.keyClick(view, Qt.Key.Key_4)  # easy
    assert library.review_state(order[0]).state == "learning"
    assert library.review_state(order[1]).discarded
    assert library.review_state(order[2]).state == "review"
    assert view.pages.currentIndex() == 1
    assert view.summary.text() == "You reviewed 2 highlights. 1 left review."
    assert view.next_due.text() == "The next one is due in 10 minutes."
    assert sorted(order) == sorted(ids)
    qtbot.waitUntil(lambda: window.review.button.text() == "Review")  # nothing due now
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not view.isVisible())


def test_keys_1_and_2_rate_again_and_hard(qtbot, open_window, library: Library) -> None:
    highlighted(library, 2)
    view = open_review(qtbot, open_window(library))
    first, second = (item.highlight_id for item in view.items)
    qtbot.keyClick(view, Qt.Key.Key_1)
    qtbot.keyClick(view, Qt.Key.Key_2)
    now = datetime.fromisoformat(DAY0)
    again = datetime.fromisoformat(library.review_state(first).due)
    hard = datetime.fromisoformat(library.review_state(second).due)
    assert now < again < hard < now + timedelta(minutes=10)


def test_enter_opens_the_highlight_in_its_article_at_the_passage(qtbot, open_window, library: Library) -> None:
    highlighted(library, 1, "Elsewhere")
    (hid,) = highlighted(library, 1, "The one to open")
    window = open_window(library)
    view = open_review(qtbot, window)
    for _ in range([item.highlight_id for item in view.items].index(hid)):  # whatever the day's draw
        qtbot.keyClick(view, Qt.Key.Key_3)
    assert view.current is not None and view.current.highlight_id == hid
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not view.isVisible())
    assert window.view.article_id == library.get_highlight(hid).article_id
    assert "The one to open" in window.windowTitle()
    assert library.review_state(hid) is None  # opening is not a rating


def test_escape_leaves_without_rating(qtbot, open_window, library: Library) -> None:
    ids = highlighted(library, 2)
    window = open_window(library)
    view = open_review(qtbot, window)
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not view.isVisible())
    assert all(library.review_state(h) is None for h in ids)
    assert window.review.button.text() == "Review  2"


def test_nothing_to_review_shows_the_summary_at_once(qtbot, open_window, library: Library) -> None:
    window = open_window(library)
    view = open_review(qtbot, window)
    assert view.pages.currentIndex() == 1
    assert view.summary.text() == "Nothing to review today."


def test_settings_set_the_daily_count_and_new_highlights(qtbot, open_window, library: Library) -> None:
    highlighted(library, 5)
    window = open_window(library)
    view = open_review(qtbot, window)
    view.per_day.setValue(2)
    view.per_day.editingFinished.emit()
    assert library.review_settings().per_day == 2
    view.include_new.setChecked(False)
    assert library.review_settings().new_highlights is False
    qtbot.waitUntil(lambda: window.review.button.text() == "Review")
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not view.isVisible())
    qtbot.waitUntil(window.isActiveWindow)
    view = open_review(qtbot, window)
    assert view.items == [] and view.summary.text() == "Nothing to review today."


def test_deleting_a_highlight_lowers_the_count_and_undo_raises_it(qtbot, open_window, library: Library) -> None:
    ids = highlighted(library, 2)
    window = open_window(library)
    library.delete_highlight(ids[0])
    qtbot.waitUntil(lambda: window.review.button.text() == "Review  1")
    library.undo()
    qtbot.waitUntil(lambda: window.review.button.text() == "Review  2")


def test_when_says_due_times_as_a_person_would() -> None:
    now = datetime.fromisoformat("2026-03-02T09:00:00+01:00")
    assert when(now + timedelta(minutes=10), now) == "in 10 minutes"
    assert when(now + timedelta(hours=3), now) == "today at 12:00"
    assert when(now + timedelta(days=1), now) == "tomorrow"
    assert when(now + timedelta(days=3), now) == "on Thursday 5 March"


def test_ctrl_z_in_the_window_brings_a_discarded_highlight_back(qtbot, open_window, library: Library) -> None:
    (hid,) = highlighted(library, 1)
    window = open_window(library)
    view = open_review(qtbot, window)
    qtbot.keyClick(view, Qt.Key.Key_D)
    assert library.review_state(hid).discarded
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not view.isVisible())
    qtbot.waitUntil(lambda: window.review.button.text() == "Review")
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.review.button.text() == "Review  1")
    assert library.review_state(hid) is None
