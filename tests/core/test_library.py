"""The Library facade against a real SQLite database in a tmp READER_HOME."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reader.core.errors import (
    ArticleNotFound,
    HighlightNotFound,
    ImportFailed,
    InvalidInput,
    NothingToUndo,
    QuoteNotFound,
    ReaderError,
)
from reader.core.library import Library
from reader.core.models import Changes
from reader.core.storage import tags as tag_rows
from tests.conftest import raw_storage


@pytest.fixture
def lib(reader_home: Path):
    library = Library(reader_home, search=False)
    yield library
    library.close()


@pytest.fixture
def sample_id(lib: Library, sample_path: Path) -> int:
    return lib.add(sample_path).article_id


def test_sample_article_is_imported_with_title_date_and_headings(lib: Library, sample_path: Path) -> None:
    result = lib.add(sample_path)
    assert result.status == "added"
    article = lib.get(result.article_id)
    assert article.title == "Biden approves use of long-range missiles in Russian territory"
    assert article.published == "2024-11-17T15:26:00"
    headings = [b.text for b in article.document.blocks if b.kind == "heading"]
    assert headings == ["North Korean engagement", "International support"]
    assert "17 November 2024" not in article.text
    assert article.text.startswith("President Joe Biden has, for the first time")


def test_readding_the_same_file_updates_instead_of_duplicating(lib: Library, tmp_path: Path) -> None:
    path = tmp_path / "essay.txt"
    path.write_text("An essay\nFirst paragraph about reading slowly.\nSecond paragraph.\n", encoding="utf-8")
    first = lib.add(path)
    again = lib.add(path)
    assert again.article_id == first.article_id and again.status == "unchanged"
    path.write_text("An essay\nFirst paragraph about reading slowly.\nA new second paragraph.\n", encoding="utf-8")
    updated = lib.add(path)
    assert updated.article_id == first.article_id and updated.status == "updated"
    assert lib.count() == 1
    assert "A new second paragraph." in lib.get(first.article_id).text


def test_reimport_keeps_highlights_on_their_words(lib: Library, tmp_path: Path) -> None:
    path = tmp_path / "essay.txt"
    path.write_text("An essay\nThe quick brown fox jumps over the lazy dog.\nThe end.\n", encoding="utf-8")
    aid = lib.add(path).article_id
    h = lib.highlight_quote(aid, "lazy dog", note="canine")
    path.write_text("An essay\nIntro added here.\nThe quick brown fox jumps over the lazy dog.\nThe end.\n", encoding="utf-8")
    assert lib.add(path).status == "updated"
    moved = lib.get_highlight(h.id)
    text = lib.get(aid).text
    assert text[moved.start:moved.end] == "lazy dog"
    assert moved.note == "canine"


def test_reimport_without_the_quote_keeps_an_orphan(lib: Library, tmp_path: Path) -> None:
    path = tmp_path / "essay.txt"
    path.write_text("An essay\nThis sentence will be removed entirely soon.\nThe end stays.\n", encoding="utf-8")
    aid = lib.add(path).article_id
    h = lib.highlight_quote(aid, "removed entirely soon")
    path.write_text("An essay\nSomething quite different is written here now.\nThe end stays.\n", encoding="utf-8")
    result = lib.add(path)
    assert result.orphaned == 1
    orphan = lib.get_highlight(h.id)
    assert orphan.orphaned and orphan.exact == "removed entirely soon"


def test_bad_input_writes_nothing(lib: Library, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(ImportFailed, match="empty"):
        lib.add(empty)
    with pytest.raises(ImportFailed, match="does not exist"):
        lib.add(tmp_path / "missing.txt")
    with pytest.raises(ImportFailed, match="directory"):
        lib.add(tmp_path)
    assert lib.count() == 0


def test_add_many_imports_the_good_and_reports_the_bad(lib: Library, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Good title\nGood body text that is long enough.\n", encoding="utf-8")
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    seen: list[tuple[int, int]] = []
    results = lib.add_many([good, bad], tags=["batch"], progress=lambda d, t, n: seen.append((d, t)))
    assert results[0].title == "Good title"
    assert isinstance(results[1], ImportFailed) and "binary" in str(results[1])
    assert seen[-1] == (2, 2)
    assert [a.tags for a in lib.list_articles()] == [("batch",)]


def test_add_many_stops_when_cancelled(lib: Library, tmp_path: Path) -> None:
    paths = []
    for i in range(5):
        p = tmp_path / f"a{i}.txt"
        p.write_text(f"Title {i}\nBody of article number {i}.\n", encoding="utf-8")
        paths.append(p)
    calls = {"n": 0}

    def cancel() -> bool:
        calls["n"] += 1
        return calls["n"] > 2

    results = lib.add_many(paths, cancel=cancel)
    assert len(results) == 2
    assert lib.count() == 2


def test_highlight_quote_errors_are_one_clear_sentence(lib: Library, sample_id: int) -> None:
    with pytest.raises(QuoteNotFound, match="is not in article"):
        lib.highlight_quote(sample_id, "this phrase is nowhere")
    with pytest.raises(QuoteNotFound, match="times in article"):
        lib.highlight_quote(sample_id, "ATACMS")
    second = lib.highlight_quote(sample_id, "Kursk region", occurrence=2)
    text = lib.get(sample_id).text
    assert text[second.start:second.end] == "Kursk region" and second.start > text.index("Kursk region")
    with pytest.raises(QuoteNotFound, match="no occurrence 3"):
        lib.highlight_quote(sample_id, "Kursk region", occurrence=3)
    loose = lib.highlight_quote(sample_id, "joe   BIDEN")
    assert text[loose.start:loose.end] == "Joe Biden"
    with pytest.raises(InvalidInput, match="colour"):
        lib.highlight_quote(sample_id, "305 kilometres", color="ultraviolet")
    with pytest.raises(InvalidInput, match="not inside"):
        lib.add_highlight(sample_id, 10, 10_000_000)
    with pytest.raises(ArticleNotFound):
        lib.highlight_quote(999, "x")


def test_highlights_with_notes_and_tags(lib: Library, sample_id: int) -> None:
    h = lib.highlight_quote(sample_id, "305 kilometres", color="green", note="Range matters", tags=["Weapons"])
    text = lib.get(sample_id).text
    assert text[h.start:h.end] == "305 kilometres"
    assert h.prefix and text[h.start - len(h.prefix):h.start] == h.prefix
    assert (h.color, h.note, h.tags) == ("green", "Range matters", ("Weapons",))
    h2 = lib.update_highlight(h.id, color="#ff8800", note="Edited", tags=["weapons", "range"])
    assert (h2.color, h2.note, h2.tags) == ("#ff8800", "Edited", ("range", "Weapons"))
    assert [x.id for x in lib.highlights(sample_id)] == [h.id]


def test_delete_highlight_and_undo_restores_it_exactly(lib: Library, sample_id: int) -> None:
    h = lib.highlight_quote(sample_id, "Kursk region in western Russia", note="where", tags=["geo"])
    lib.delete_highlight(h.id)
    with pytest.raises(HighlightNotFound):
        lib.get_highlight(h.id)
    assert lib.can_undo() == "delete highlight"
    lib.undo()
    assert lib.get_highlight(h.id) == h
    with pytest.raises(NothingToUndo):
        lib.undo()


def test_delete_article_and_undo(lib: Library, sample_id: int) -> None:
    lib.highlight_quote(sample_id, "305 kilometres")
    lib.add_note(sample_id, "a note")
    lib.tag(sample_id, "ukraine")
    lib.delete(sample_id)
    assert lib.list_articles() == []
    with pytest.raises(ArticleNotFound):
        lib.get(sample_id)
    lib.undo()
    article = lib.get(sample_id)
    assert len(article.highlights) == 1 and len(article.notes) == 1 and article.tags == ("ukraine",)


def test_deleted_articles_are_gone_after_restart(reader_home: Path, sample_path: Path) -> None:
    with Library(reader_home, search=False) as lib:
        aid = lib.add(sample_path).article_id
        lib.delete(aid)
    with Library(reader_home, search=False) as lib:
        assert lib.count() == 0
        with pytest.raises(NothingToUndo):
            lib.undo()
        # Re-adding the same file after a purge makes a new article.
        assert lib.add(sample_path).status == "added"


def test_tags_are_shared_case_insensitive_and_can_be_renamed_and_merged(lib: Library, sample_id: int, tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text("Other\nAnother article body.\n", encoding="utf-8")
    oid = lib.add(other).article_id
    lib.tag(sample_id, "Ukraine", "policy")
    lib.tag(oid, "UKRAINE")
    assert dict(lib.all_tags()) == {"policy": 1, "Ukraine": 2}
    assert [a.id for a in lib.list_articles(tag="ukraine")] == [oid, sample_id]
    lib.rename_tag("policy", "Politics")
    assert lib.article_tags(sample_id) == ("Politics", "Ukraine")
    lib.merge_tags("politics", "ukraine")  # onto an existing tag: a merge
    assert dict(lib.all_tags()) == {"Ukraine": 2}
    lib.untag(sample_id, "ukraine")
    assert lib.article_tags(sample_id) == ()
    with pytest.raises(InvalidInput):
        lib.tag(sample_id, "   ")


def test_notes_add_update_delete_undo(lib: Library, sample_id: int) -> None:
    note = lib.add_note(sample_id, "Follow up on the **ATACMS** timeline.")
    assert lib.update_note(note.id, "Edited").body == "Edited"
    lib.delete_note(note.id)
    assert lib.notes(sample_id) == []
    lib.undo()
    assert [n.body for n in lib.notes(sample_id)] == ["Edited"]


def test_reading_position_and_state(lib: Library, sample_id: int) -> None:
    lib.set_reading_position(sample_id, 500)
    article = lib.get(sample_id)
    assert (article.reading_position, article.reading_state) == (500, "reading")
    lib.set_reading_position(sample_id, 10**9)
    assert lib.get(sample_id).reading_position == len(article.text)
    lib.set_reading_state(sample_id, "done")
    assert [a.id for a in lib.list_articles(state="done")] == [sample_id]
    with pytest.raises(InvalidInput):
        lib.set_reading_state(sample_id, "skimmed")


def test_list_sorts_and_filters(lib: Library, tmp_path: Path) -> None:
    for name, title in [("b.txt", "Banana split"), ("a.txt", "apple pie"), ("c.txt", "Cherry tart")]:
        (tmp_path / name).write_text(f"{title}\nBody text of {title}.\n", encoding="utf-8")
        lib.add(tmp_path / name)
    assert [a.title for a in lib.list_articles(sort="title")] == ["apple pie", "Banana split", "Cherry tart"]
    assert [a.title for a in lib.list_articles(sort="added")] == ["Cherry tart", "apple pie", "Banana split"]
    assert [a.title for a in lib.list_articles(text="an")] == ["Banana split"]
    assert [a.title for a in lib.list_articles(text="%")] == []


def test_mutations_report_what_changed(lib: Library, sample_id: int) -> None:
    seen: list[Changes] = []
    unsubscribe = lib.subscribe(seen.append)
    h = lib.highlight_quote(sample_id, "305 kilometres")
    lib.set_reading_position(sample_id, 3)  # unread -> reading: the list shows that
    lib.set_reading_position(sample_id, 9)  # a position alone: no list refresh
    unsubscribe()
    lib.tag(sample_id, "x")
    assert seen[0].highlights == {h.id} and seen[0].articles == {sample_id}
    assert seen[1].reading and seen[1].library_list
    assert seen[2].reading and not seen[2].library_list
    assert len(seen) == 3


def test_every_action_is_one_transaction(lib: Library, sample_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure half-way through an action leaves nothing of it behind."""
    real_tag_id = tag_rows.tag_id
    calls = {"n": 0}

    def failing_tag_id(conn, name):
        calls["n"] += 1
        if calls["n"] == 2:
            raise sqlite3.OperationalError("disk I/O error")
        return real_tag_id(conn, name)

    monkeypatch.setattr(tag_rows, "tag_id", failing_tag_id)
    with pytest.raises((sqlite3.OperationalError, ReaderError)):
        lib.tag(sample_id, "first", "second")
    assert lib.article_tags(sample_id) == ()
    assert lib.all_tags() == []


def test_schema_is_versioned_and_foreign_keys_are_on(lib: Library) -> None:
    assert lib.schema_version() >= 1
    assert raw_storage(lib).query_one("PRAGMA foreign_keys")[0] == 1
    assert raw_storage(lib).query_one("PRAGMA journal_mode")[0] == "wal"
    assert lib.integrity_check() == "ok"
