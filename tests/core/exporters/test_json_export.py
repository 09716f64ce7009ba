"""Reader's JSON export and the restore that reads it back into an empty library."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.core.errors import ImportFailed
from reader.core.exporters import atomic_write_text
from reader.core.exporters.json_export import FORMAT_VERSION, export_json, restore_library
from reader.core.library import Library
from tests.conftest import highlight_count

from .conftest import Filled


def test_export_carries_everything_reader_knows(filled: Filled) -> None:
    data = json.loads(export_json(filled.lib))
    assert data["format"] == "reader-library" and data["version"] == FORMAT_VERSION
    essay = next(a for a in data["articles"] if a["id"] == filled.essay)
    assert essay["title"] == 'Margins: notes on "reading with a pencil"'
    assert essay["url"] == "https://example.org/essays/margins?id=7"
    assert essay["tags"] == ["reading", "war zone"]
    assert essay["reading_position"] == 42 and essay["reading_state"] == "reading"
    assert essay["document"]["blocks"][0] == {"kind": "heading", "text": "Why we underline", "level": 1}
    assert [n["body"] for n in essay["notes"]] == ["Compare with *How to Read a Book*.", "Second thought."]
    by_note = {h["note"]: h for h in essay["highlights"]}
    first = by_note["The **oldest** habit."]
    assert first["exact"] == "marked books for as long" and first["color"] == "green"
    assert first["tags"] == ["habit", "history"]
    assert first["prefix"].endswith("Readers have ") and first["suffix"].startswith(" as there have")
    assert first["created"] and first["updated"]
    orphan = by_note["gone soon"]
    assert orphan["start"] is None and orphan["end"] is None and orphan["exact"] == "Keep the quote short."
    assert by_note[""]["color"] == "#ff00aa"
    plain = next(a for a in data["articles"] if a["id"] == filled.plain)
    assert plain["reading_state"] == "done" and plain["highlights"] == []


def test_round_trip_into_a_new_library_gives_the_same_export(filled: Filled, tmp_path: Path) -> None:
    filled.lib.delete(filled.essay)  # ids with a gap: restore must keep them, not renumber
    filled.lib.undo()
    first = export_json(filled.lib)
    path = atomic_write_text(tmp_path / "library.json", first)
    with Library(tmp_path / "other-home", search=False) as other:
        result = restore_library(other, path)
        assert (result.articles, result.highlights, result.notes) == (2, 3, 2)
        assert export_json(other) == first
        restored = other.get(filled.essay)
        assert restored.text == filled.lib.get(filled.essay).text
        assert [(h.start, h.end, h.exact) for h in restored.highlights] == [
            (h.start, h.end, h.exact) for h in filled.lib.get(filled.essay).highlights
        ]
        # The restored library goes on as a library: new ids follow the restored ones.
        new = other.add_text("Fresh text\n\nAfter the restore.")
        assert new.article_id > max(filled.essay, filled.plain)


def test_export_of_one_article_restores_on_its_own(filled: Filled, tmp_path: Path) -> None:
    path = atomic_write_text(tmp_path / "one.json", export_json(filled.lib, [filled.essay]))
    with Library(tmp_path / "other-home", search=False) as other:
        assert restore_library(other, path).articles == 1
        assert other.get(filled.essay).title.startswith("Margins")


def test_restore_refuses_a_library_that_is_not_empty(filled: Filled, tmp_path: Path) -> None:
    path = atomic_write_text(tmp_path / "library.json", export_json(filled.lib))
    with pytest.raises(ImportFailed, match=r"already holds 2 article\(s\); .* only into an empty library"):
        restore_library(filled.lib, path)
    assert filled.lib.count() == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", r"^'.*bad\.json' is not valid JSON \(line 1, column 2: .*\)\.$"),
        ('{"format": "reader-library", "version": 99, "articles": []}', r"written by a newer Reader \(export version 99\)"),
        ('{"format": "reader-library", "version": "one", "articles": []}', r"unknown export version \('one'\)"),
        ('[{"uri": "https://x"}]', r"is not a Reader library export"),
        ('{"format": "reader-library", "version": 1}', r"has no list of articles"),
        ("", r"is empty"),
    ],
)
def test_a_bad_file_is_one_sentence(lib: Library, tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFailed, match=message) as err:
        restore_library(lib, path)
    assert "\n" not in str(err.value) and str(err.value).endswith(".")


def test_a_broken_record_restores_nothing(filled: Filled, tmp_path: Path) -> None:
    data = json.loads(export_json(filled.lib))
    data["articles"][1]["highlights"] = [
        {"id": 99, "start": 5, "end": 999_999, "exact": "x", "color": "yellow", "created": "2024-01-01T00:00:00+00:00"}
    ]
    path = atomic_write_text(tmp_path / "broken.json", json.dumps(data))
    with Library(tmp_path / "other-home", search=False) as other:
        with pytest.raises(ImportFailed, match=r"highlight 99 of article \d+ is malformed \(the range 5-999999 is outside"):
            restore_library(other, path)
        assert other.count() == 0
        assert highlight_count(other) == 0
        assert other.all_tags() == []


def test_a_record_without_a_title_names_the_article(filled: Filled, tmp_path: Path) -> None:
    data = json.loads(export_json(filled.lib))
    del data["articles"][0]["title"]
    path = atomic_write_text(tmp_path / "broken.json", json.dumps(data))
    with Library(tmp_path / "other-home", search=False) as other:
        with pytest.raises(ImportFailed, match=rf"article {data['articles'][0]['id']} has no 'title'; nothing was restored"):
            restore_library(other, path)
        assert other.count() == 0


def test_a_duplicated_highlight_id_blames_the_file_not_the_library(
    filled: Filled, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Regression: storage turned the clash into "the library ... could not be used"."""
    from reader.cli import main

    data = json.loads(export_json(filled.lib))
    essay = next(a for a in data["articles"] if a["id"] == filled.essay)
    first, second = essay["highlights"][:2]
    second["id"] = first["id"]
    path = atomic_write_text(tmp_path / "twice.json", json.dumps(data))
    empty_home = tmp_path / "empty-home"
    monkeypatch.setenv("READER_HOME", str(empty_home))
    assert main(["import-library", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"reader: '{path}' is not a valid Reader library export: highlight {first['id']} of article {filled.essay}"
        " clashes with another one of the same id; nothing was restored.\n"
    )
    assert "could not be used" not in err
    with Library(empty_home, search=False) as restored:
        assert restored.count() == 0 and highlight_count(restored) == 0 and restored.all_tags() == []
