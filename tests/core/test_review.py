"""Daily review against a real library: FSRS scheduling, today's list, the draw, and the
review state's life with its highlight (restart, export and import, deletion and undo).

"Now" is passed explicitly (the CLI takes it from READER_NOW; see tests/test_cli_review.py),
stepping over days as a user would over weeks.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from reader.core.document import Block, Document
from reader.core.errors import HighlightNotFound, InvalidInput
from reader.core.exporters.json_export import export_json, restore_records
from reader.core.importers import ImportedArticle
from reader.core.library import Library
from reader.core.review import ReviewState, now_from_env

DAY0 = datetime.fromisoformat("2026-03-02T09:00:00+01:00")


def at(days: float = 0, minutes: float = 0) -> datetime:
    return DAY0 + timedelta(days=days, minutes=minutes)


@pytest.fixture
def lib(reader_home: Path):
    library = Library(reader_home, search=False)
    closed: list[bool] = []
    real_close = library.close

    def close() -> None:  # the restart tests close it themselves
        closed.append(True)
        real_close()

    library.close = close  # type: ignore[method-assign]
    yield library
    if not closed:
        real_close()


def add_article(lib: Library, title: str, highlights: int) -> list[int]:
    """An article of ``highlights`` sentences, each one highlighted; returns the highlight ids."""
    blocks = tuple(Block("paragraph", f"{title} sentence number {i:04d} to remember.") for i in range(highlights))
    article_id = lib.add_imported(ImportedArticle(title=title, document=Document(blocks), format="text")).article_id
    text = lib.get(article_id).text
    ids = []
    for i in range(highlights):
        start = text.index(f"number {i:04d}")
        ids.append(lib.add_highlight(article_id, start, start + 11, note=f"note {i}", tags=["memo"]).id)
    return ids


def ids_of(items: list) -> list[int]:
    return [item.highlight_id for item in items]


# -- FSRS scheduling ------------------------------------------------------------------------
def test_a_single_good_on_a_new_highlight_is_due_within_minutes_and_good_after_that_step_days_later(lib: Library) -> None:
    (hid,) = add_article(lib, "Steps", 1)
    first = lib.rate(hid, "good", at())
    assert first.state == "learning"
    assert timedelta(0) < first.due - at() <= timedelta(minutes=10)
    second = lib.rate(hid, "good", first.due)
    assert second.state == "review"
    assert second.due - first.due >= timedelta(days=1)


def test_again_is_sooner_than_hard_sooner_than_good_sooner_than_easy(lib: Library) -> None:
    ids = add_article(lib, "Ratings", 4)
    dues = {rating: lib.rate(hid, rating, at()).due for hid, rating in zip(ids, ("again", "hard", "good", "easy"))}
    assert dues["again"] < dues["hard"] < dues["good"] < dues["easy"]
    assert dues["easy"] - at() >= timedelta(days=1)  # easy skips the learning steps


def test_after_graduating_again_is_sooner_than_good_sooner_than_easy(lib: Library) -> None:
    ids = add_article(lib, "Graduated", 3)
    for hid in ids:
        lib.rate(hid, "good", at())
        lib.rate(hid, "good", at(minutes=10))  # now in review, due in days
    day = at(days=3)
    dues = [lib.rate(hid, rating, day).due for hid, rating in zip(ids, ("again", "good", "easy"))]
    assert dues[0] < dues[1] < dues[2]
    assert dues[0] - day <= timedelta(minutes=10)  # a lapse relearns within minutes
    assert lib.review_state(ids[0]).state == "relearning"


def test_an_unknown_rating_or_highlight_changes_nothing(lib: Library) -> None:
    (hid,) = add_article(lib, "Errors", 1)
    with pytest.raises(InvalidInput, match="'meh' is not a rating"):
        lib.rate(hid, "meh", at())
    with pytest.raises(HighlightNotFound):
        lib.rate(hid + 1, "good", at())
    with pytest.raises(InvalidInput, match="not a highlight id"):
        lib.rate("x", "good", at())  # type: ignore[arg-type]
    assert lib.review_state(hid) is None
    assert ids_of(lib.review_today(5, at())) == [hid]


# -- today's list -----------------------------------------------------------------------------
def test_the_same_day_gives_the_same_list_and_a_rating_only_takes_that_one_out(lib: Library) -> None:
    add_article(lib, "Same", 30)
    morning = lib.review_today(10, at())
    assert ids_of(lib.review_today(10, at(minutes=600))) == ids_of(morning)  # later that day: same list
    assert all(item.state == "new" and item.due is None for item in morning)
    lib.rate(morning[0].highlight_id, "easy", at(minutes=1))
    after = ids_of(lib.review_today(10, at(minutes=2)))
    assert after == ids_of(morning)[1:]  # the rest keep their order; the day's new quota is used by one
    assert ids_of(lib.review_today(10, at(days=1))) != ids_of(morning)[1:]  # another day, another draw


def test_due_highlights_come_first_most_overdue_first_then_new_ones(lib: Library) -> None:
    early, late, *others = add_article(lib, "Due", 12)
    lib.rate(early, "good", at())
    lib.rate(early, "good", at(minutes=10))  # due in a few days
    lib.rate(late, "easy", at())  # due in more days
    assert lib.review_state(early).due < lib.review_state(late).due
    items = lib.review_today(5, at(days=30))
    assert ids_of(items)[:2] == [early, late]
    assert [item.state for item in items] == ["review", "review", "new", "new", "new"]
    assert items[0].due is not None and items[0].due < items[1].due
    assert set(ids_of(items)[2:]) <= set(others)


def test_a_review_highlight_is_due_on_its_day_and_a_learning_one_at_its_minute(lib: Library) -> None:
    learning, review = add_article(lib, "When", 2)
    lib.set_review_settings(new_highlights=False)  # only what is in review shows
    step = lib.rate(learning, "good", at())  # due in ten minutes
    lib.rate(review, "easy", at())
    due_day = lib.review_state(review).due
    assert ids_of(lib.review_today(10, at(minutes=5))) == []
    assert ids_of(lib.review_today(10, step.due)) == [learning]
    due = datetime.fromisoformat(due_day).astimezone(DAY0.tzinfo)
    morning = due.replace(hour=0, minute=1)  # the due day, before the hour of the rating
    assert morning < due
    assert review not in ids_of(lib.review_today(10, morning - timedelta(days=1)))
    assert review in ids_of(lib.review_today(10, morning))


def test_at_most_count_new_highlights_enter_review_a_day(lib: Library) -> None:
    add_article(lib, "Quota", 20)
    for item in lib.review_today(4, at()):
        lib.rate(item.highlight_id, "easy", at(minutes=1))
    assert lib.review_today(4, at(minutes=2)) == []
    assert len(lib.review_today(4, at(days=1))) == 4  # tomorrow four more


def test_settings_set_the_daily_count_and_whether_new_highlights_enter(lib: Library, reader_home: Path) -> None:
    add_article(lib, "Settings", 20)
    assert lib.review_settings().per_day == 10
    assert len(lib.review_today(None, at())) == 10
    lib.set_review_settings(per_day=3)
    assert len(lib.review_today(None, at())) == 3
    lib.set_review_settings(new_highlights=False)
    assert lib.review_today(None, at()) == []
    with pytest.raises(InvalidInput):
        lib.set_review_settings(per_day=0)
    lib.close()
    with Library(reader_home, search=False) as again:
        assert (again.review_settings().per_day, again.review_settings().new_highlights) == (3, False)


def test_an_item_shows_quote_note_tags_and_the_articles_title(lib: Library) -> None:
    (hid,) = add_article(lib, "Shown", 1)
    (item,) = lib.review_today(1, at())
    assert (item.highlight_id, item.title, item.quote, item.note, item.tags) == (hid, "Shown", "number 0000", "note 0", ("memo",))
    assert item.to_json()["state"] == "new" and item.to_json()["due"] is None


# -- the draw is uniform over highlights --------------------------------------------------------
def test_new_highlights_are_drawn_uniformly_so_articles_come_up_in_proportion_to_their_highlights(lib: Library) -> None:
    """200 days of 10 new highlights from articles holding 10, 30 and 60 of 100 highlights.

    Tolerance: each article's share of the 2,000 draws is within 0.035 of its share of the
    highlights (about 3.5 binomial standard deviations for 0.6, n=2000; the draw is a
    hash of the date, so the test is deterministic and cannot flake). Each highlight comes
    up about 20 times: a chi-square over the 100 of them stays under 150 (df 99, p < 0.001).
    """
    articles = {"Small": add_article(lib, "Small", 10), "Middle": add_article(lib, "Middle", 30),
                "Large": add_article(lib, "Large", 60)}
    owner = {hid: name for name, ids in articles.items() for hid in ids}
    per_article: Counter[str] = Counter()
    per_highlight: Counter[int] = Counter()
    days = 200
    for day in range(days):
        drawn = ids_of(lib.review_today(10, at(days=day)))
        assert len(drawn) == len(set(drawn)) == 10  # without replacement
        per_highlight.update(drawn)
        per_article.update(owner[h] for h in drawn)
    total = days * 10
    for name, share in (("Small", 0.1), ("Middle", 0.3), ("Large", 0.6)):
        assert abs(per_article[name] / total - share) <= 0.035, (name, per_article[name])
    expected = total / 100
    chi_square = sum((per_highlight[h] - expected) ** 2 / expected for h in owner)
    assert chi_square < 150, chi_square
    assert len(per_highlight) == 100  # every highlight came up


# -- discard ------------------------------------------------------------------------------------
def test_a_discarded_highlight_leaves_review_for_good_but_stays_a_highlight(lib: Library) -> None:
    first, second = add_article(lib, "Discard", 2)
    lib.rate(first, "good", at())
    lib.discard(first)
    lib.discard(second)  # never rated: discarded all the same
    for day in (0, 1, 10, 100):
        assert lib.review_today(10, at(days=day)) == []
    with pytest.raises(InvalidInput, match="discarded"):
        lib.rate(first, "good", at(days=1))
    assert lib.get_highlight(first).exact == "number 0000"
    assert lib.review_state(first).discarded


def test_undo_puts_a_discarded_highlight_back_as_it_was(lib: Library) -> None:
    (hid,) = add_article(lib, "Undo discard", 1)
    lib.discard(hid)
    assert lib.can_undo() == "discard from review"
    lib.undo()
    assert lib.review_state(hid) is None
    assert ids_of(lib.review_today(1, at())) == [hid]


# -- the review state lives in the library ---------------------------------------------------------
def test_review_state_survives_a_restart(lib: Library, reader_home: Path) -> None:
    ids = add_article(lib, "Restart", 5)
    lib.rate(ids[0], "good", at())
    lib.rate(ids[1], "easy", at())
    lib.discard(ids[2])
    before = {hid: lib.review_state(hid) for hid in ids}
    today = ids_of(lib.review_today(10, at(minutes=20)))
    lib.close()
    with Library(reader_home, search=False) as again:
        assert {hid: again.review_state(hid) for hid in ids} == before
        assert ids_of(again.review_today(10, at(minutes=20))) == today


def test_export_carries_review_state_and_import_library_brings_it_back(lib: Library, tmp_path: Path) -> None:
    ids = add_article(lib, "Exported", 4)
    lib.rate(ids[0], "good", at())  # learning, step 1
    lib.rate(ids[1], "good", at())
    lib.rate(ids[1], "good", at(minutes=10))  # review
    lib.discard(ids[2])
    exported = export_json(lib)
    highlights = {h["id"]: h for h in json.loads(exported)["articles"][0]["highlights"]}
    assert highlights[ids[3]]["review"] is None
    review = highlights[ids[1]]["review"]
    assert {"state", "due", "stability", "difficulty", "last_review", "discarded"} <= set(review)
    assert review["state"] == "review" and review["discarded"] is False
    assert datetime.fromisoformat(review["due"]).utcoffset() is not None
    assert highlights[ids[2]]["review"]["discarded"] is True
    assert highlights[ids[0]]["review"]["state"] == "learning"

    other = tmp_path / "other-home"
    with Library(other, search=False) as restored:
        restore_records(restored, json.loads(exported))
        for hid in ids[:3]:
            mine, theirs = lib.review_state(hid), restored.review_state(hid)
            assert theirs is not None and theirs.to_json() == mine.to_json()
        assert restored.review_state(ids[3]) is None
        assert export_json(restored) == exported
        later = at(days=40)
        assert ids_of(restored.review_today(10, later)) == ids_of(lib.review_today(10, later))
        # the learning step resumes where it was: a good after it graduates
        assert restored.rate(ids[0], "good", at(minutes=10)).state == "review"


def test_a_malformed_review_in_an_export_restores_nothing(lib: Library, tmp_path: Path) -> None:
    from reader.core.errors import ImportFailed

    ids = add_article(lib, "Bad review", 1)
    lib.rate(ids[0], "good", at())
    records = json.loads(export_json(lib))
    records["articles"][0]["highlights"][0]["review"]["state"] = "forgotten"
    with Library(tmp_path / "other", search=False) as restored:
        with pytest.raises(ImportFailed, match="review state"):
            restore_records(restored, records)
        assert restored.count() == 0


def test_deleting_a_highlight_takes_it_out_of_review_and_undo_brings_its_state_back(lib: Library) -> None:
    rated, new = add_article(lib, "Delete highlight", 2)
    lib.rate(rated, "easy", at())
    state = lib.review_state(rated)
    lib.delete_highlight(rated)
    lib.delete_highlight(new)
    assert lib.review_state(rated) is None
    assert lib.review_today(10, at(days=60)) == []
    lib.undo()
    assert ids_of(lib.review_today(10, at(days=60))) == [new]
    lib.undo()
    assert lib.review_state(rated) == state
    assert ids_of(lib.review_today(10, at(days=60))) == [rated, new]


def test_deleting_an_article_takes_its_highlights_out_of_review_and_undo_brings_them_back(lib: Library) -> None:
    kept = add_article(lib, "Kept", 2)
    gone = add_article(lib, "Gone", 3)
    lib.rate(gone[0], "easy", at())
    article_id = lib.get_highlight(gone[0]).article_id
    lib.delete(article_id)
    assert set(ids_of(lib.review_today(10, at(days=60)))) == set(kept)
    with pytest.raises(HighlightNotFound):
        lib.rate(gone[1], "good", at(days=60))
    lib.undo()
    back = ids_of(lib.review_today(10, at(days=60)))
    assert back[0] == gone[0] and set(back) == set(kept) | set(gone)


def test_purging_a_deleted_article_drops_its_review_rows(lib: Library, reader_home: Path) -> None:
    (hid,) = add_article(lib, "Purged", 1)
    lib.rate(hid, "good", at())
    lib.delete(lib.get_highlight(hid).article_id)
    assert hid in lib.reviews.states([hid])  # kept while the delete can be undone
    lib.close()
    with Library(reader_home, search=False) as again:  # the next start purges deleted articles
        assert again.reviews.states([hid]) == {}


# -- "now" ------------------------------------------------------------------------------------------
def test_reader_now_sets_now_and_its_offset_sets_the_day() -> None:
    assert now_from_env({"READER_NOW": "2026-03-01T23:30:00+01:00"}).date().isoformat() == "2026-03-01"
    assert now_from_env({"READER_NOW": "2026-03-01T08:00:00Z"}).utcoffset() == timedelta(0)
    assert now_from_env({"READER_NOW": "2026-03-01T08:00:00"}).tzinfo is not None  # naive: local time
    assert abs(now_from_env({}) - datetime.now().astimezone()) < timedelta(seconds=5)
    with pytest.raises(InvalidInput, match="READER_NOW 'soon'"):
        now_from_env({"READER_NOW": "soon"})


def test_review_state_json_round_trips_and_rejects_nonsense() -> None:
    state = ReviewState(7, "review", None, 3.2, 5.1, "2026-03-04T08:00:00+00:00", "2026-03-01T08:00:00+00:00")
    back = ReviewState.from_json(7, json.loads(json.dumps(state.to_json())))
    assert back == state
    with pytest.raises(ValueError, match="no time zone"):
        ReviewState.from_json(7, {**state.to_json(), "due": "2026-03-04T08:00:00"})
    with pytest.raises(ValueError, match="needs a due time"):
        ReviewState.from_json(7, {**state.to_json(), "due": None})
