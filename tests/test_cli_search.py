"""``reader search`` and ``reader reindex`` as a user types them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def two_articles(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, int]:
    first = tmp_path / "herons.txt"
    first.write_text("Herons\n\n🐦 Grey herons stand still in shallow water for a long time.\n", "utf-8")
    second = tmp_path / "otters.txt"
    second.write_text("Otters\n\nOtters play in the river and eat fish.\n", "utf-8")
    code, out, _ = run(capsys, "add", str(first), str(second))
    assert code == 0
    ids = {line.split()[2].lower(): int(line.split()[1]) for line in out.splitlines()}
    code, _, _ = run(capsys, "tag", str(ids["otters"]), "mammals")
    assert code == 0
    return ids


def test_search_prints_matches_with_marked_words(capsys, two_articles):
    code, out, err = run(capsys, "search", "shallow", "water")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith(f"{two_articles['herons']}\t")
    assert "**shallow** **water**" in lines[1]


def test_search_json(capsys, two_articles):
    code, out, err = run(capsys, "search", "tag:mammals OR herons", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert {d["id"] for d in data} == set(two_articles.values())
    for d in data:
        assert {"id", "title", "score", "snippet", "start", "end", "matched_in"} <= set(d)
    (herons,) = [d for d in data if d["id"] == two_articles["herons"]]
    code, text, _ = run(capsys, "show", str(two_articles["herons"]))
    text = text[:-1]  # show adds a final newline
    assert text[herons["start"]:herons["end"]] == herons["snippet_plain"]
    start, end = herons["marks"][0]
    assert text[herons["start"] + start:herons["start"] + end].lower() == "herons"


def test_search_limit(capsys, two_articles):
    code, out, _ = run(capsys, "search", "herons OR otters", "--json", "--limit", "1")
    assert code == 0 and len(json.loads(out)) == 1


def test_no_match_says_so_and_suggests(capsys, two_articles):
    code, out, err = run(capsys, "search", "otterz")
    assert (code, out) == (0, "")
    assert err == "reader: no article matches 'otterz'; did you mean 'otters'?\n"
    code, out, err = run(capsys, "search", "--json", "zebras")
    assert json.loads(out) == [] and "no article matches 'zebras'." in err


def test_bad_query_is_one_sentence(capsys, two_articles):
    code, out, err = run(capsys, "search", "*")
    assert code == 1 and out == ""
    assert err.startswith("reader: The search query '*' has no words") and err.count("\n") == 1
    code, out, err = run(capsys, "search", "added:whenever")
    assert code == 1 and "date" in err


def test_reindex(capsys, two_articles, reader_home: Path):
    code, out, err = run(capsys, "reindex")
    assert (code, out) == (0, "indexed 2 articles\n")
    assert (reader_home / "index").is_dir()
    code, out, _ = run(capsys, "search", "river", "--json")
    assert [d["id"] for d in json.loads(out)] == [two_articles["otters"]]
