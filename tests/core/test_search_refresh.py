"""The searcher swapped after each commit: readers are never closed twice, so deleting the
last article (every segment dropped) and a failing reopen leave search working."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.document import Document
from reader.core.importers import ImportedArticle
from reader.core.library import Library


def add(lib: Library, title: str, text: str) -> int:
    imported = ImportedArticle(title=title, document=Document.from_paragraphs([text]), format="text")
    return lib.add_imported(imported).article_id


def test_deleting_the_only_article_then_adding_another_keeps_search_working(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Regression (kill -9 test, seed 317573026): with every segment dropped, the refresh
    # closed the reused reader and then the old searcher again -> "Reader already closed",
    # and every later catch-up and reindex failed the same way.
    with Library(tmp_path / "home") as lib:
        first = add(lib, "Only article", "A lonely zebraq grazes.")
        assert [r.article_id for r in lib.search("zebraq")] == [first]
        lib.delete(first)
        assert list(lib.search("zebraq")) == []
        second = add(lib, "Next article", "A giraffeq arrives.")
        assert [r.article_id for r in lib.search("giraffeq")] == [second]
        assert lib.index_catch_up() == 0
        # Nothing failed on the way and nothing was rebuilt to hide a failure.
        assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == []
        assert lib.reindex() == 1
        assert [r.article_id for r in lib.search("giraffeq")] == [second]


def test_a_reopen_that_fails_half_way_leaves_the_current_searcher_usable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from whoosh import reading

    with Library(tmp_path / "home") as lib:
        ids = [add(lib, f"Article {i}", f"Word number{i}q and the shared wordq.") for i in range(3)]
        assert len(lib.search("wordq")) == 3
        real = reading.SegmentReader.__init__

        def failing(self, *args, **kwargs):  # the new segment's files vanish mid-reopen
            raise OSError("segment file gone")

        monkeypatch.setattr(reading.SegmentReader, "__init__", failing)
        ids.append(add(lib, "Article 3", "One more wordq."))  # committed; the reopen fails
        monkeypatch.setattr(reading.SegmentReader, "__init__", real)
        # The searcher it kept still reads its segments, and the next search sees the commit.
        assert sorted(r.article_id for r in lib.search("wordq")) == ids
        assert lib.index.repaired == "missing"  # built at the start, never rebuilt since
