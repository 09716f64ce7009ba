"""``reader review``, ``review rate`` and ``review discard`` as a script would use them, with
READER_NOW stepping over days."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from reader.cli import main
from reader.core.library import Library

DAY0 = "2026-03-02T09:00:00+01:00"
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def at(monkeypatch: pytest.MonkeyPatch, days: float = 0, minutes: float = 0) -> datetime:
    moment = datetime.fromisoformat(DAY0) + timedelta(days=days, minutes=minutes)
    monkeypatch.setenv("READER_NOW", moment.isoformat())
    return moment


@pytest.fixture
def highlights(capsys: pytest.CaptureFixture[str], sample_path: Path) -> list[int]:
    assert run(capsys, "add", str(sample_path))[0] == 0
    ids = []
    for quote in ("long-range missiles", "North Korean", "International support"):
        code, out, _ = run(capsys, "highlight", "1", "--quote", quote, "--nth", "1", "--note", f"on {quote}", "--json")
        assert code == 0
        ids.append(json.loads(out)["id"])
    return ids


def review_json(capsys: pytest.CaptureFixture[str], *extra: str) -> list[dict]:
    code, out, err = run(capsys, "review", *extra, "--json")
    assert (code, err) == (0, "")
    return json.loads(out)


def test_review_json_lists_new_highlights_with_the_contracts_fields(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, highlights: list[int]
) -> None:
    at(monkeypatch)
    items = review_json(capsys)
    assert sorted(item["highlight_id"] for item in items) == sorted(highlights)
    for item in items:
        assert {"highlight_id", "article_id", "title", "quote", "note", "state", "due"} <= set(item)
        assert (item["article_id"], item["state"], item["due"]) == (1, "new", None)
        assert item["title"] == "Biden approves use of long-range missiles in Russian territory"
        assert item["note"] == f"on {item['quote']}"
    assert review_json(capsys) == items  # same day, no rating: same list
    assert len(review_json(capsys, "--count", "2")) == 2


def test_rate_prints_next_and_steps_over_days_with_reader_now(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, highlights: list[int]
) -> None:
    hid = highlights[0]
    now = at(monkeypatch)
    code, out, err = run(capsys, "review", "rate", str(hid), "good")
    assert (code, err) == (0, "")
    assert out.startswith("next ") and out.endswith("\n")
    step_due = datetime.fromisoformat(out.split()[1])
    assert ISO_WITH_OFFSET.match(out.split()[1])
    assert timedelta(0) < step_due - now <= timedelta(minutes=10)
    assert hid not in [i["highlight_id"] for i in review_json(capsys)]  # not yet due

    now = at(monkeypatch, minutes=10)
    due_now = review_json(capsys)
    assert (due_now[0]["highlight_id"], due_now[0]["state"]) == (hid, "review")
    assert datetime.fromisoformat(due_now[0]["due"]) == step_due
    code, out, err = run(capsys, "review", "rate", str(hid), "good", "--json")
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert (result["highlight_id"], result["state"]) == (hid, "review")
    due = datetime.fromisoformat(result["due"])
    assert due - now >= timedelta(days=1)

    days = (due - now).days
    at(monkeypatch, days=days - 1)
    assert hid not in [i["highlight_id"] for i in review_json(capsys)]
    at(monkeypatch, days=days + 1)
    assert review_json(capsys)[0]["highlight_id"] == hid


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("rate", "999", "good"), "There is no highlight with id 999."),
        (("rate", "abc", "good"), "'abc' is not a highlight id"),
        (("rate", "{id}", "meh"), "'meh' is not a rating; use again, hard, good or easy."),
        (("discard", "999"), "There is no highlight with id 999."),
    ],
)
def test_unknown_id_or_rating_is_one_sentence_exit_1_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, highlights: list[int],
    argv: tuple[str, ...], message: str, reader_home: Path,
) -> None:
    at(monkeypatch)
    before = review_json(capsys)
    code, out, err = run(capsys, "review", *(a.format(id=highlights[0]) for a in argv))
    assert (code, out) == (1, "")
    assert err.startswith("reader: ") and message in err and err.count("\n") == 1
    assert review_json(capsys) == before
    with Library(reader_home, search=False) as lib:
        assert all(lib.review_state(h) is None for h in highlights)


def test_discard_takes_a_highlight_out_of_review_and_rating_it_then_is_an_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, highlights: list[int]
) -> None:
    at(monkeypatch)
    hid = highlights[1]
    assert run(capsys, "review", "discard", str(hid)) == (0, f"discarded {hid} from review\n", "")
    assert hid not in [i["highlight_id"] for i in review_json(capsys)]
    code, out, err = run(capsys, "review", "rate", str(hid), "good")
    assert (code, out) == (1, "")
    assert "discarded" in err and err.count("\n") == 1
    shown = json.loads(run(capsys, "show", "1", "--json")[1])
    assert hid in [h["id"] for h in shown["highlights"]]  # still a highlight


def test_reader_delete_takes_an_articles_highlights_out_of_review(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, highlights: list[int]
) -> None:
    at(monkeypatch)
    run(capsys, "review", "rate", str(highlights[0]), "easy")
    assert run(capsys, "delete", "1")[0] == 0
    at(monkeypatch, days=90)
    assert review_json(capsys) == []
    code, _, err = run(capsys, "review")
    assert code == 0 and "nothing to review today" in err


def test_export_json_has_review_per_highlight_and_import_library_restores_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, highlights: list[int],
    tmp_path: Path,
) -> None:
    at(monkeypatch)
    run(capsys, "review", "rate", str(highlights[0]), "easy")
    run(capsys, "review", "discard", str(highlights[1]))
    export = tmp_path / "library.json"
    assert run(capsys, "export", "--all", "--format", "json", "-o", str(export))[0] == 0
    reviews = {h["id"]: h["review"] for h in json.loads(export.read_text())["articles"][0]["highlights"]}
    assert reviews[highlights[2]] is None
    assert reviews[highlights[0]]["state"] == "review" and reviews[highlights[1]]["discarded"] is True
    monkeypatch.setenv("READER_HOME", str(tmp_path / "restored"))
    assert run(capsys, "import-library", str(export))[0] == 0
    again = tmp_path / "again.json"
    assert run(capsys, "export", "--all", "--format", "json", "-o", str(again))[0] == 0
    assert again.read_text() == export.read_text()


def test_a_bad_reader_now_is_one_sentence(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READER_NOW", "tomorrow")
    code, out, err = run(capsys, "review")
    assert (code, out) == (1, "")
    assert err == "reader: READER_NOW 'tomorrow' is not an ISO 8601 date-time (e.g. 2026-03-01T09:00:00+01:00).\n"
