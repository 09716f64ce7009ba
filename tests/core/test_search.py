"""Search through the Library: real SQLite, real Whoosh, a temporary READER_HOME."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reader.core import search as search_mod
from reader.core.document import Document
from reader.core.errors import InvalidSearchQueryError
from reader.core.importers import ImportedArticle
from reader.core.library import Library
from reader.core.search import SearchIndex
from reader.core.search import writer as search_writer
from reader.core.storage import changes
from tests.conftest import raw_storage

RUST = [
    "😀🎉 The borrow checker prevents data races at compile time.",
    "Ownership moves values between bindings; lifetimes keep references honest.",
    "A <script>alert(1)</script> tag in the text stays text.",
]
GARDEN = [
    "Tomatoes need full sun and steady watering through the summer.",
    "Compost feeds the soil; mulch keeps moisture in during the heat.",
]
BAKING = [
    "Sourdough bread rises slowly with a wild yeast starter.",
    "The crust browns in a hot oven while the crumb stays open.",
]
RUSSIAN = ["Москва красивая осенью. Парки и улицы полны листьев."]
GERMAN = ["Die Kühe fressen Äpfel auf der grünen Wiese."]
CJK = ["東京 大阪 京都 は 日本 の 都市 です"]


def article(title: str, paras: list[str], **meta) -> ImportedArticle:
    return ImportedArticle(title=title, document=Document.from_paragraphs(paras), format="text", **meta)


def add(lib: Library, title: str, paras: list[str], tags=(), source_key=None, **meta) -> int:
    return lib.add_imported(article(title, paras, **meta), tags, source_key=source_key).article_id


def set_added(lib: Library, article_id: int, when: datetime) -> None:
    with raw_storage(lib).transaction() as conn:
        conn.execute("UPDATE articles SET added = ? WHERE id = ?", (when.isoformat(), article_id))
        changes.touch(conn, [article_id])
    lib.index_catch_up()


def ids(results) -> list[int]:
    return [r.article_id for r in results]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory):
    """One library for the read-only query tests (building it once keeps the suite fast)."""
    home = tmp_path_factory.mktemp("search-corpus")
    lib = Library(home)
    a = {}
    a["rust"] = add(lib, "Rust ownership explained", RUST, tags=["programming", "machine learning"],
                    author="Jane Smith", site="blog.example.com", url="https://blog.example.com/rust-ownership",
                    published=datetime(2024, 11, 5))
    a["garden"] = add(lib, "Summer garden notes", GARDEN, tags=["garden"], author="Tom Green",
                      site="plants.org", url="https://plants.org/summer", published=datetime(2023, 6, 1))
    a["baking"] = add(lib, "Sourdough at home", BAKING, author="Anna Baker", site="bread.net",
                      url="https://bread.net/sourdough", published=datetime(2024, 2, 10))
    a["russian"] = add(lib, "Москва осенью", RUSSIAN)
    a["german"] = add(lib, "Kühe und Äpfel", GERMAN)
    a["cjk"] = add(lib, "日本の都市", CJK)
    a["borrow_title"] = add(lib, "Borrow checker diaries", ["A short post about compilers and nothing else."])
    lib.highlight_quote(a["garden"], "Compost feeds the soil", note="try worm castings", tags=["soil care"])
    lib.add_note(a["baking"], "Feed the levain twice a day")
    now = datetime.now(UTC)
    set_added(lib, a["garden"], now - timedelta(days=1))
    set_added(lib, a["baking"], datetime(2024, 3, 15, 12, tzinfo=UTC))
    set_added(lib, a["rust"], now - timedelta(days=3))
    for key in ("russian", "german", "cjk", "borrow_title"):
        set_added(lib, a[key], datetime(2021, 5, 5, 12, tzinfo=UTC))
    yield lib, a
    lib.close()


# -- words and operators ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "query, expected",
    [
        ("tomatoes", {"garden"}),
        ("tomato", {"garden"}),                       # English stemming
        ("checkers", {"rust", "borrow_title"}),
        ("sourdough starter", {"baking"}),            # AND by default
        ("sourdough compost", set()),
        ("sourdough OR compost", {"baking", "garden"}),
        ("borrow NOT post", {"rust"}),
        ("borrow -post", {"rust"}),
        ("compilers", {"rust", "borrow_title"}),     # "compile" and "compilers" share a stem
        ("(tomatoes OR sourdough) summer", {"garden"}),
        ('"borrow checker"', {"rust", "borrow_title"}),
        ('"checker borrow"', set()),                  # a phrase keeps its order
        ("owner*", {"rust"}),
        ("own?rship", {"rust"}),                     # wildcards inside a word
        ("sourd*gh", {"baking"}),
        ("compst~", {"garden"}),                      # one letter missing
        ("sourdouhg~", {"baking"}),                   # two letters swapped
        ("Москва", {"russian"}),
        ("улицы", {"russian"}),
        ("Kühe", {"german"}),
        ("Wiese", {"german"}),
        ("東京", {"cjk"}),
    ],
)
def test_words_and_operators(corpus, query, expected):
    lib, a = corpus
    assert set(ids(lib.search(query))) == {a[k] for k in expected}


@pytest.mark.parametrize(
    "query, expected, field",
    [
        ("title:sourdough", {"baking"}, "title"),
        ("title:compost", set(), None),
        ("author:smith", {"rust"}, "author"),
        ("author:green", {"garden"}, "author"),
        ("site:plants", {"garden"}, "site"),
        ("site:plants.org", {"garden"}, "site"),
        ("url:ownership", {"rust"}, "url"),
        ("tag:programming", {"rust"}, "tag"),
        ('tag:"machine learning"', {"rust"}, "tag"),
        ("tag:soil", {"garden"}, "tag"),               # a highlight's tag
        ("highlight:compost", {"garden"}, "highlight"),
        ("highlight:tomatoes", set(), None),           # in the text, not highlighted
        ("note:levain", {"baking"}, "note"),           # the article's note
        ("note:castings", {"garden"}, "note"),         # a highlight's note
        ("levain", {"baking"}, "note"),                # unfielded words search notes too
    ],
)
def test_fields(corpus, query, expected, field):
    lib, a = corpus
    results = lib.search(query)
    assert set(ids(results)) == {a[k] for k in expected}
    for r in results:
        assert field in r.matched_in


def test_matched_in_lists_every_field_that_matched(corpus):
    lib, a = corpus
    (hit,) = lib.search("compost")
    assert hit.article_id == a["garden"]
    assert set(hit.matched_in) >= {"text", "highlight"}
    assert "title" not in hit.matched_in


@pytest.mark.parametrize(
    "query, expected",
    [
        ("added:today", set()),
        ("added:yesterday", {"garden"}),
        ("added:[last week to now]", {"garden", "rust"}),
        ("added:[2024-01-01 to 2024-06-30]", {"baking"}),
        ("added:2024-03", {"baking"}),
        ("added:2021", {"russian", "german", "cjk", "borrow_title"}),
        ("published:2024", {"rust", "baking"}),
        ("published:2024-11", {"rust"}),
        ("published:[2023-01-01 to 2023-12-31]", {"garden"}),
        ("bread published:2024", {"baking"}),
        ("tomatoes published:2024", set()),
        ("borrow added:[last week to now]", {"rust"}),
    ],
)
def test_dates(corpus, query, expected):
    lib, a = corpus
    assert set(ids(lib.search(query))) == {a[k] for k in expected}


def test_added_today(tmp_path):
    with Library(tmp_path / "lib") as lib:
        aid = add(lib, "Fresh", ["Just saved this morning."])
        assert ids(lib.search("added:today")) == [aid]
        assert ids(lib.search("saved added:today")) == [aid]


def test_a_date_it_cannot_read_says_so(corpus):
    lib, _ = corpus
    with pytest.raises(InvalidSearchQueryError, match="date"):
        lib.search("added:someday-maybe")


def test_ranking_prefers_the_title(corpus):
    lib, a = corpus
    results = lib.search("borrow checker")
    assert ids(results)[0] == a["borrow_title"]
    assert results[0].score >= results[1].score


MALFORMED = [
    'unclosed "quote', "AND", "OR OR", "title:", "((", "))", "(a OR", "*", "~", "?", "a~~~", "title:(",
    "NOT", "NOT NOT", "-", "+", ":", "::", "[", "]", "{}", "added:", "added:[", "added:[to]", "tag:",
    "borrow^", "borrow^^2", '"', '""', "\x00\x01\x02", "\u200b", "a" * 200, "x " * 400, "\\", "/",
    "title:\"", "**", "*a", "a*b*c", "%", "'", "''", "borrow AND", "AND borrow", "NOT borrow",
    "checker~9", "published:[2024 to 2023]", "author:(smith OR", "note:-", "🦀", "😀 borrow",
]


@pytest.mark.parametrize("query", MALFORMED)
def test_malformed_queries_never_raise_anything_else(corpus, query):
    lib, _ = corpus
    try:
        results = lib.search(query)
    except InvalidSearchQueryError as exc:
        message = str(exc)
        assert message.endswith(".") and "\n" not in message
    else:
        assert isinstance(results, list)


@pytest.mark.parametrize(
    "query, words",
    [
        ("t*", "at least 2 letters"),               # would read the whole lexicon
        ("*ing", "at least 2 letters"),
        ("a?c", "at least 2 letters"),
        ("bo* ch* so* to* co*", "use at most 4"),
        ("text:[a to z]", "added: and published: only"),
        ("title:*", "no words"),
    ],
)
def test_costly_wildcards_and_ranges_are_refused(corpus, query, words):
    lib, _ = corpus
    with pytest.raises(InvalidSearchQueryError, match=words):
        lib.search(query)


@pytest.mark.parametrize("query", ["\udcff", "\udcff*", "x\udcff~", "ab\udcff?", '"\udcff"', "bor\ud83drow"])
def test_lone_surrogates_are_dropped(corpus, query):
    lib, _ = corpus
    try:
        lib.search(query)
    except InvalidSearchQueryError as exc:
        assert str(exc).endswith(".")


def test_very_long_query_is_refused_in_one_sentence(corpus):
    lib, _ = corpus
    with pytest.raises(InvalidSearchQueryError, match="too long"):
        lib.search("borrow " * 1500)


def test_malformed_query_is_searched_as_words(corpus):
    lib, a = corpus
    assert a["rust"] in ids(lib.search('borrow "checker'))
    assert a["rust"] in ids(lib.search("(borrow"))


# -- results: snippets and offsets ----------------------------------------------------------
def test_offsets_point_at_the_matched_words_after_emoji(corpus):
    lib, a = corpus
    (hit,) = [r for r in lib.search("checker") if r.article_id == a["rust"]]
    text = lib.get(a["rust"]).document.text
    assert text.startswith("😀🎉")
    assert hit.snippet_plain == text[hit.start:hit.end].replace("\n", " ")
    words = [text[s:e] for s, e in hit.match_offsets]
    assert words == ["checker"]
    assert "<b>checker</b>" in hit.snippet


def test_snippet_marks_every_matched_word_and_escapes_html(corpus):
    lib, a = corpus
    (hit,) = lib.search("tag stays")
    assert hit.article_id == a["rust"]
    marked = [hit.snippet_plain[s:e] for s, e in hit.marks]
    assert marked == ["tag", "stays"]
    assert "&lt;script&gt;" in hit.snippet and "<script>" not in hit.snippet


def test_snippet_of_a_match_outside_the_text_is_the_opening(corpus):
    lib, a = corpus
    (hit,) = lib.search("author:smith")
    assert hit.start == 0 and hit.marks == [] and hit.snippet_plain.startswith("😀🎉 The borrow")


def test_results_carry_title_and_total(corpus):
    lib, a = corpus
    results = lib.search("the", limit=5)  # a stop word alone
    assert results == [] or results.total >= len(results)
    results = lib.search("borrow", limit=1)
    assert len(results) == 1 and results.total >= 2
    assert lib.search("borrow", limit=5).total == 2
    assert results[0].title in ("Rust ownership explained", "Borrow checker diaries")


def test_did_you_mean(corpus):
    lib, a = corpus
    results = lib.search("tomatoez")
    assert results == [] and results.suggestion == "tomatoes"
    assert ids(lib.search(results.suggestion)) == [a["garden"]]
    results = lib.search("sourdough compst")
    assert results.suggestion == "sourdough compost" or results.suggestion is None  # finds nothing either way
    assert lib.search("sourdough").suggestion is None
    assert lib.search("qqqqqqqq").suggestion is None


# -- keeping up with the library -------------------------------------------------------------
def test_changes_are_searchable_at_once(tmp_path):
    with Library(tmp_path / "lib") as lib:
        aid = add(lib, "Plain", ["Nothing special about walruses here."])
        assert lib.index.search("walruses") and not lib.index.search("zeppelin")
        h = lib.highlight_quote(aid, "Nothing special", note="zeppelin idea")
        assert ids(lib.index.search("note:zeppelin")) == [aid]
        lib.update_highlight(h.id, note="balloon idea")
        assert not lib.index.search("zeppelin") and ids(lib.index.search("balloon")) == [aid]
        lib.tag(aid, "arctic")
        assert ids(lib.index.search("tag:arctic")) == [aid]
        lib.untag(aid, "arctic")
        assert not lib.index.search("tag:arctic")
        lib.delete_highlight(h.id)
        assert not lib.index.search("highlight:special")


def test_deleted_articles_are_gone_and_undo_brings_them_back(tmp_path):
    with Library(tmp_path / "lib") as lib:
        aid = add(lib, "Walruses", ["Walruses live in the Arctic."])
        keep = add(lib, "Penguins", ["Penguins live in the south."])
        lib.delete(aid)
        assert ids(lib.search("live")) == [keep]
        lib.undo()
        assert set(ids(lib.search("live"))) == {aid, keep}
        lib.delete(aid)
    with Library(tmp_path / "lib") as lib:  # the next start purges it for good
        assert ids(lib.search("live")) == [keep]
        assert lib.index.doc_count() == 1


def test_reimport_replaces_the_old_text(tmp_path):
    with Library(tmp_path / "lib") as lib:
        aid = add(lib, "Notes", ["The first draft talks about otters."], source_key="/x/notes.txt")
        assert ids(lib.search("otters")) == [aid]
        again = add(lib, "Notes", ["The second draft talks about beavers."], source_key="/x/notes.txt")
        assert again == aid
        assert lib.search("otters") == [] and ids(lib.search("beavers")) == [aid]
        assert lib.index.doc_count() == 1


def test_index_behind_sqlite_catches_up_at_open(tmp_path):
    home = tmp_path / "lib"
    with Library(home) as lib:
        first = add(lib, "Indexed", ["Indexed right away: herons."])
    # A crash between the SQLite commit and the index update looks like this: SQLite is ahead.
    with Library(home, auto_index=False) as lib:
        second = add(lib, "Not yet indexed", ["Saved before the crash: egrets."])
        lib.tag(first, "birds")
    with Library(home) as lib:
        assert ids(lib.search("egrets")) == [second]
        assert ids(lib.search("tag:birds")) == [first]
        assert lib.index.last_seq == lib.change_seq()


def test_catch_up_reports_progress_and_can_be_cancelled(tmp_path, monkeypatch):
    monkeypatch.setattr(search_writer, "BATCH", 2)
    home = tmp_path / "lib"
    with Library(home, auto_index=False) as lib:
        for i in range(7):
            add(lib, f"Article {i}", [f"Body of article number {i} about kestrels."])
        calls = []
        cancel_after = iter([False, False, True])
        done = lib.index_catch_up(progress=lambda d, t, label: calls.append((d, t)), cancel=lambda: next(cancel_after, True))
        assert done == 4 and calls[0] == (0, 7)
        assert len(lib.index.search("kestrels", limit=50)) == 4
        assert lib.index_catch_up() == 3
        assert len(lib.index.search("kestrels", limit=50)) == 7


def test_reindex_rebuilds_from_sqlite(tmp_path):
    with Library(tmp_path / "lib") as lib:
        aid = add(lib, "Rebuild me", ["Cormorants dive for fish."])
        lib.add_note(aid, "seen at the harbour")
        seen = []
        assert lib.reindex(progress=lambda d, t, label: seen.append((d, t))) == 1
        assert seen[-1] == (1, 1)
        assert ids(lib.search("cormorants")) == [aid] and ids(lib.search("note:harbour")) == [aid]
        assert lib.reindex(cancel=lambda: True) == 0  # cancelled: the old index still answers
        assert ids(lib.search("cormorants")) == [aid]


# -- repair -------------------------------------------------------------------------------------
def _largest_segment_file(index_dir: Path) -> Path:
    files = [p for p in index_dir.iterdir() if p.name.startswith("MAIN_") and p.suffix not in (".toc", "")]
    return max(files, key=lambda p: p.stat().st_size)


def test_corrupt_segment_is_rebuilt_at_open(tmp_path):
    home = tmp_path / "lib"
    with Library(home) as lib:
        aid = add(lib, "Sturdy", ["Albatrosses glide for hours."])
    seg = _largest_segment_file(home / "index")
    with open(seg, "r+b") as fh:
        fh.truncate(seg.stat().st_size // 3)
    with Library(home) as lib:
        assert lib.index.repaired == "corrupt"
        assert ids(lib.search("albatrosses")) == [aid]
    assert (home / "index.broken").is_dir()


def test_missing_toc_is_rebuilt(tmp_path):
    home = tmp_path / "lib"
    with Library(home) as lib:
        aid = add(lib, "Sturdy", ["Puffins nest in burrows."])
    for toc in (home / "index").glob("*.toc"):
        toc.unlink()
    with Library(home) as lib:
        assert lib.index.repaired == "corrupt"
        assert ids(lib.search("puffins")) == [aid]


def test_older_schema_is_rebuilt(tmp_path):
    home = tmp_path / "lib"
    with Library(home) as lib:
        aid = add(lib, "Old", ["Gannets plunge into the sea."])
    meta = home / "index" / search_mod.META_FILE
    meta.write_text(json.dumps({"schema": search_mod.SCHEMA_VERSION - 1, "last_seq": 99}), "utf-8")
    with Library(home) as lib:
        assert lib.index.repaired == "older schema"
        assert ids(lib.search("gannets")) == [aid]


def test_missing_index_is_built(tmp_path):
    home = tmp_path / "lib"
    with Library(home, search=False) as lib:
        aid = add(lib, "Before search", ["Ospreys hunt over the lake."])
    with Library(home) as lib:
        assert ids(lib.search("ospreys")) == [aid]


LOCK_HOLDER = """
import sys, time
from whoosh import index
ix = index.open_dir(sys.argv[1])
w = ix.writer()
print("locked", flush=True)
time.sleep(60)
"""


def test_lock_left_by_a_killed_process_does_not_block(tmp_path):
    home = tmp_path / "lib"
    with Library(home) as lib:
        aid = add(lib, "Locked", ["Skuas chase other birds."])
    proc = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(home / "index")], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        proc.stdout.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert (home / "index" / search_mod.LOCK_FILE).exists()
    with Library(home) as lib:
        assert lib.index.repaired is None
        lib.add_note(aid, "terns too")
        assert ids(lib.index.search("terns")) == [aid]


def test_lock_held_by_a_live_process_delays_indexing_without_failing(tmp_path, monkeypatch):
    monkeypatch.setattr(search_writer, "WRITER_TIMEOUT", 0.05)
    home = tmp_path / "lib"
    with Library(home) as lib:
        aid = add(lib, "Locked", ["Skuas chase other birds."])
    proc = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(home / "index")], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        with Library(home) as lib:
            lib.add_note(aid, "terns too")        # cannot be indexed now: no error
            assert ids(lib.search("skuas")) == [aid]
            proc.kill()
            proc.wait(10)
            assert ids(lib.search("terns")) == [aid]  # caught up once the lock is free
    finally:
        proc.stdout.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# -- concurrency and merging -------------------------------------------------------------------
def test_catch_up_on_a_worker_thread_while_searching(tmp_path):
    with Library(tmp_path / "lib", auto_index=False) as lib:
        for i in range(40):
            add(lib, f"Bird {i}", [f"Bird number {i} is a shearwater."])
        index = lib.index
        errors: list[BaseException] = []

        def work():
            try:
                index.catch_up()
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        t = threading.Thread(target=work)
        t.start()
        while t.is_alive():
            index.search("shearwater")
        t.join()
        assert not errors
        assert index.search("shearwater", limit=100).total == 40


def test_small_segments_are_merged_when_idle(tmp_path, monkeypatch):
    monkeypatch.setattr(search_writer, "MERGE_IDLE_SECONDS", 0.0)
    monkeypatch.setattr(search_writer, "MERGE_FACTOR", 3)
    with Library(tmp_path / "lib") as lib:
        aid = add(lib, "Merge", ["Fulmars glide low."])
        for i in range(4):
            lib.add_note(aid, f"note {i} about petrels")
        index = lib.index
        deadline = time.monotonic() + 10
        while len(index._ix._segments()) > 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(index._ix._segments()) <= 2
        assert ids(lib.search("petrels")) == [aid] and lib.index.doc_count() == 1


def test_searching_directly_without_catch_up(tmp_path):
    home = tmp_path / "lib"
    with Library(home, search=False) as lib:
        aid = add(lib, "Direct", ["Guillemots crowd the cliffs."])
        index = SearchIndex(home / "index", raw_storage(lib))
        try:
            assert index.search("guillemots") == []
            assert index.catch_up() == 1
            assert ids(index.search("guillemots")) == [aid]
        finally:
            index.close()


def test_bulk_indexing_in_two_processes(tmp_path, monkeypatch):
    monkeypatch.setattr(search_writer, "BULK_THRESHOLD", 2)
    monkeypatch.setattr(search_writer, "BULK_PROCS", 2)
    with Library(tmp_path / "lib", auto_index=False) as lib:
        made = [add(lib, f"Seabird {i}", [f"Seabird {i} nests on the cliff with razorbills."]) for i in range(6)]
        assert lib.index_catch_up() == 6
        assert sorted(ids(lib.search("razorbills"))) == made
        assert lib.reindex() == 6
        assert sorted(ids(lib.search("razorbills"))) == made and lib.index.doc_count() == 6
