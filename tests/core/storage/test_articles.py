"""Article rows: column names are ours only, the reading position stays inside new text."""

from __future__ import annotations

import pytest

from reader.core.storage import Storage, articles
from tests.core.storage.conftest import ROW


def test_only_known_columns_reach_the_sql(store: Storage) -> None:
    with pytest.raises(ValueError, match="not article columns: title; DROP TABLE articles"):
        with store.transaction() as conn:
            articles.insert(conn, {**ROW, "title; DROP TABLE articles": 1})


def test_every_write_stamps_the_article_with_its_transactions_number(store: Storage) -> None:
    with store.transaction() as conn:
        aid = articles.insert(conn, ROW)
    first = store.current_seq()
    with store.transaction() as conn:
        articles.update_content(conn, aid, {"text": "short", "word_count": 1})
    second = store.current_seq()
    with store.transaction() as conn:
        articles.soft_delete(conn, aid, "2024-02-01T00:00:00+00:00")
    assert 0 < first < second < store.current_seq()
    assert store.changed_since(second) == [(aid, store.current_seq())]


def test_new_text_keeps_the_reading_position_inside_it(store: Storage) -> None:
    with store.transaction() as conn:
        aid = articles.insert(conn, {**ROW, "reading_position": 15})
        articles.update_content(conn, aid, {"text": "short", "word_count": 1})
        assert articles.get_row(conn, aid)["reading_position"] == 5


def test_reading_state_is_not_a_change_search_sees(store: Storage) -> None:
    with store.transaction() as conn:
        aid = articles.insert(conn, ROW)
    seq = store.current_seq()
    with store.transaction() as conn:
        articles.set_reading(conn, aid, state="reading", position=3)
    assert store.current_seq() == seq and store.changed_since(seq) == []


def test_undelete_unlinks_a_source_added_again_meanwhile(store: Storage) -> None:
    with store.transaction() as conn:
        old = articles.insert(conn, {**ROW, "source_key": "/a.txt"})
        articles.soft_delete(conn, old, "2024-02-01T00:00:00+00:00")
        new = articles.insert(conn, {**ROW, "source_key": "/a.txt"})
        assert articles.undelete(conn, old)
        assert articles.source_key(conn, old) is None and articles.source_key(conn, new) == "/a.txt"
        assert not articles.undelete(conn, 999)


def test_whether_an_article_is_live_is_asked_of_an_index_not_its_row(store: Storage) -> None:
    """Issue 14: adding a note or tag checks the article first; reading the row's deleted_at
    walked the whole text and document of a 300-page PDF to get there."""
    with store.transaction() as conn:
        live, gone = articles.insert(conn, ROW), articles.insert(conn, ROW)
        articles.soft_delete(conn, gone, "2024-02-01T00:00:00+00:00")
    asked: list[str] = []
    store.conn.set_trace_callback(asked.append)
    try:
        with store.read() as conn:
            assert [articles.is_live(conn, i) for i in (live, gone, gone + 1)] == [True, False, False]
    finally:
        store.conn.set_trace_callback(None)
    with store.read() as conn:
        plan = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + asked[0])]
    assert plan == ["SEARCH articles USING COVERING INDEX articles_deleted (deleted_at=? AND rowid=?)"]
