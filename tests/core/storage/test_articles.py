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
