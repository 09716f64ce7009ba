"""Importing other tools' highlights into a library: matching, anchoring, notes-only
articles, no duplicates, one transaction."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.core import annotation_imports
from reader.core.annotation_imports import NOTES_FORMAT, import_annotations, normalize_url
from reader.core.document import Block, Document
from reader.core.errors import ImportFailed
from reader.core.exporters import atomic_write_text
from reader.core.exporters.web_annotation import export_web_annotations
from reader.core.importers import ImportedArticle
from reader.core.library import Library
from tests.conftest import highlight_count

from .samples import MY_CLIPPINGS, READWISE_CSV, hypothesis_export

ESSAY_URL = "https://example.org/essays/margins"


@pytest.fixture
def lib(reader_home: Path):
    library = Library(reader_home, search=False)
    yield library
    library.close()


def add_book(lib: Library, title: str, paragraphs: list[str], **meta: str) -> int:
    imported = ImportedArticle(title=title, document=Document.from_paragraphs(paragraphs), format="epub", **meta)
    return lib.add_imported(imported).article_id


def add_essay(lib: Library) -> int:
    blocks = (
        Block("heading", "Why we underline", level=1),
        Block("paragraph", "Readers have marked books for as long as there have been margins."),
        Block("paragraph", "Some think with a pencil in hand; the rest borrow a pencil when needed."),
        Block("quote", "Whoever reads with a pencil reads twice.", level=1),
    )
    imported = ImportedArticle(title="Margins", document=Document(blocks), format="html", url=ESSAY_URL + "/")
    return lib.add_imported(imported).article_id


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


THINKING = [
    "Chapter 5. Cognitive Ease.",
    # The quote runs over a paragraph break and a double space: still the same words.
    "A reliable way to make people  believe in falsehoods is frequent repetition, because familiarity is not",
    "easily distinguished from truth. Authoritarian institutions and marketers have always known this fact.",
]


def test_kindle_highlights_attach_to_the_matching_book_or_become_notes_only_articles(
    lib: Library, tmp_path: Path
) -> None:
    book = add_book(lib, "THINKING, fast and   slow", THINKING, author="Daniel Kahneman")
    summary = import_annotations(lib, write(tmp_path, "My Clippings.txt", MY_CLIPPINGS))
    # 2 for the matching book (one found, one not in this edition's text), 5 in new articles.
    assert summary.message() == "imported 7 highlights (1 attached to existing articles, 1 orphaned) into 6 articles"
    assert summary.created == 5 and lib.count() == 6
    found, orphan = lib.get(book).highlights
    text = lib.get(book).text
    assert text[found.start:found.end].startswith("A reliable way to make people  believe")
    assert text[found.start:found.end].endswith("distinguished from truth.")
    assert found.note == "Mere exposure effect - compare with propaganda."
    assert found.created == "2024-11-17T15:26:00"
    assert orphan.orphaned and orphan.exact.startswith("Nothing in life is as important")

    german = next(a for a in lib.list_articles() if a.title == "Der Zauberberg (German Edition)")
    article = lib.get(german.id)
    assert article.format == NOTES_FORMAT and article.author == "Mann, Thomas" and article.site == "Kindle"
    assert [(b.kind, b.text) for b in article.document.blocks] == [
        ("paragraph", "Kann man die Zeit erzählen, diese selbst, als solche, an und für sich?"),
        ("quote", "Zeit als Erzählgegenstand!"),
    ]
    (h,) = article.highlights
    assert article.text[h.start:h.end] == h.exact and h.note == "Zeit als Erzählgegenstand!"
    meditations = lib.get(next(a.id for a in lib.list_articles() if a.title == "Meditations"))
    assert [n.body for n in meditations.notes] == ["Reread book 4 slowly."]


def test_reimporting_the_same_file_adds_nothing(lib: Library, tmp_path: Path) -> None:
    add_book(lib, "Thinking, Fast and Slow", THINKING)
    path = write(tmp_path, "My Clippings.txt", MY_CLIPPINGS)
    import_annotations(lib, path)
    before = (lib.count(), highlight_count(lib))
    again = import_annotations(lib, path)
    assert again.highlights == 0 and again.articles == 0 and again.duplicates == 8
    assert again.message() == (
        "imported 0 highlights (0 attached to existing articles, 0 orphaned) into 0 articles; 8 already there were skipped"
    )
    assert (lib.count(), highlight_count(lib)) == before


def test_a_grown_clippings_file_adds_only_the_new_highlights_and_notes(lib: Library, tmp_path: Path) -> None:
    first = "\n".join(
        [
            "Dune (Herbert, Frank)",
            "- Your Highlight on Location 100-101 | Added on Sunday, November 17, 2024 3:26:00 PM",
            "",
            "I must not fear. Fear is the mind-killer.",
            "==========",
        ]
    )
    path = write(tmp_path, "My Clippings.txt", first + "\n")
    import_annotations(lib, path)
    dune = next(a.id for a in lib.list_articles() if a.title == "Dune")
    old = lib.get(dune).highlights[0]
    grown = first + "\n" + "\n".join(
        [
            "Dune (Herbert, Frank)",
            "- Your Note on Location 101 | Added on Monday, November 18, 2024 9:00:00 AM",
            "",
            "The litany against fear.",
            "==========",
            "Dune (Herbert, Frank)",
            "- Your Highlight on Location 300-301 | Added on Monday, November 18, 2024 9:10:00 AM",
            "",
            "The mystery of life isn't a problem to solve, but a reality to experience.",
            "==========",
        ]
    )
    path.write_text(grown, encoding="utf-8")
    summary = import_annotations(lib, path)
    assert (summary.highlights, summary.attached, summary.orphaned, summary.duplicates) == (1, 1, 0, 1)
    article = lib.get(dune)
    kept, new = article.highlights
    assert (kept.id, kept.start, kept.end) == (old.id, old.start, old.end)
    assert kept.note == "The litany against fear."  # the note written later reaches the old highlight
    assert article.text[new.start:new.end] == "The mystery of life isn't a problem to solve, but a reality to experience."


def test_readwise_csv_keeps_notes_tags_and_colours(lib: Library, tmp_path: Path) -> None:
    book = add_book(lib, "Thinking, Fast and Slow", THINKING)
    summary = import_annotations(lib, write(tmp_path, "readwise-export.csv", READWISE_CSV))
    assert summary.format == "readwise"
    assert summary.message() == "imported 3 highlights (1 attached to existing articles, 1 orphaned) into 2 articles"
    found = lib.get(book).highlights[0]
    assert found.note == "Mere exposure.\nSecond line of the note." and found.color == "blue"
    assert found.tags == ("bias", "psychology") and found.created == "2024-11-17T15:26:00+00:00"
    assert lib.article_tags(book) == ()  # document tags describe Readwise's copy, not an existing article
    slow = lib.get(next(a.id for a in lib.list_articles() if a.title == "Slow Reading"))
    assert slow.author == "Ada Marginalia" and slow.highlights[0].exact == 'The "Zen" of reading is not to hurry.'
    assert slow.highlights[0].color == "yellow"  # 'mauve' is no Reader colour
    assert [n.body for n in slow.notes] == ["A note on the whole book."]


def test_hypothesis_matches_by_url_and_uses_the_context_to_pick_the_place(lib: Library, tmp_path: Path) -> None:
    essay = add_essay(lib)
    summary = import_annotations(lib, write(tmp_path, "hypothesis.json", hypothesis_export()))
    assert summary.format == "hypothesis"
    assert summary.message() == "imported 4 highlights (2 attached to existing articles, 1 orphaned) into 2 articles"
    article = lib.get(essay)
    by_exact = {h.exact: h for h in article.highlights}
    pencil = by_exact["a pencil"]
    assert article.text[pencil.start - len("Whoever reads with "):pencil.start] == "Whoever reads with "
    assert pencil.note == "The **second** reading." and pencil.tags == ("habit", "pencil")
    assert pencil.created == "2024-11-17T15:26:00+00:00" and pencil.updated == "2024-11-18T09:00:00+00:00"
    assert by_exact["a sentence the author later cut"].orphaned
    assert [n.body for n in article.notes] == ["Worth rereading every year."]
    blog = lib.get(next(a.id for a in lib.list_articles() if a.title == "On attention"))
    assert blog.url == "https://blog.example.net/posts/attention" and blog.site == "blog.example.net"
    assert blog.format == NOTES_FORMAT and blog.text.startswith("Attention is the rarest form of generosity.")


def test_hypothesis_client_export_format_is_read_too(lib: Library, tmp_path: Path) -> None:
    wrapped = {"export_date": "2024-11-20T10:00:00Z", "export_userid": "acct:ada@hypothes.is",
               "client_version": "1.1500.0", "annotations": json.loads(hypothesis_export())}
    summary = import_annotations(lib, write(tmp_path, "export.json", json.dumps(wrapped)))
    assert summary.format == "hypothesis" and summary.highlights == 4 and summary.created == 2


def test_w3c_export_of_one_library_imports_into_another(lib: Library, tmp_path: Path) -> None:
    essay = add_essay(lib)
    lib.highlight_quote(essay, "marked books", color="purple", note="Since *papyrus*.", tags=["history", "margins"])
    lib.highlight_quote(essay, "the rest borrow a pencil")
    local = lib.add_text("Diary\n\nToday I read slowly and it was good.").article_id
    lib.highlight_quote(local, "read slowly")
    path = atomic_write_text(tmp_path / "annotations.jsonld", export_web_annotations(lib))

    with Library(tmp_path / "second-home", search=False) as other:
        other_essay = add_essay(other)
        summary = import_annotations(other, path)
        assert summary.format == "w3c"
        assert summary.message() == "imported 3 highlights (2 attached to existing articles, 0 orphaned) into 2 articles"
        mine = [(h.start, h.end, h.exact, h.color, h.note, h.tags) for h in lib.get(essay).highlights]
        theirs = [(h.start, h.end, h.exact, h.color, h.note, h.tags) for h in other.get(other_essay).highlights]
        assert theirs == mine
        diary = next(a for a in other.list_articles() if a.title == "Diary")
        assert other.get(diary.id).highlights[0].exact == "read slowly"
        again = import_annotations(other, path)
        assert again.highlights == 0 and again.duplicates == 3


def test_w3c_reimport_into_the_same_library_adds_nothing(lib: Library, tmp_path: Path) -> None:
    essay = add_essay(lib)
    lib.highlight_quote(essay, "marked books")
    path = atomic_write_text(tmp_path / "annotations.jsonld", export_web_annotations(lib))
    summary = import_annotations(lib, path)
    assert (summary.highlights, summary.duplicates, lib.count()) == (0, 1, 1)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", "", r"^'.*empty\.txt' is empty\.$"),
        ("notes.txt", "Just some notes I wrote.\nNothing else.\n", r"is not a file of highlights Reader knows"),
        ("broken.json", '[{"uri": ', r"is not valid JSON \(line 1"),
        ("other.json", '{"hello": "world"}', r"is JSON but neither a Hypothesis export nor W3C Web Annotations"),
        ("none.json", "[]", r"holds no annotations"),
        ("library.json", '{"format": "reader-library", "version": 1, "articles": []}', r"is a Reader library export; restore it with 'reader import-library'\."),
    ],
)
def test_an_unknown_or_bad_file_is_one_sentence(lib: Library, tmp_path: Path, name: str, content: str, message: str) -> None:
    with pytest.raises(ImportFailed, match=message) as err:
        import_annotations(lib, write(tmp_path, name, content))
    assert "\n" not in str(err.value)
    assert lib.count() == 0


def test_a_missing_file_is_one_sentence(lib: Library, tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match=r"'.*nowhere\.txt' does not exist\."):
        import_annotations(lib, tmp_path / "nowhere.txt")


def test_a_failure_halfway_writes_nothing(lib: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    original = annotation_imports.applying._ImportRun._insert_highlight

    def failing(self, conn, article_id, sel, clip):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 4:
            raise ImportFailed("The disk went away.")
        return original(self, conn, article_id, sel, clip)

    monkeypatch.setattr(annotation_imports.applying._ImportRun, "_insert_highlight", failing)
    with pytest.raises(ImportFailed, match="The disk went away."):
        import_annotations(lib, write(tmp_path, "My Clippings.txt", MY_CLIPPINGS))
    assert lib.count() == 0 and highlight_count(lib) == 0


def test_cancel_imports_nothing(lib: Library, tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="cancelled"):
        import_annotations(lib, write(tmp_path, "My Clippings.txt", MY_CLIPPINGS), cancel=lambda: True)
    assert lib.count() == 0


def test_progress_reports_each_book(lib: Library, tmp_path: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    import_annotations(lib, write(tmp_path, "My Clippings.txt", MY_CLIPPINGS), progress=lambda *a: seen.append(a))
    assert seen[0] == (0, 6, "Thinking, Fast and Slow") and seen[-1] == (6, 6, "")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://example.org/essays/margins/", "http://www.example.org/essays/margins#section-2"),
        ("https://Example.org/a?utm_source=rss&id=3", "https://example.org/a?id=3"),
    ],
)
def test_urls_that_name_the_same_page(a: str, b: str) -> None:
    assert normalize_url(a) == normalize_url(b)


def test_urls_of_different_pages_differ() -> None:
    assert normalize_url("https://example.org/a?id=3") != normalize_url("https://example.org/a?id=4")
    assert normalize_url("https://example.org/a") != normalize_url("https://example.com/a")


def test_a_title_too_different_is_not_matched(lib: Library, tmp_path: Path) -> None:
    add_book(lib, "Thinking in Systems", ["A system is more than the sum of its parts."])
    clip = "Thinking, Fast and Slow (Kahneman, Daniel)\n- Your Highlight on Location 1-2 | Added on Sunday, November 17, 2024 3:26:00 PM\n\nA quote.\n==========\n"
    summary = import_annotations(lib, write(tmp_path, "c.txt", clip))
    assert summary.created == 1 and summary.attached == 0 and lib.count() == 2


def test_a_series_suffix_in_the_kindle_title_still_matches_the_book(lib: Library, tmp_path: Path) -> None:
    book = add_book(lib, "Dune", ["I must not fear. Fear is the mind-killer."])
    clip = "Dune (Dune Chronicles, Book 1) (Herbert, Frank)\n- Your Highlight on Location 1-2 | Added on Sunday, November 17, 2024 3:26:00 PM\n\nFear is the mind-killer.\n==========\n"
    summary = import_annotations(lib, write(tmp_path, "c.txt", clip))
    assert summary.attached == 1 and lib.get(book).highlights[0].start == len("I must not fear. ")


def test_titles_that_differ_only_in_a_number_are_different_books(lib: Library, tmp_path: Path) -> None:
    add_book(lib, "The Story of Civilization, Volume 2", ["The Life of Greece begins with Crete."])
    meta = "- Your Highlight on Location 1-2 | Added on Sunday, November 17, 2024 3:26:00 PM"
    clips = []
    for volume in (3, 4):
        clips += [f"The Story of Civilization, Volume {volume} (Durant, Will)", meta, "", f"A line of volume {volume}.", "=========="]
    summary = import_annotations(lib, write(tmp_path, "c.txt", "\n".join(clips)))
    assert (summary.created, summary.attached) == (2, 0)
    titles = sorted(a.title for a in lib.list_articles())
    assert titles == [f"The Story of Civilization, Volume {n}" for n in (2, 3, 4)]
