"""``Library.batch()``: one transaction, one notification, progress, and cancel that keeps nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.batch import Cancelled
from reader.core.document import Document
from reader.core.errors import InvalidInput
from reader.core.importers import ImportedArticle
from reader.core.library import Library
from reader.core.models import Changes
from tests.conftest import highlight_count


@pytest.fixture
def lib(reader_home: Path):
    library = Library(reader_home, search=False)
    yield library
    library.close()


def article(title: str) -> ImportedArticle:
    return ImportedArticle(title=title, document=Document.from_paragraphs([f"The text of {title}."]), format="text")


def test_many_writes_are_told_once_when_they_commit(lib: Library) -> None:
    seen: list[Changes] = []
    lib.subscribe(seen.append)
    with lib.batch() as batch:
        aid = batch.store_imported(article("First"), ["Batch"]).article_id
        hid = batch.add_highlight(aid, start=4, end=8, exact="text", tags=["quoted"])
        batch.add_note(aid, "a note")
        lib.tag(aid, "also")  # Library's own methods inside a batch wait for it too
        assert seen == []
    assert len(seen) == 1
    (changes,) = seen
    assert changes.added == {aid} and changes.highlights == {hid} and changes.notes and changes.tags
    assert lib.article_tags(aid) == ("also", "Batch")
    assert [h.exact for h in lib.highlights(aid)] == ["text"]


def test_progress_is_reported_and_cancel_keeps_nothing(lib: Library) -> None:
    reported: list[tuple[int, int, str]] = []
    seen: list[Changes] = []
    lib.subscribe(seen.append)
    with pytest.raises(Cancelled, match=r"^Stopped; nothing was imported\.$"):
        with lib.batch(
            progress=lambda *args: reported.append(args),
            cancel=lambda: len(reported) >= 2,
            cancelled="Stopped; nothing was imported.",
        ) as batch:
            for i in range(5):
                batch.advance(i, 5, f"article {i}")
                batch.store_imported(article(f"Article {i}"))
    assert reported == [(0, 5, "article 0"), (1, 5, "article 1")]
    assert lib.count() == 0 and seen == []


def test_an_error_rolls_all_of_it_back(lib: Library) -> None:
    with pytest.raises(InvalidInput, match="not a highlight colour"):
        with lib.batch() as batch:
            aid = batch.store_imported(article("Kept?")).article_id
            batch.add_highlight(aid, start=4, end=8, exact="text", color="ultraviolet")
    assert lib.count() == 0 and highlight_count(lib) == 0


def test_a_batch_stamps_what_it_changed_for_search(lib: Library) -> None:
    aid = lib.add_imported(article("Old")).article_id
    before = lib.change_seq()
    with lib.batch() as batch:
        batch.add_note(aid, "one")
        batch.add_note(aid, "two")
    assert lib.change_seq() > before


def test_batches_do_not_nest(lib: Library) -> None:
    with lib.batch():
        with pytest.raises(RuntimeError, match="does not nest"):
            with lib.batch():
                pass
