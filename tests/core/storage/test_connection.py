"""The connection: transactions all-or-nothing, and failures told apart (the database's
fault becomes a StorageError about the library; a refused constraint a ConstraintError)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reader.core.errors import DataDirError, StorageError
from reader.core.storage import SCHEMA_VERSION, ConstraintError, Storage, articles, notes


def one_article(store: Storage) -> int:
    with store.transaction() as conn:
        return articles.insert(conn, {
            "title": "T", "format": "text", "added": "2024-01-01T00:00:00+00:00",
            "updated": "2024-01-01T00:00:00+00:00", "content_hash": "h", "document": '{"blocks": []}',
            "text": "some text", "word_count": 2,
        })


def test_a_new_database_is_at_the_current_schema_with_wal_and_foreign_keys(store: Storage) -> None:
    assert store.version == SCHEMA_VERSION
    assert store.query_one("PRAGMA journal_mode")[0] == "wal"
    assert store.query_one("PRAGMA foreign_keys")[0] == 1


def test_a_duplicate_id_is_a_constraint_error_not_a_broken_library(store: Storage) -> None:
    aid = one_article(store)
    with pytest.raises(ConstraintError, match="UNIQUE constraint failed: notes.id") as err:
        with store.transaction() as conn:
            notes.insert(conn, aid, "first", "2024", "2024", note_id=7)
            notes.insert(conn, aid, "second", "2024", "2024", note_id=7)
    assert "could not be used" not in str(err.value)
    with store.read() as conn:
        assert notes.of_article(conn, aid) == []  # the first insert went with the failed transaction


def test_a_missing_parent_is_a_constraint_error(store: Storage) -> None:
    with pytest.raises(ConstraintError, match="FOREIGN KEY"):
        with store.transaction() as conn:
            notes.insert(conn, 12345, "orphan", "2024", "2024")


def test_an_operational_failure_is_one_sentence_about_the_library(store: Storage) -> None:
    one_article(store)
    store.conn.execute("PRAGMA query_only = ON")
    with pytest.raises(DataDirError, match=r"^The library at '.*' is read-only; nothing was changed\.$") as err:
        with store.transaction() as conn:
            conn.execute("DELETE FROM articles")
    assert not isinstance(err.value, ConstraintError)


def test_a_bug_in_our_sql_keeps_its_traceback(store: Storage) -> None:
    """A ProgrammingError is ours to fix, not a sentence for the user."""
    with pytest.raises(sqlite3.ProgrammingError):
        with store.transaction() as conn:
            conn.execute("SELECT ?", (1, 2))


def test_nested_transactions_join_the_outer_one(store: Storage) -> None:
    with pytest.raises(RuntimeError):
        with store.transaction():
            aid = one_article(store)  # a transaction of its own, nested: joins
            assert store.in_transaction
            raise RuntimeError("stop")
    with store.read() as conn:
        assert articles.get_row(conn, aid) is None
        assert articles.count(conn, with_deleted=True) == 0


def test_a_closed_storage_says_so(tmp_path: Path) -> None:
    s = Storage(tmp_path / "library.sqlite3")
    s.close()
    with pytest.raises(StorageError, match="is closed"):
        with s.transaction():
            pass
