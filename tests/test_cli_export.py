"""`reader export`, `reader import-library` and `reader import-annotations` as a user types them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from reader.cli import main
from tests.core.annotation_imports.samples import MY_CLIPPINGS


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def article(capsys: pytest.CaptureFixture[str], sample_path: Path) -> int:
    assert run(capsys, "add", str(sample_path))[0] == 0
    assert run(capsys, "highlight", "1", "--quote", "ATACMS missiles to defend", "--note", "Why now?", "--tag", "policy")[0] == 0
    assert run(capsys, "note", "1", "Follow the Kursk story.")[0] == 0
    return 1


def test_export_markdown_to_stdout(capsys: pytest.CaptureFixture[str], article: int) -> None:
    code, out, err = run(capsys, "export", str(article))
    assert code == 0 and err == ""
    head, body = out[4:].split("\n---\n", 1)
    assert yaml.safe_load(head)["title"] == "Biden approves use of long-range missiles in Russian territory"
    assert "> ATACMS missiles to defend\n\nWhy now?\n\n#policy\n\n[Open in Reader](reader://article/1#" in body
    assert "Follow the Kursk story." in body


def test_export_all_as_markdown_needs_a_folder(capsys: pytest.CaptureFixture[str], article: int, tmp_path: Path) -> None:
    code, out, err = run(capsys, "export", "--all")
    assert code == 2 and out == ""
    assert err == "reader: a Markdown export of every article is one file per article: give a folder with -o DIR.\n"
    code, out, _ = run(capsys, "export", "--all", "-o", str(tmp_path / "vault"))
    assert code == 0 and out == f"exported 1 articles to {tmp_path / 'vault'}\n"
    assert [p.name for p in (tmp_path / "vault").iterdir()] == [
        "biden-approves-use-of-long-range-missiles-in-russian-territory-1.md"
    ]


def test_export_needs_an_id_or_all_but_not_both(capsys: pytest.CaptureFixture[str], article: int) -> None:
    assert run(capsys, "export")[2] == "reader: give an article ID or --all.\n"
    code, _, err = run(capsys, "export", "1", "--all")
    assert code == 2 and err == "reader: give an article ID or --all, not both.\n"


def test_export_of_a_missing_article_is_one_sentence(capsys: pytest.CaptureFixture[str], article: int) -> None:
    assert run(capsys, "export", "9", "--format", "w3c") == (1, "", "reader: There is no article with id 9.\n")


def test_w3c_export_to_a_file(capsys: pytest.CaptureFixture[str], article: int, tmp_path: Path) -> None:
    target = tmp_path / "notes.jsonld"
    code, out, _ = run(capsys, "export", "--all", "--format", "w3c", "-o", str(target))
    assert code == 0 and out == f"wrote {target}\n"
    doc = json.loads(target.read_text(encoding="utf-8"))
    # The highlight, then the article's note (a note on the whole article has no selector).
    annotation, note = doc["first"]["items"]
    assert annotation["target"]["selector"][1]["exact"] == "ATACMS missiles to defend"
    assert "selector" not in note["target"] and note["id"].startswith("reader://note/")


def test_json_round_trip_through_a_new_library(
    capsys: pytest.CaptureFixture[str], article: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, exported, _ = run(capsys, "export", "--all", "--format", "json")
    assert code == 0
    (tmp_path / "library.json").write_text(exported, encoding="utf-8")
    code, _, err = run(capsys, "import-library", str(tmp_path / "library.json"))
    assert code == 1 and "already holds 1 article(s)" in err and err.count("\n") == 1
    monkeypatch.setenv("READER_HOME", str(tmp_path / "new-home"))
    code, out, _ = run(capsys, "import-library", str(tmp_path / "library.json"))
    assert code == 0 and out == "restored 1 articles, 1 highlights and 1 notes\n"
    assert run(capsys, "export", "--all", "--format", "json")[1] == exported


def test_import_library_of_a_bad_file_is_one_sentence(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text('{"format": "reader-library", "version": 7, "articles": []}', encoding="utf-8")
    code, out, err = run(capsys, "import-library", str(tmp_path / "x.json"))
    assert code == 1 and out == ""
    assert err == (
        f"reader: '{tmp_path / 'x.json'}' was written by a newer Reader (export version 7); this one reads version 1.\n"
    )


def test_import_annotations_prints_the_summary(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "My Clippings.txt"
    path.write_text(MY_CLIPPINGS, encoding="utf-8")
    code, out, _ = run(capsys, "import-annotations", str(path))
    assert code == 0 and out == "imported 7 highlights (0 attached to existing articles, 0 orphaned) into 6 articles\n"
    code, out, _ = run(capsys, "list")
    assert "Der Zauberberg (German Edition)" in out and "L'Étranger" in out


def test_import_annotations_of_an_unknown_file_is_one_sentence(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "shopping.txt"
    path.write_text("milk\neggs\n", encoding="utf-8")
    code, out, err = run(capsys, "import-annotations", str(path))
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "is not a file of highlights Reader knows" in err
    code, _, err = run(capsys, "import-annotations", "--format", "readwise", str(path))
    assert code == 1 and err == f"reader: '{path}' is not a Readwise CSV export.\n"
