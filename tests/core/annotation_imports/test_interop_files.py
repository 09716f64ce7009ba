"""Other tools' real files (``../shared/interop``) imported into a library, with what a
reader of those files finds in them: every highlight with its quote, each note on its own
highlight, every book its own article with its author, tags and colours."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.annotation_imports import import_annotations
from reader.core.library import Library

from .interop import book, books, interop

LANGUAGES = [
    "Deutsch", "Español", "Français", "Italiano", "Japanese", "Nederlands", "Português (Brasil)",
    "Russian", "Chinese", "English (US)", "English (UK)",
]


@pytest.fixture
def lib(reader_home: Path):
    library = Library(reader_home, search=False)
    yield library
    library.close()


# file: (books, highlights, of them with a note, notes on a whole book). Counted by reading
# each file: a bookmark or an empty highlight is nothing; a highlight Kindle kept after it
# was extended (its words inside a later one at the same place) is one; a note belongs to
# the highlight that ends where it stands, else to the book.
KINDLE = {
    "baniol-kindle-pc-2012.txt": (20, 447, 4, 7),
    "eugeneware-2015.txt": (3, 10, 1, 1),
    "georgboe-kindle2-2009.txt": (9, 101, 0, 1),
    "hadynz-dup-location-scenario.txt": (3, 3, 0, 0),
    "hadynz-dup-same-page.txt": (1, 3, 0, 0),
    "hadynz-first-scenario.txt": (2, 4, 1, 1),
    "hadynz-missing-note-scenario.txt": (1, 1, 1, 0),
    "hadynz-no-content-scenario.txt": (1, 1, 0, 0),
    "hadynz-simple.txt": (1, 2, 0, 0),
    "hadynz-trailing-separator-start.txt": (1, 2, 0, 0),
    "hadynz-unordered-scenario.txt": (1, 3, 3, 0),
    "samueldg-2016.txt": (4, 4, 1, 0),
    "samueldg-bilingual-en-es.txt": (2, 2, 0, 0),
    "samueldg-new-format.txt": (1, 2, 0, 0),
    "yakimka-11-locales.txt": (1, 11, 11, 0),
    "zicai-chinese.txt": (1, 4, 0, 0),
}


@pytest.mark.parametrize("name", sorted(KINDLE))
def test_kindle_file_imports_every_highlight_and_note(lib: Library, name: str) -> None:
    summary = import_annotations(lib, interop(f"kindle/{name}"))
    found = books(lib)
    counted = (
        len(found),
        sum(len(b.highlights) for b in found),
        sum(1 for b in found for note, _, _ in b.highlights.values() if note),
        sum(len(b.notes) for b in found),
    )
    assert counted == KINDLE[name]
    assert summary.highlights == KINDLE[name][1] and not any(b.orphans for b in found)
    assert all(b.title and b.author != "" for b in found)


def test_kindle_notes_in_eleven_device_languages_each_on_its_own_highlight(lib: Library) -> None:
    import_annotations(lib, interop("kindle/yakimka-11-locales.txt"))
    hexagonal = book(lib, "Hexagonal Architecture Explained", "Cockburn, Alistair")
    assert hexagonal.highlights == {
        f"My highlight in {language}": (f"My note in {language}", (), "yellow") for language in LANGUAGES
    }
    assert hexagonal.notes == ()
    created = {h.created for h in lib.highlights(lib.list_articles()[0].id)}
    assert created == {"2024-08-22T18:10:53"}  # the same moment, read in every language's way


def test_kindle_chinese_and_spanish_clippings_keep_their_text_and_books(lib: Library) -> None:
    import_annotations(lib, interop("kindle/zicai-chinese.txt"))
    bullet = book(lib, "送你一颗子弹", "刘瑜")
    assert "你就知道一个非常简单的事情，因为有了“社会”，也就是有了两个以上的人，变得如何复杂起来。" in bullet.highlights
    import_annotations(lib, interop("kindle/samueldg-bilingual-en-es.txt"))
    assert "asintiendo a una pregunta que Max no había llegado a formular." in book(
        lib, "El Principe de la Niebla", "Carlos Ruiz Zafón"
    ).highlights


def test_kindle_note_without_a_highlight_is_a_note_on_its_book(lib: Library) -> None:
    import_annotations(lib, interop("kindle/georgboe-kindle2-2009.txt"))
    tipping = book(lib, "The Tipping Point: How Little Things Can Make a Big Difference", "Malcolm Gladwell")
    assert tipping.notes == ("hello world\nthis is the shit\nhello world\nthis is the shit",)


# -- Readwise -----------------------------------------------------------------------------
def test_readwise_2020_two_books_sharing_a_title_are_two(lib: Library) -> None:
    summary = import_annotations(lib, interop("readwise/davidlove-2020-excerpt.csv"))
    found = books(lib)
    assert len(found) == 12 and summary.highlights == 255  # 258 rows, three the same passage twice
    malcolm = book(lib, "The Autobiography of Malcolm X", "Malcolm X")
    handler = book(lib, "The Autobiography of Malcolm X", "MALCOLM X and M. S. Handler")
    assert (len(malcolm.highlights), len(handler.highlights)) == (81, 8)


def test_readwise_inline_tags_are_tags_not_notes(lib: Library) -> None:
    import_annotations(lib, interop("readwise/davidlove-2020-excerpt.csv"))
    found = books(lib)
    notes = [note for b in found for note, _, _ in b.highlights.values() if note]
    assert not [n for n in notes if n.startswith(".h1") or n.startswith(".c1")]
    assert len(notes) == 89  # 112 rows have a Note; 23 of those are only ".h1"/".c1" tags
    tagged = [tags for b in found for _, tags, _ in b.highlights.values() if tags]
    assert sum("h1" in t for t in tagged) == 48 and sum("discard" in t for t in tagged) == 17
    # The same passage twice (once tagged 'discard'): one highlight that keeps the tag.
    wrong = book(lib, "How Not to Be Wrong: The Power of Mathematical Thinking", "Jordan Ellenberg")
    (hygiene,) = [tags for exact, (_, tags, _) in wrong.highlights.items() if "mathematical hygiene" in exact]
    assert hygiene == ("discard",)


def test_readwise_2019_colours_and_tags(lib: Library) -> None:
    import_annotations(lib, interop("readwise/dpastoor-2019-excerpt.csv"))
    found = books(lib)
    assert len(found) == 6 and sum(len(b.highlights) for b in found) == 177
    colours = [colour for b in found for _, _, colour in b.highlights.values()]
    assert (colours.count("yellow"), colours.count("blue"), colours.count("pink"), colours.count("orange")) == (
        169, 5, 2, 1,
    )
    stick = book(lib, "Made to Stick: Why Some Ideas Survive and Others Die", "Chip Heath, Dan Heath")
    assert any(e.startswith("concrete details don’t just lend credibility") for e in stick.highlights)


def test_readwise_reader_2026_notes_on_their_highlights(lib: Library) -> None:
    import_annotations(lib, interop("readwise/steshinss-reader-2026.csv"))
    assert book(lib, "🚨 BREAKING: Temperatures are now set to reach up to...", "Politics UK").highlights == {
        "nd Thursday": ("beware", (), "yellow")
    }
    doyon = book(lib, "Effortlessly save popular documents in two clicks", "Daniel Doyon and Tristan Homsi")
    assert doyon.highlights == {
        "over the past week in a newsletter called *Wisereads*. **Tap the bu**": ("asd", (), "yellow")
    }
    assert book(lib, "X", "x.com").highlights


# -- Hypothesis -----------------------------------------------------------------------------
def test_hypothesis_annotations_find_their_place_in_the_page_they_annotate(lib: Library) -> None:
    page = lib.add(interop("hypothesis/wikipedia-regression-testing.html")).article_id
    summary = import_annotations(lib, interop("hypothesis/client-wikipedia-regression-testing.json"))
    assert (summary.highlights, summary.created) == (5, 0)
    by_note = {h.note: h for h in lib.highlights(page)}
    assert set(by_note) == {"Introduction", "Body", "Quote", "Footer", "Heading"}
    text = lib.get(page).text
    for note in ("Introduction", "Body", "Quote"):
        h = by_note[note]
        assert text[h.start : h.end] == h.exact
    # The page's title (shown above the text) and its 'last modified' footer are not in the
    # article's text: those two are kept as orphans, quote and note intact.
    assert by_note["Heading"].orphaned and by_note["Heading"].exact == "Regression testing"
    assert by_note["Footer"].orphaned and by_note["Footer"].exact == "11 November 2016"


def test_hypothesis_api_rows_highlight_with_tags_and_a_reply_as_a_page_note(lib: Library) -> None:
    import_annotations(lib, interop("hypothesis/bigbluehat-2014-2015-rows.json"))
    proposal = book(lib, "Berners-Lee-HTTP-proposal.pdf")
    assert proposal.url == "http://faculty.georgetown.edu/irvinem/theory/Berners-Lee-HTTP-proposal.pdf"
    assert proposal.highlights == {
        "ENQUIRE": ('As featured in "Weaving the Web" by Tim Berners-Lee', ("history", "web"), "yellow")
    }
    (posing,) = [b for b in books(lib) if b.url and b.url.endswith("09posing.pdf")]
    assert posing.notes == ("i think this relates to the external/internal relationship you were thinking about above!",)
