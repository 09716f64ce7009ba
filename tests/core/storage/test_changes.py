"""The change counter search follows: one number per transaction, published at commit, and
kept by triggers so that no writer can forget to stamp the article it changed."""

from __future__ import annotations

import pytest

from reader.core.storage import Storage, articles, changes, highlights, notes, tags
from tests.core.storage.conftest import ROW


@pytest.fixture
def two(store: Storage) -> tuple[int, int]:
    with store.transaction() as conn:
        return articles.insert(conn, ROW), articles.insert(conn, ROW)


def stamped_by(store: Storage, write) -> list[int]:
    """The articles a transaction running ``write(conn)`` stamped for search."""
    before = store.current_seq()
    with store.transaction() as conn:
        write(conn)
    assert store.current_seq() in (before, before + 1)  # one number for the whole transaction
    return sorted(aid for aid, _ in store.changed_since(before))


def test_a_transaction_gets_one_number_however_much_it_writes(store: Storage) -> None:
    before = store.current_seq()
    with store.transaction() as conn:
        ids = [articles.insert(conn, ROW) for _ in range(3)]
        notes.insert(conn, ids[0], "n", "t", "t")
    assert store.current_seq() == before + 1
    assert store.changed_since(before) == [(i, before + 1) for i in ids]


def test_a_transaction_that_changes_nothing_search_sees_takes_no_number(store: Storage, two) -> None:
    before = store.current_seq()
    with store.transaction() as conn:
        articles.set_reading(conn, two[0], state="done", position=3)
    assert store.current_seq() == before and store.changed_since(before) == []


def test_plain_sql_on_notes_highlights_and_tags_stamps_the_article(store: Storage, two) -> None:
    """The triggers: whatever writes the row (even SQL that forgot), the index hears of it."""
    a, b = two
    assert stamped_by(store, lambda c: c.execute(
        "INSERT INTO notes (article_id, body, created, updated) VALUES (?, 'x', 't', 't')", (a,))) == [a]
    assert stamped_by(store, lambda c: c.execute("UPDATE notes SET body = 'y'")) == [a]
    assert stamped_by(store, lambda c: c.execute("DELETE FROM notes")) == [a]
    hid = None

    def add_highlight(conn):
        nonlocal hid
        hid = highlights.insert(conn, b, 0, 1, "a", "", " long", color="yellow", note="", created="t", updated="t")

    assert stamped_by(store, add_highlight) == [b]
    assert stamped_by(store, lambda c: c.execute("UPDATE highlights SET note = 'why'")) == [b]
    assert stamped_by(store, lambda c: c.execute("UPDATE highlights SET color = 'green'")) == []  # not searched
    assert stamped_by(store, lambda c: tags.tag_highlight(c, hid, ["quoted"])) == [b]
    assert stamped_by(store, lambda c: tags.tag_article(c, a, ["war"])) == [a]
    assert stamped_by(store, lambda c: c.execute("UPDATE tags SET name = 'Quoted' WHERE key = 'quoted'")) == [b]
    assert stamped_by(store, lambda c: highlights.delete(c, hid)) == [b]
    assert stamped_by(store, lambda c: c.execute("UPDATE articles SET added = '2020-01-01' WHERE id = ?", (a,))) == [a]


def test_merging_tags_stamps_the_articles_whose_tags_changed(store: Storage, two) -> None:
    a, b = two
    with store.transaction() as conn:
        tags.tag_article(conn, a, ["war"])
        tags.tag_article(conn, b, ["conflict"])
    assert stamped_by(store, lambda c: tags.rename(c, "war", "conflict")) == [a]  # b's tags read the same


def test_deleting_a_tag_stamps_the_articles_that_carried_it(store: Storage, two) -> None:
    """Rows removed by ON DELETE CASCADE fire the triggers too."""
    a, b = two
    with store.transaction() as conn:
        tags.tag_article(conn, a, ["war"])
        tags.tag_article(conn, b, ["war"])
    assert stamped_by(store, lambda c: c.execute("DELETE FROM tags WHERE key = 'war'")) == [a, b]


def test_a_rolled_back_transaction_publishes_nothing(store: Storage, two) -> None:
    before = store.current_seq()
    with pytest.raises(RuntimeError):
        with store.transaction() as conn:
            notes.insert(conn, two[0], "gone", "t", "t")
            raise RuntimeError("stop")
    assert store.current_seq() == before and store.changed_since(before) == []


def test_purged_articles_leave_a_tombstone_with_the_next_number(store: Storage, two) -> None:
    with store.transaction() as conn:
        articles.soft_delete(conn, two[0], "2024-02-01T00:00:00+00:00")
    before = store.current_seq()
    with store.transaction() as conn:
        changes.purge_soft_deleted(conn)
    assert store.current_seq() == before + 1
    assert store.changed_since(before) == [(two[0], before + 1)]


def wal_pages_written(store: Storage, write) -> int:
    """Pages a transaction running ``write(conn)`` wrote (frames in an emptied WAL)."""
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with store.transaction() as conn:
        write(conn)
    return store.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]


def test_stamping_a_huge_article_does_not_rewrite_its_row(store: Storage) -> None:
    """Issue 14: a highlight on a 300-page PDF rewrote its 4 MB row (text and document)
    to stamp the change; the stamp lives beside the row now, so it costs a few pages."""
    text = "word " * 400_000  # 2 MB: about 500 pages of the database
    with store.transaction() as conn:
        huge = articles.insert(conn, {**ROW, "text": text, "document": '{"blocks": []}' + " " * len(text)})
        small = articles.insert(conn, ROW)
    store.conn.execute(
        "CREATE TEMP TRIGGER article_row_written AFTER UPDATE ON main.articles"
        " BEGIN SELECT RAISE(ABORT, 'the article row was rewritten'); END"
    )
    hid = None

    def add_highlight(conn):
        nonlocal hid
        hid = highlights.insert(conn, huge, 0, 4, "word", "", " word", color="yellow", note="", created="t",
                                updated="t")

    writes = {
        "highlight": add_highlight,
        "note": lambda c: notes.insert(c, huge, "a note", "t", "t"),
        "article tag": lambda c: tags.tag_article(c, huge, ["long"]),
        "highlight tag": lambda c: tags.tag_highlight(c, hid, ["quoted"]),
        "highlight note": lambda c: c.execute("UPDATE highlights SET note = 'why' WHERE id = ?", (hid,)),
        "tag renamed": lambda c: c.execute("UPDATE tags SET name = 'Long' WHERE key = 'long'"),
    }
    for what, write in writes.items():
        before = store.current_seq()
        pages = wal_pages_written(store, write)
        assert pages < 20, f"stamping the {what} wrote {pages} pages"
        assert store.changed_since(before) == [(huge, before + 1)], what
    with store.read() as conn:  # the row itself is as it was stored
        assert articles.get_row(conn, huge)["text"] == text
    small_pages = wal_pages_written(store, lambda c: notes.insert(c, small, "a note", "t", "t"))
    assert wal_pages_written(store, lambda c: notes.insert(c, huge, "another", "t", "t")) <= small_pages + 2


def test_purging_an_article_takes_its_stamp_and_leaves_the_tombstone(store: Storage, two) -> None:
    with store.transaction() as conn:
        highlights.insert(conn, two[0], 0, 1, "a", "", " long", color="yellow", note="", created="t", updated="t")
        notes.insert(conn, two[0], "n", "t", "t")
        tags.tag_article(conn, two[0], ["war"])
        articles.soft_delete(conn, two[0], "2024-02-01T00:00:00+00:00")
    with store.transaction() as conn:
        changes.purge_soft_deleted(conn)
    seq = store.current_seq()
    assert [aid for aid, _ in store.changed_since(0)] == [two[1], two[0]]  # the live one, then the tombstone
    assert store.changed_since(0)[1] == (two[0], seq)  # the cascade to its highlights stamped nothing back


def test_changed_since_is_one_indexed_query(store: Storage) -> None:
    """What the index asks at every catch-up must not scan 100,000 articles."""
    with store.transaction() as conn:
        for _ in range(50):
            articles.insert(conn, ROW)
    asked: list[str] = []
    store.conn.set_trace_callback(asked.append)
    try:
        store.changed_since(7)
    finally:
        store.conn.set_trace_callback(None)
    (sql,) = asked
    with store.read() as conn:
        plan = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql)]
    assert any("article_changes USING COVERING INDEX article_changes_seq" in step for step in plan), plan
    assert not any(step.startswith("SCAN") for step in plan), plan
