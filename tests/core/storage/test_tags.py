"""Tags: case-insensitive, shared, dropped when nothing carries them, renamed or merged."""

from __future__ import annotations

from reader.core.storage import Storage, articles, highlights, tags
from tests.core.storage.conftest import ROW


def test_one_tag_whatever_the_case(store: Storage) -> None:
    with store.transaction() as conn:
        aid = articles.insert(conn, ROW)
        tags.tag_article(conn, aid, ["History", "history", "HISTORY"])
        assert tags.of_article(conn, aid) == ("History",)
        assert tags.all_with_counts(conn) == [("History", 1)]


def test_a_tag_nothing_carries_is_dropped(store: Storage) -> None:
    with store.transaction() as conn:
        aid = articles.insert(conn, ROW)
        hid = highlights.insert(conn, aid, 0, 4, "a lo", "", "ng", color="yellow", note="", created="t", updated="t",
                                tags=["kept", "gone"])
        tags.set_highlight_tags(conn, hid, ["kept"])
        assert tags.all_with_counts(conn) == [("kept", 1)]


def test_renaming_onto_an_existing_tag_merges_and_names_the_articles(store: Storage) -> None:
    with store.transaction() as conn:
        a = articles.insert(conn, ROW)
        b = articles.insert(conn, ROW)
        tags.tag_article(conn, a, ["war"])
        tags.tag_article(conn, b, ["War zone"])
        assert tags.rename(conn, "war", "war zone") == {a}
        assert tags.all_with_counts(conn) == [("War zone", 2)]
        assert tags.rename(conn, "nothing", "x") is None
