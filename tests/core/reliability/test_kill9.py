"""kill -9 at random points loses nothing that was reported done and leaves nothing half-written.

A driver process (crash_driver.py) runs random Library actions and prints ``done ...``
after each returns; we SIGKILL it at a random moment, open the library, and check:
SQLite's integrity, every reported action present, the one action in flight either
wholly there or wholly absent, no half-written rows, and (when search exists) an index
that answers and is caught up with SQLite.
"""

from __future__ import annotations

import importlib.util
import os
import random
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from reader.core.document import Document
from reader.core.library import Library
from tests.conftest import raw_storage

DRIVER = Path(__file__).with_name("crash_driver.py")
KILLS = int(os.environ.get("READER_KILLS", "60"))
ANY = object()  # a highlight position that a re-import may have moved
WORD = re.compile(r"names (zq[a-z]+) once")


def has_search() -> bool:
    return importlib.util.find_spec("reader.core.search") is not None


@dataclass
class State:
    articles: dict[int, str] = field(default_factory=dict)  # id -> its unique word
    highlights: dict[int, tuple[Any, ...]] = field(default_factory=dict)  # id -> (aid, start, end, color, note, tags)
    notes: dict[int, tuple[int, str]] = field(default_factory=dict)  # id -> (aid, body)
    tags: set[tuple[int, str]] = field(default_factory=set)  # (article id, casefolded tag)

    def copy(self) -> State:
        return State(dict(self.articles), dict(self.highlights), dict(self.notes), set(self.tags))


def snapshot(lib: Library, exclude: frozenset[int] = frozenset()) -> State:
    """What the library holds, leaving out the articles in ``exclude`` and all hanging on them."""
    conn = raw_storage(lib).conn
    state = State()
    for r in conn.execute("SELECT id, title, text FROM articles"):
        if r["id"] in exclude:
            continue
        m = WORD.search(r["text"])
        assert m, f"article {r['id']} lost its text"
        assert r["title"] == f"Article about {m.group(1)}", f"article {r['id']}: title and text disagree"
        state.articles[r["id"]] = m.group(1)
    htags: dict[int, set[str]] = {}
    for hid, key in conn.execute("SELECT ht.highlight_id, t.key FROM highlight_tags ht JOIN tags t ON t.id = ht.tag_id"):
        htags.setdefault(hid, set()).add(key)
    for r in conn.execute("SELECT id, article_id, start, end, color, note FROM highlights"):
        if r[1] in exclude:
            continue
        state.highlights[r[0]] = (r[1], r[2], r[3], r[4], r[5], frozenset(htags.get(r[0], ())))
    for r in conn.execute("SELECT id, article_id, body FROM notes"):
        if r[1] in exclude:
            continue
        state.notes[r[0]] = (r[1], r[2])
    for aid, key in conn.execute("SELECT at.article_id, t.key FROM article_tags at JOIN tags t ON t.id = at.tag_id"):
        if aid not in exclude:
            state.tags.add((aid, key))
    return state


def check_structure(lib: Library) -> None:
    """Nothing half-written: every row whole and consistent with the rows it points to."""
    conn = raw_storage(lib).conn
    assert lib.integrity_check() == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    seq = lib.change_seq()
    texts = {}
    for r in conn.execute(
        "SELECT a.id, a.document, a.text, a.content_hash, c.change_seq, a.deleted_at"
        " FROM articles a LEFT JOIN article_changes c ON c.article_id = a.id"
    ):
        assert r["deleted_at"] is None, "a deleted article survived the purge at open"
        assert Document.from_json(r["document"]).text == r["text"], f"article {r['id']}: document and text differ"
        assert r["content_hash"] and r["change_seq"] is not None and 0 < r["change_seq"] <= seq
        texts[r["id"]] = r["text"]
    for r in conn.execute("SELECT id, article_id, start, end, exact FROM highlights"):
        if r["start"] is not None:
            text = texts[r["article_id"]]
            assert 0 <= r["start"] < r["end"] <= len(text), f"highlight {r['id']} points outside its article"
            assert text[r["start"]:r["end"]] == r["exact"], f"highlight {r['id']} does not match its text"
    unlinked = conn.execute(
        "SELECT name FROM tags WHERE id NOT IN (SELECT tag_id FROM article_tags)"
        " AND id NOT IN (SELECT tag_id FROM highlight_tags)"
    ).fetchall()
    assert unlinked == [], f"tags without links: {[r[0] for r in unlinked]}"
    assert all(r[0] <= seq for r in conn.execute("SELECT change_seq FROM tombstones"))
    strays = conn.execute("SELECT article_id FROM article_changes WHERE article_id NOT IN (SELECT id FROM articles)")
    assert strays.fetchall() == [], "a purged article kept its change stamp"


def apply(state: State, line: list[str], actual: State | None = None) -> State:
    """``state`` after the action of one ``done`` line; for an in-flight ``start`` line the
    ids it would have created are looked up in ``actual``."""
    s = state.copy()
    action, args = line[1], line[2:]

    def new_id(table: dict[int, Any], match: Any) -> int | None:
        assert actual is not None
        found = [k for k, v in getattr(actual, table).items() if k not in getattr(state, table) and match(v)]
        assert len(found) <= 1, f"in-flight {action} left {len(found)} rows"
        return found[0] if found else None

    if action == "add":
        if actual is None:
            aid, word, tag = int(args[0]), args[1], args[2]
        else:
            word, tag = args
            aid = new_id("articles", lambda w, word=word: w == word)
            if aid is None:
                return s
        s.articles[aid] = word
        if tag != "-":
            s.tags.add((aid, tag.casefold()))
    elif action == "add_many":
        if actual is None:
            pairs = [p.split(":") for p in args[0].split(",")]
        else:  # one transaction per file: any first few may be in
            pairs = []
            for word in args[0].split(","):
                aid = new_id("articles", lambda w, word=word: w == word)
                if aid is None:
                    break
                pairs.append((aid, word))
        for aid, word in pairs:
            s.articles[int(aid)] = word
    elif action == "reimport":
        aid = int(args[0])
        s.articles[aid] = args[1]
        for hid, h in s.highlights.items():
            if h[0] == aid:
                s.highlights[hid] = (h[0], ANY, ANY, *h[3:])
    elif action == "highlight":
        if actual is None:
            hid, (aid, start, end, color, tag) = int(args[0]), args[1:]
        else:
            aid, start, end, color, tag = args
            hid = new_id("highlights", lambda h: h[0] == int(aid) and (h[1], h[2]) == (int(start), int(end)))
            if hid is None:
                return s
        s.highlights[hid] = (int(aid), int(start), int(end), color, "", frozenset() if tag == "-" else {tag.casefold()})
    elif action == "hl_note":
        h = s.highlights[int(args[0])]
        s.highlights[int(args[0])] = (*h[:4], args[1], h[5])
    elif action == "hl_delete":
        del s.highlights[int(args[0])]
    elif action == "note":
        if actual is None:
            nid, aid, body = int(args[0]), int(args[1]), args[2]
        else:
            aid, body = int(args[0]), args[1]
            nid = new_id("notes", lambda n: n == (aid, body))
            if nid is None:
                return s
        s.notes[nid] = (aid, body)
    elif action == "note_edit":
        s.notes[int(args[0])] = (s.notes[int(args[0])][0], args[1])
    elif action == "note_delete":
        del s.notes[int(args[0])]
    elif action in ("tag", "untag"):
        pair = (int(args[0]), args[1].casefold())
        (s.tags.add if action == "tag" else s.tags.discard)(pair)
    elif action == "delete":
        aid = int(args[0])
        del s.articles[aid]
        s.highlights = {k: v for k, v in s.highlights.items() if v[0] != aid}
        s.notes = {k: v for k, v in s.notes.items() if v[0] != aid}
        s.tags = {p for p in s.tags if p[0] != aid}
    elif action == "reindex":
        pass
    else:
        raise AssertionError(f"unknown action {action!r}")
    return s


def same_highlight(want: tuple[Any, ...] | None, got: tuple[Any, ...] | None) -> bool:
    if want is not None and got is not None and want[1] is ANY:
        return (want[0], *want[3:]) == (got[0], *got[3:])
    return want == got


def same(expected: State, actual: State) -> bool:
    if expected.articles != actual.articles or expected.notes != actual.notes or expected.tags != actual.tags:
        return False
    if expected.highlights.keys() != actual.highlights.keys():
        return False
    return all(same_highlight(want, actual.highlights[hid]) for hid, want in expected.highlights.items())


def diff(expected: State, actual: State) -> str:
    out = []
    for name in ("articles", "highlights", "notes"):
        e, a = getattr(expected, name), getattr(actual, name)
        equal = same_highlight if name == "highlights" else (lambda x, y: x == y)
        for k in sorted(set(e) | set(a)):
            if not equal(e.get(k), a.get(k)):
                out.append(f"{name}[{k}]: expected {e.get(k)!r}, found {a.get(k)!r}")
    out += [f"tag {p} missing" for p in expected.tags - actual.tags]
    out += [f"tag {p} unexpected" for p in actual.tags - expected.tags]
    return "; ".join(out[:10])


def check_search(lib: Library, expected: State, last_words: list[tuple[int, str]]) -> None:
    """The index opens (whatever the kill left), catches up, and finds the last reported import."""
    lib.index_catch_up()
    assert lib.index_catch_up() == 0, "the index did not catch up with SQLite in one go"
    assert lib.index.pending() == 0, "articles changed in SQLite are missing from the index"
    assert lib.index.doc_count() == len(expected.articles), "the index holds another set of articles than SQLite"
    for aid, word in reversed(last_words):
        if expected.articles.get(aid) == word:
            hits = lib.search(word)
            found = {getattr(h, "article_id", None) for h in hits}
            assert found == {aid}, f"searching {word!r} found {found}, expected article {aid}"
            return


def run_driver(home: Path, sources: Path, run: int, seed: int, rng: random.Random, search: bool) -> list[list[str]]:
    proc = subprocess.Popen(
        [sys.executable, str(DRIVER), str(home), str(sources), str(run), str(seed)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    try:
        if rng.random() < 0.15:
            time.sleep(rng.uniform(0.0, 0.5))  # now and then while it opens the library
        else:
            first = proc.stdout.readline()
            assert first == b"ready\n", f"driver failed to start: {first!r} {proc.stderr.read()[-2000:]!r}"
            # Each action also updates the index when there is one, so it takes longer.
            time.sleep(rng.uniform(0.0, 1.2 if search else 0.6))
        if proc.poll() is not None:
            raise AssertionError(f"driver died on its own: {proc.stderr.read()[-3000:].decode()}")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        out = proc.stdout.read().decode()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    return [line.split(" ") for line in out.splitlines() if line and line != "ready"]


@pytest.mark.slow
def test_kill9_at_random_points_loses_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = int(os.environ.get("READER_KILL_SEED", random.SystemRandom().randrange(1 << 30)))
    print(f"kill -9 test seed {seed} (rerun with READER_KILL_SEED={seed})")
    rng = random.Random(seed)
    home, sources = tmp_path / "home", tmp_path / "sources"
    sources.mkdir()
    search = has_search()
    baseline = State()
    survived = actions_done = in_flight_committed = 0
    deadline = time.monotonic() + 150
    for run in range(KILLS):
        lines = run_driver(home, sources, run, rng.randrange(1 << 30), rng, search)
        done = [line for line in lines if line[0] == "done"]
        in_flight = lines[-1] if lines and lines[-1][0] == "start" else None
        actions_done += len(done)
        expected = baseline
        for line in done:
            expected = apply(expected, line)
        if not home.exists():  # killed before the library was ever created
            assert not done
            survived += 1
            continue
        with Library(home, search=search) as lib:
            check_structure(lib)
            actual = snapshot(lib)
            if not same(expected, actual):
                assert in_flight is not None, f"run {run}: {diff(expected, actual)}"
                after = apply(expected, in_flight, actual)
                assert same(after, actual), f"run {run}, in flight {in_flight}: {diff(after, actual)}"
                in_flight_committed += 1
            if search:
                last_words = [
                    (int(p[0]), p[1])
                    for line in done if line[1] in ("add", "add_many", "reimport")
                    for p in ([line[2:4]] if line[1] != "add_many" else [x.split(":") for x in line[2].split(",")])
                ]
                check_search(lib, actual, last_words)
            baseline = snapshot(lib)  # the purge at open is part of what the next run starts from
        survived += 1
        assert time.monotonic() < deadline or run >= 50, "too slow: fewer than 50 kills in the time allowed"
        if time.monotonic() > deadline:
            break
    summary = (
        f"kill -9: survived {survived}/{run + 1} kills, {actions_done} actions reported done, "
        f"{in_flight_committed} killed after commit but before the report, "
        f"{len(baseline.articles)} articles at the end, search {'checked' if search else 'absent'}, seed {seed}"
    )
    with capsys.disabled():
        print("\n" + summary)
    assert survived == run + 1 >= 50
    assert actions_done >= 50, "the kills came too early to test anything"
