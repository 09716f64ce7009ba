"""Two Library processes and a stream of CLI commands writing one library at the same time.

The window and the CLI may well run together, so every writer must wait its turn
(SQLite WAL plus a busy timeout, and the index's writer lock) and nothing may be lost.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader.core.library import Library

from .test_kill9 import DRIVER, State, apply, check_structure, diff, has_search, same, snapshot

ACTIONS = 60
CLI_ROUNDS = 6


def _cli_script(sources: Path) -> str:
    """A shell user adding articles and highlighting in them, one command at a time."""
    reader = " ".join(
        [str(Path(sys.executable).parent / "reader")]
        if (Path(sys.executable).parent / "reader").exists()
        else [sys.executable, "-m", "reader"]
    )
    lines = ["set -e"]
    for i in range(CLI_ROUNDS):
        path = sources / f"cli-{i}.txt"
        path.write_text(
            f"Shell article number {i}\n\n"
            f"The shell wrote paragraph one of article {i} with the phrase cliword{chr(97 + i)} in it.\n\n"
            "A second paragraph so the article has some body to it, and more words besides.\n"
        )
        lines.append(f"id=$({reader} add {path} | cut -d' ' -f2)")
        lines.append(f'{reader} highlight "$id" --quote "paragraph one of article {i}" --json')
        lines.append(f'{reader} tag "$id" Shell >/dev/null')
    return "\n".join(lines)


def _json_objects(text: str) -> list[dict[str, object]]:
    """The JSON documents printed one after the other (``highlight --json`` each time)."""
    decoder, out, pos = json.JSONDecoder(), [], 0
    while pos < len(text.rstrip()):
        obj, pos = decoder.raw_decode(text, pos)
        out.append(obj)
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return out


@pytest.mark.slow
def test_two_processes_and_the_cli_write_at_once(tmp_path: Path) -> None:
    home, sources = tmp_path / "home", tmp_path / "sources"
    sources.mkdir()
    env = dict(os.environ, READER_HOME=str(home))
    # Create the library first, so the writers race on writes and not on creating the schema.
    Library(home, search=False).close()
    drivers = [
        subprocess.Popen(
            [sys.executable, str(DRIVER), str(home), str(sources), str(run), str(1000 + run), str(ACTIONS)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        for run in (0, 1)
    ]
    shell = subprocess.Popen(
        ["sh", "-c", _cli_script(sources)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    outputs = [p.communicate(timeout=240) for p in drivers]
    shell_out, shell_err = shell.communicate(timeout=240)
    for proc, (_out, err) in zip(drivers, outputs):
        assert proc.returncode == 0, err[-3000:]
        # Warnings here are the search index tripping over another process's writes.
        assert err == "", f"a writer complained: {err[-3000:]}"
    assert shell.returncode == 0, shell_err
    assert shell_err == "", f"the CLI complained: {shell_err[-3000:]}"

    expected = State()
    for out, _ in outputs:
        mine = State()
        for line in out.splitlines():
            parts = line.split(" ")
            if parts[0] == "done":
                mine = apply(mine, parts)
        assert sum(1 for line in out.splitlines() if line.startswith("done")) > 10
        expected.articles.update(mine.articles)
        expected.highlights.update(mine.highlights)
        expected.notes.update(mine.notes)
        expected.tags |= mine.tags
    shell_highlights = _json_objects(shell_out)
    assert len(shell_highlights) == CLI_ROUNDS

    with Library(home, search=has_search()) as lib:
        check_structure(lib)
        shell_ids = frozenset(a.id for a in lib.list_articles(tag="shell"))
        # The shell's articles are checked here; the drivers' model does not know them.
        actual = snapshot(lib, exclude=shell_ids)
        assert len(shell_ids) == CLI_ROUNDS
        assert {h["article_id"] for h in shell_highlights} == shell_ids
        for h in shell_highlights:
            assert lib.get_highlight(h["id"]).exact.startswith("paragraph one of article")
        assert same(expected, actual), diff(expected, actual)
        if has_search():
            lib.index_catch_up()
            assert lib.index_catch_up() == 0
            assert lib.index.pending() == 0
            assert lib.index.doc_count() == len(expected.articles) + len(shell_ids)
            for aid, word in sorted(expected.articles.items())[-8:]:
                assert {getattr(h, "article_id", None) for h in lib.search(word)} == {aid}, word
            for i, aid in enumerate(sorted(shell_ids)):
                assert {getattr(h, "article_id", None) for h in lib.search(f"cliword{chr(97 + i)}")} == {aid}
