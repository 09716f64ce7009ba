"""Parsing Kindle's My Clippings.txt."""

from __future__ import annotations

import pytest

from reader.core.annotation_imports import kindle, parse_annotations

from .samples import MY_CLIPPINGS


@pytest.fixture(scope="module")
def books() -> dict:
    fmt, sources = parse_annotations(MY_CLIPPINGS.encode("utf-8"), "My Clippings.txt")
    assert fmt == "kindle"
    return {s.title: s for s in sources}


def test_every_book_in_every_language_is_found_in_file_order(books: dict) -> None:
    assert list(books) == [
        "Thinking, Fast and Slow",
        "Der Zauberberg (German Edition)",
        "L'Étranger",
        "Cien años de soledad",
        "Meditations",
        "The Pragmatic Programmer (20th Anniversary Edition)",
    ]
    assert books["Thinking, Fast and Slow"].author == "Kahneman, Daniel"  # no BOM left in the title
    assert books["Meditations"].author is None
    assert books["The Pragmatic Programmer (20th Anniversary Edition)"].author == "Thomas, David; Hunt, Andrew (Foreword)"


def test_notes_attach_to_the_highlight_at_their_location_and_bookmarks_are_skipped(books: dict) -> None:
    clips = books["Thinking, Fast and Slow"].clippings
    assert [c.exact[:20] for c in clips] == ["A reliable way to ma", "Nothing in life is a"]
    assert clips[0].note == "Mere exposure effect - compare with propaganda."
    assert clips[0].created == "2024-11-17T15:26:00" and clips[0].updated == "2024-11-17T15:27:12"
    assert clips[0].location == "page 62, location 945-947"
    assert clips[1].note == "" and clips[1].created == "2024-11-18T00:40:05"  # 12:40 AM is just after midnight
    assert books["Der Zauberberg (German Edition)"].clippings[0].note == "Zeit als Erzählgegenstand!"


def test_dates_in_german_french_and_spanish(books: dict) -> None:
    for title in ("Der Zauberberg (German Edition)", "L'Étranger", "Cien años de soledad"):
        assert books[title].clippings[0].created == "2024-11-17T15:26:00", title


def test_an_undatable_clipping_is_kept_without_a_date(books: dict) -> None:
    first, loose_note = books["Meditations"].clippings
    assert first.exact == "You have power over your mind - not outside events." and first.created is None
    # A note whose location holds no highlight is kept on its own, not lost.
    assert loose_note.exact == "" and loose_note.note == "Reread book 4 slowly."


def test_old_kindles_short_location_range_and_comma_before_the_time(books: dict) -> None:
    (clip,) = books["The Pragmatic Programmer (20th Anniversary Edition)"].clippings
    assert clip.location == "location 1502-1507" and clip.created == "2019-03-05T22:15:00"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Added on Sunday, November 17, 2024 3:26:00 PM", "2024-11-17T15:26:00"),
        ("Added on Sunday, 17 November 2024 15:26:00", "2024-11-17T15:26:00"),
        ("Hinzugefügt am Montag, 3. März 2025 07:05:09", "2025-03-03T07:05:09"),
        ("Ajouté le mercredi 14 août 2024 23:59:59", "2024-08-14T23:59:59"),
        ("Añadido el sábado, 1 de febrero de 2025 0:01:00", "2025-02-01T00:01:00"),
        ("Aggiunto in data lunedì 2 dicembre 2024 10:00:00", "2024-12-02T10:00:00"),
        ("Adicionado: terça-feira, 5 de março de 2024 18:30:00", "2024-03-05T18:30:00"),
        ("Toegevoegd op zondag 17 november 2024 15:26:00", "2024-11-17T15:26:00"),
        ("作成日: 2024年11月17日日曜日 15:26:00", "2024-11-17T15:26:00"),
        ("Added on Monday, November 18, 2024 12:15:00 PM", "2024-11-18T12:15:00"),
        ("Added on Sunday, Smarch 17, 2024 3:26:00 PM", None),
        ("Added on Friday, February 30, 2024 3:26:00 PM", None),
        ("", None),
    ],
)
def test_kindle_dates(line: str, expected: str | None) -> None:
    assert kindle.parse_kindle_date(line) == expected


@pytest.mark.parametrize(
    ("line", "title", "author"),
    [
        ("Dune (Herbert, Frank)", "Dune", "Herbert, Frank"),
        ("\ufeffDune (Frank Herbert)", "Dune", "Frank Herbert"),
        ("Dune", "Dune", None),
        ("Dune (Dune Chronicles, Book 1) (Herbert, Frank)", "Dune (Dune Chronicles, Book 1)", "Herbert, Frank"),
        ("Essays (Montaigne, Michel de (Screech, M. A., trans.))", "Essays", "Montaigne, Michel de (Screech, M. A., trans.)"),
        ("(Untitled)", "(Untitled)", None),
        ("Broken (Author", "Broken (Author", None),
        ("  Spaced Title  (  Someone )  ", "Spaced Title", "Someone"),
    ],
)
def test_title_and_author(line: str, title: str, author: str | None) -> None:
    assert kindle.split_title_author(line) == (title, author)


def test_a_file_with_only_bookmarks_has_no_books() -> None:
    text = "Dune (Herbert, Frank)\n- Your Bookmark on Location 12 | Added on Sunday, November 17, 2024 3:26:00 PM\n\n\n==========\n"
    assert kindle.parse_clippings(text) == []


def test_an_extended_highlight_replaces_the_shorter_one_kindle_kept() -> None:
    meta = "- Your Highlight on Location {} | Added on Sunday, November 17, 2024 3:2{}:00 PM"
    text = "\n".join(
        [
            "Dune (Herbert, Frank)", meta.format("100-100", 1), "", "Fear is the mind-killer.", "==========",
            "Dune (Herbert, Frank)", meta.format("99-100", 2), "", "I must not fear. Fear is the mind-killer.", "==========",
            "Dune (Herbert, Frank)", meta.format("400-401", 3), "", "Fear is the mind-killer.", "==========",
        ]
    )
    (book,) = kindle.parse_clippings(text)
    # The one at location 400 is the same words elsewhere in the book: kept.
    assert [(c.exact, c.location) for c in book.clippings] == [
        ("I must not fear. Fear is the mind-killer.", "location 99-100"),
        ("Fear is the mind-killer.", "location 400-401"),
    ]


def test_the_clipping_limit_placeholder_is_not_a_quote() -> None:
    text = (
        "Dune (Herbert, Frank)\n- Your Highlight on Location 5-6 | Added on Sunday, November 17, 2024 3:26:00 PM\n\n"
        "<You have reached the clipping limit for this item>\n==========\n"
    )
    assert kindle.parse_clippings(text) == []
