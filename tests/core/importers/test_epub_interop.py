"""Real EPUB 2 and 3 books (``../shared/interop/epub``) as the reader sees them: spine
order, headings as headings, right-to-left and vertical books in reading order, ruby
readings beside their base text, the cover and images as placeholders, notes kept."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from reader.core.importers import ImportedArticle, import_bytes

EPUBS = Path(__file__).resolve().parents[3].parent / "shared" / "interop" / "epub"

# file: (title, author, at least this many characters of text)
BOOKS = {
    "didstopia-gutenberg-three-bears-epub2.epub": ("The Three Bears", "Anonymous", 6000),
    "ebooklib-test01.epub": ("Sample book", "Aleksandar Erkalovic", 150),
    "epubcheck-indesign-epub2.epub": ("Title", None, 4000),
    "epubcheck-lorem-epub2.epub": ("Lorem Ipsum", None, 5000),
    "epubcheck-ncx-empty-label-epub2.epub": ("Test Book", "Nick Nobody", 40),
    "epubjs-alice-without-cover.epub": ("Alice's Adventures in Wonderland", "Lewis Carroll", 100),
    "epubjs-alice.epub": ("Alice's Adventures in Wonderland", "Lewis Carroll", 50000),
    "idpf-childrens-literature.epub": (
        "Children's Literature", "Charles Madison Curry, Erle Elsworth Clippinger", 290000,
    ),
    "idpf-hefty-water.epub": ("Hefty Water", None, 3500),
    "idpf-kusamakura-japanese-vertical-writing.epub": ("草枕", "夏目 漱石", 100000),
    "idpf-regime-anticancer-arabic.epub": (
        "Le Vrai Régime anti-cancer", "Pr David Khayat, Nathalie Hutter-Lardeau, Marina Khalil Fayad", 28000,
    ),
    "idpf-wasteland.epub": ("The Waste Land", "T.S. Eliot", 25000),
    "versone-typical-epub2.epub": ("Test title 1", "John Doe, Jane Doe", 40),
    "versone-typical-epub3.epub": ("Test title 1", "John Doe, Jane Doe", 100),
}


def book(name: str) -> ImportedArticle:
    path = EPUBS / name
    if not path.exists():
        pytest.skip(f"the shared interop file epub/{name} is not here ({EPUBS})")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return import_bytes(path.read_bytes(), str(path))


def headings(article: ImportedArticle) -> list[str]:
    return [b.text for b in article.document.blocks if b.kind == "heading"]


@pytest.mark.parametrize("name", sorted(BOOKS))
def test_every_epub_imports_with_its_title_and_author(name: str) -> None:
    title, author, chars = BOOKS[name]
    article = book(name)
    assert (article.title, article.author) == (title, author)
    assert len(article.text) >= chars and article.format == "epub"
    assert "<" not in article.title and "\x00" not in article.text


def test_chapters_come_in_spine_order_as_headings() -> None:
    alice = book("epubjs-alice.epub")
    assert headings(alice)[:2] == ["Contents", "Alice's Adventures In Wonderland"]
    assert headings(alice)[3:] == [
        "Down The Rabbit-Hole", "The Pool Of Tears", "A Caucus-Race And A Long Tale",
        "The Rabbit Sends In A Little Bill", "Advice From A Caterpillar", "Pig And Pepper", "A Mad Tea-Party",
        "The Queen's Croquet Ground", "Who Stole The Tarts?", "Alice's Evidence",
    ]
    text = alice.text
    assert text.index("Alice was beginning to get very tired") < text.rindex("Who Stole The Tarts?")  # after the contents
    lorem = book("epubcheck-lorem-epub2.epub")
    assert headings(lorem) == ["Lorem Ipsum", "Chapter 1", "Chapter 2"]


def test_vertical_japanese_in_reading_order_with_ruby_beside_its_base() -> None:
    kusamakura = book("idpf-kusamakura-japanese-vertical-writing.epub")
    text = kusamakura.text
    # Chapters follow the spine (right-to-left page progression does not reverse them).
    order = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三"]
    chapter_headings = [h for h in headings(kusamakura) if h in order]
    assert [h for i, h in enumerate(chapter_headings) if h not in chapter_headings[:i]] == order
    assert text.index("山路（やまみち）を登りながら、こう考えた。") < text.index("那美さん")
    # <ruby>奇麗<rt>きれい</rt></ruby>: the reading in brackets after the base, not run into it.
    assert "奇麗（きれい）" in text and "奇麗きれい" not in text
    assert "用箪笥（ようだんす）" in text and "友禅（ゆうぜん）" in text


def test_right_to_left_arabic_text_is_kept_in_logical_order() -> None:
    arabic = book("idpf-regime-anticancer-arabic.epub")
    text = arabic.text
    assert "ما هو السرطان؟" in headings(arabic)
    assert text.index("ما هو السرطان؟") < text.index("من أين تأتي الحياة؟")
    assert "فالكائن البشري الراشد مؤلّف من نحو مليون مليار خليّة." in text


def test_cover_and_illustrations_are_image_placeholders() -> None:
    alice = book("epubjs-alice.epub")
    images = [b for b in alice.document.blocks if b.kind == "image"]
    assert images[0].text == "Cover" and alice.document.blocks[0].kind == "image"
    assert len(images) >= 20
    bears = [b.text for b in book("didstopia-gutenberg-three-bears-epub2.epub").document.blocks if b.kind == "image"]
    assert bears[0] == "Cover" and any(t.startswith("GOLDENHAIR EATS UP") for t in bears)


def test_the_waste_lands_notes_are_kept() -> None:
    waste = book("idpf-wasteland.epub")
    text = waste.text
    assert text.index("April is the cruellest month") < text.index("Shantih shantih shantih")
    # Eliot's 50 notes (epub:type rearnote) follow the poem, the last on 'Shantih'.
    assert text.count("Cf.") >= 20
    end_of_poem = text.index("Shantih shantih shantih")
    assert text.index("Cf.", end_of_poem) > end_of_poem
    assert "'The Peace which passeth understanding' is a feeble translation" in text[end_of_poem:]


def test_ruby_in_a_web_page_with_and_without_rp() -> None:
    from reader.core.importers.html import parse_html

    page = (
        "<html><body><p><ruby>漢字<rp>(</rp><rt>かんじ</rt><rp>)</rp></ruby>を読む。"
        "<ruby>東<rt>とう</rt>京<rt>きょう</rt></ruby>へ。<ruby>ABC<rt>alphabet</rt></ruby></p></body></html>"
    )
    text = parse_html(page, "ruby.html").text
    assert text == "漢字（かんじ）を読む。東（とう）京（きょう）へ。ABC (alphabet)"
