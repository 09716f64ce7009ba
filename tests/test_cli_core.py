"""The ``reader`` command as a user types it: add, show, list, highlight, note, tag, delete.

Most tests call ``reader.cli.main`` in-process and read what it printed; one runs the
installed command in a real subprocess, as a shell would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from reader.cli import main

TITLE = "Biden approves use of long-range missiles in Russian territory"
REPO = Path(__file__).resolve().parents[1]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    code, out, err = run(capsys, *argv, "--json")
    assert (code, err) == (0, "")
    return json.loads(out)


def assert_one_line_error(code: int, out: str, err: str, starts: str = "reader: ") -> None:
    assert code == 1
    assert out == ""
    assert err.startswith(starts), err
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err


@pytest.fixture
def added(capsys: pytest.CaptureFixture[str], sample_path: Path) -> int:
    code, out, err = run(capsys, "add", str(sample_path))
    assert (code, out, err) == (0, f"added 1 {TITLE}\n", "")
    return 1


def test_add_prints_added_id_and_title_and_readding_is_unchanged(
    capsys: pytest.CaptureFixture[str], added: int, sample_path: Path
) -> None:
    assert run(capsys, "add", str(sample_path)) == (0, f"unchanged 1 {TITLE}\n", "")
    assert len(run_json(capsys, "list")) == 1  # type: ignore[arg-type]


def test_show_json_has_title_date_headings_and_no_dateline(capsys: pytest.CaptureFixture[str], added: int) -> None:
    article = run_json(capsys, "show", "1")
    assert isinstance(article, dict)
    assert article["title"] == TITLE
    assert article["published"].startswith("2024-11-17T15:26")
    text = article["text"]
    headings = [text[b["start"]:b["end"]] for b in article["blocks"] if b["kind"] == "heading"]
    assert headings == ["North Korean engagement", "International support"]
    assert "17 November 2024" not in text and "15:26" not in text
    assert not text.startswith(TITLE)  # the title is the title, not the first paragraph
    assert text.startswith("President Joe Biden has, for the first time")

    code, out, err = run(capsys, "show", "1")
    assert (code, err) == (0, "")
    assert out == text + "\n"


def test_list_plain_json_and_by_tag(capsys: pytest.CaptureFixture[str], added: int, tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text("Another article\nIts only paragraph, long enough to be a paragraph of text.\n")
    assert run(capsys, "add", str(other), "--tag", "Misc")[0] == 0
    code, out, err = run(capsys, "list")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert [line.split("\t")[:2] for line in lines] == [["2", "Another article"], ["1", TITLE]]
    assert lines[1].split("\t")[3] == "2024-11-17"
    listed = run_json(capsys, "list")
    assert [(a["id"], a["title"], a["tags"]) for a in listed] == [(2, "Another article", ["Misc"]), (1, TITLE, [])]  # type: ignore[index]
    assert [a["id"] for a in run_json(capsys, "list", "--tag", "misc")] == [2]  # type: ignore[index]
    assert run_json(capsys, "list", "--tag", "nothing-has-this") == []
    assert [a["id"] for a in run_json(capsys, "list", "--sort", "title")] == [2, 1]  # type: ignore[index]


def test_highlight_by_quote(capsys: pytest.CaptureFixture[str], added: int) -> None:
    quote = "allowed Ukraine to use American long-range missiles"
    h = run_json(capsys, "highlight", "1", "--quote", quote, "--color", "green", "--note", "key", "--tag", "Key")
    text = run_json(capsys, "show", "1")["text"]  # type: ignore[index]
    assert isinstance(h, dict)
    assert text[h["start"]:h["end"]] == quote == h["exact"]
    assert (h["color"], h["note"], h["tags"]) == ("green", "key", ["Key"])

    code, out, err = run(capsys, "highlight", "1", "--quote", "Storm Shadow and SCALP")
    assert (code, err) == (0, "")
    start = text.index("Storm Shadow and SCALP")
    assert out == f"highlighted 2 {start}-{start + len('Storm Shadow and SCALP')} yellow\n"
    shown = run_json(capsys, "show", "1")
    assert [x["exact"] for x in shown["highlights"]] == [quote, "Storm Shadow and SCALP"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("quote", "message"),
    [
        ("missiles made of cheese", "reader: The quote 'missiles made of cheese' is not in article 1.\n"),
        ("ATACMS", "reader: The quote 'ATACMS' stands 6 times in article 1; quote more words or pick one with --nth.\n"),
        ("   ", "reader: The quote to highlight is empty.\n"),
    ],
    ids=["absent", "ambiguous", "empty"],
)
def test_highlight_of_a_bad_quote_is_one_sentence(
    capsys: pytest.CaptureFixture[str], added: int, quote: str, message: str
) -> None:
    code, out, err = run(capsys, "highlight", "1", "--quote", quote)
    assert_one_line_error(code, out, err)
    assert err == message
    assert run_json(capsys, "show", "1")["highlights"] == []  # type: ignore[index]


def test_note_tag_untag_and_delete(capsys: pytest.CaptureFixture[str], added: int) -> None:
    assert run(capsys, "note", "1", "Read again **later**") == (0, "noted 1 on article 1\n", "")
    code, out, err = run(capsys, "note", "1", "   ")
    assert_one_line_error(code, out, err)
    assert run_json(capsys, "show", "1")["notes"][0]["body"] == "Read again **later**"  # type: ignore[index]

    assert run(capsys, "tag", "1", "Ukraine", "war") == (0, "tags of 1: Ukraine, war\n", "")
    assert run(capsys, "tag", "1", "UKRAINE") == (0, "tags of 1: Ukraine, war\n", "")  # same tag
    assert [a["id"] for a in run_json(capsys, "list", "--tag", "ukraine")] == [1]  # type: ignore[index]
    assert run(capsys, "untag", "1", "uKRAINE") == (0, "tags of 1: war\n", "")
    assert run(capsys, "untag", "1", "WAR") == (0, "tags of 1: (none)\n", "")
    assert run_json(capsys, "tags") == []

    assert run(capsys, "delete", "1") == (0, f"deleted 1 {TITLE}\n", "")
    assert run_json(capsys, "list") == []
    code, out, err = run(capsys, "show", "1")
    assert_one_line_error(code, out, err)
    assert err == "reader: There is no article with id 1.\n"


@pytest.mark.parametrize(
    "argv",
    [["show", "7"], ["note", "7", "text"], ["tag", "7", "x"], ["delete", "7"], ["highlight", "7", "--quote", "x"]],
)
def test_unknown_article_is_one_sentence(capsys: pytest.CaptureFixture[str], added: int, argv: list[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert_one_line_error(code, out, err)
    assert err == "reader: There is no article with id 7.\n"


def _bad_inputs(folder: Path) -> dict[str, tuple[Path, str]]:
    """name -> (path, the start of the sentence the user must see)."""
    empty = folder / "empty.txt"
    empty.write_text("  \n\n \t\n")
    binary = folder / "photo.txt"
    binary.write_bytes(bytes(range(256)) * 20)
    folder_input = folder / "a-folder"
    folder_input.mkdir()
    pdf = folder / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 5 /Filter /FlateDecode >>\nstream\n\x78\x9c\x00\x01\xff\x00")
    docx = folder / "letter.docx"
    with zipfile.ZipFile(docx, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    huge = folder / "huge.txt"
    with huge.open("wb") as fh:  # sparse: 60 MB on paper, nothing on disk
        fh.truncate(60 * 1024 * 1024)
    return {
        "empty": (empty, f"reader: '{empty}' is empty."),
        "binary": (binary, f"reader: '{binary}' is a binary file"),
        "missing": (folder / "missing.txt", f"reader: '{folder / 'missing.txt'}' does not exist."),
        "directory": (folder_input, f"reader: '{folder_input}' is a directory, not a file."),
        "pdf": (pdf, f"reader: '{pdf}' "),
        "zip": (docx, f"reader: '{docx}' is a zip archive"),
        "too-large": (huge, f"reader: '{huge}' is too large to import"),
    }


@pytest.mark.parametrize("name", ["empty", "binary", "missing", "directory", "pdf", "zip", "too-large"])
def test_bad_input_is_one_sentence_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    path, expected = _bad_inputs(tmp_path)[name]
    code, out, err = run(capsys, "add", str(path))
    assert_one_line_error(code, out, err, starts=expected)
    assert run_json(capsys, "list") == []


def test_one_bad_file_among_good_ones_spoils_nothing_else(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, sample_path: Path
) -> None:
    missing = tmp_path / "missing.txt"
    code, out, err = run(capsys, "add", str(missing), str(sample_path))
    assert code == 1
    assert out == f"added 1 {TITLE}\n"
    assert err == f"reader: '{missing}' does not exist.\n"
    assert [a["title"] for a in run_json(capsys, "list")] == [TITLE]  # type: ignore[index]


def test_usage_errors_exit_2_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["show", "abc"], ["show", "0"], ["frobnicate"], ["highlight", "1"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
        out, err = capsys.readouterr()
        assert out == "" and err.splitlines()[-1].startswith("reader: ") and "Traceback" not in err


def test_every_json_output_parses(capsys: pytest.CaptureFixture[str], added: int) -> None:
    run(capsys, "tag", "1", "Ukraine")
    for argv in (["list"], ["show", "1"], ["tags"], ["highlight", "1", "--quote", "Storm Shadow"]):
        code, out, err = run(capsys, *argv, "--json")
        assert (code, err) == (0, "")
        json.loads(out)
    assert run_json(capsys, "tags") == [{"name": "Ukraine", "count": 1}]


def _reader_command() -> list[str]:
    script = Path(sys.executable).parent / "reader"
    return [str(script)] if script.exists() else [sys.executable, "-m", "reader"]


def test_installed_command_in_a_real_process(sample_path: Path, reader_home: Path, tmp_path: Path) -> None:
    env = dict(os.environ, READER_HOME=str(reader_home))
    cmd = _reader_command()
    added = subprocess.run([*cmd, "add", str(sample_path)], capture_output=True, text=True, env=env, timeout=60)
    assert (added.returncode, added.stdout, added.stderr) == (0, f"added 1 {TITLE}\n", "")
    shown = subprocess.run([*cmd, "show", "1", "--json"], capture_output=True, text=True, env=env, timeout=60)
    assert shown.returncode == 0
    assert json.loads(shown.stdout)["title"] == TITLE
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    bad = subprocess.run([*cmd, "add", str(empty)], capture_output=True, text=True, env=env, timeout=60)
    assert (bad.returncode, bad.stdout, bad.stderr) == (1, "", f"reader: '{empty}' is empty.\n")


def test_output_into_a_closed_pipe_is_not_an_error(sample_path: Path, reader_home: Path) -> None:
    if shutil.which("head") is None:
        pytest.skip("no head(1) here")
    env = dict(os.environ, READER_HOME=str(reader_home))
    cmd = " ".join(_reader_command())
    result = subprocess.run(
        f"{cmd} add {sample_path} >/dev/null && {cmd} show 1 | head -c 10", shell=True,
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert result.stdout == "President "
    assert "Traceback" not in result.stderr and "Broken pipe" not in result.stderr


def test_importing_the_cli_loads_no_heavy_module() -> None:
    heavy = ("PySide6", "whoosh", "trafilatura", "lxml")
    code = (
        "import sys, reader.cli\n"
        f"print(','.join(m for m in {heavy!r} if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_no_command_or_file_arguments_open_the_window(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from reader import cli

    opened: list[list[str]] = []
    monkeypatch.setattr("reader.ui.launch.main", lambda argv: opened.append(list(argv)) or 0)
    notes = tmp_path / "notes.md"
    notes.write_text("# Notes\n\nSome text.\n", encoding="utf-8")
    assert cli.main([]) == 0
    assert cli.main([str(notes), "https://example.org/a"]) == 0  # as a desktop entry calls it
    assert cli.main(["https://example.org/b"]) == 0
    assert opened == [["reader"], ["reader", str(notes), "https://example.org/a"], ["reader", "https://example.org/b"]]


def test_a_mistyped_option_is_a_usage_error_not_a_window(capsys: pytest.CaptureFixture[str]) -> None:
    from reader import cli

    with pytest.raises(SystemExit) as exc:
        cli.main(["--frobnicate"])
    assert exc.value.code == 2
    assert "reader:" in capsys.readouterr().err
