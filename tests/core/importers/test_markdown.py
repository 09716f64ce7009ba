"""Markdown files: structure, inline spans, images, front matter and the title rules."""

from __future__ import annotations

from datetime import datetime

from reader.core.importers import import_bytes
from reader.core.importers.markdown import parse_markdown

ARTICLE = """---
title: "Field notes on sourdough"
author: Ana Ruiz
date: 2024-05-02
url: https://bakery.example/notes/sourdough
site: The Bakery Blog
---

# Field notes on sourdough

Starter needs *time*, **warmth** and [flour](https://flour.example/rye "Rye").
A second line of the same paragraph with `code`.

## Feeding schedule

- Morning feed
- Evening feed
  - only in summer
    - and only rye

3. Mix
4. Rest

> Bread is a slow food.
>
> > Nested quote.

```python
def feed(starter):
    return starter * 2
```

    indented code

![A crusty loaf](img/loaf.jpg)

Last words.
"""


def kinds(article):
    return [(b.kind, b.level, b.text) for b in article.document.blocks]


def test_front_matter_gives_metadata_and_the_repeated_h1_is_dropped() -> None:
    article = parse_markdown(ARTICLE, "notes.md")
    assert article.title == "Field notes on sourdough"
    assert article.author == "Ana Ruiz"
    assert article.site == "The Bakery Blog"
    assert article.url == "https://bakery.example/notes/sourdough"
    assert article.published == datetime(2024, 5, 2)
    assert article.document.blocks[0].text.startswith("Starter needs")
    assert "---" not in article.text and "author:" not in article.text


def test_blocks_levels_and_markers() -> None:
    blocks = parse_markdown(ARTICLE, "notes.md").document.blocks
    assert ("heading", 2, "Feeding schedule") in [(b.kind, b.level, b.text) for b in blocks]
    items = [(b.text, b.level, b.marker) for b in blocks if b.kind == "list_item"]
    assert items == [
        ("Morning feed", 1, "•"),
        ("Evening feed", 1, "•"),
        ("only in summer", 2, "•"),
        ("and only rye", 3, "•"),
        ("Mix", 1, "3."),
        ("Rest", 1, "4."),
    ]
    quotes = [(b.text, b.level) for b in blocks if b.kind == "quote"]
    assert quotes == [("Bread is a slow food.", 1), ("Nested quote.", 2)]
    codes = [b.text for b in blocks if b.kind == "code"]
    assert codes == ["def feed(starter):\n    return starter * 2", "indented code"]
    image = next(b for b in blocks if b.kind == "image")
    assert image.text == "A crusty loaf" and image.src == "img/loaf.jpg"
    assert blocks[-1].text == "Last words."
    assert all("\n" not in b.text for b in blocks if b.kind != "code")


def test_inline_spans_point_at_their_words() -> None:
    first = parse_markdown(ARTICLE, "notes.md").document.blocks[0]
    assert first.text == (
        "Starter needs time, warmth and flour. A second line of the same paragraph with code."
    )
    found = {(s.kind, first.text[s.start:s.end], s.href) for s in first.spans}
    assert found == {
        ("emphasis", "time", None),
        ("strong", "warmth", None),
        ("link", "flour", "https://flour.example/rye"),
        ("code", "code", None),
    }


def test_without_front_matter_the_first_h1_is_the_title() -> None:
    article = parse_markdown("# Plain title\n\nBody text.\n", "x.md")
    assert article.title == "Plain title"
    assert [b.text for b in article.document.blocks] == ["Body text."]
    assert article.author is None and article.published is None


def test_h1_that_is_not_first_stays_in_the_body() -> None:
    article = parse_markdown("Intro line.\n\n# Later heading\n\nMore.\n", "x.md")
    assert article.title == "Later heading"
    assert [b.text for b in article.document.blocks] == ["Intro line.", "Later heading", "More."]


def test_no_h1_no_front_matter_uses_the_file_stem() -> None:
    article = parse_markdown("Just *one* paragraph.\n", "/home/me/my_reading-list.md")
    assert article.title == "my reading list"


def test_broken_or_hostile_front_matter_is_ignored() -> None:
    broken = parse_markdown("---\ntitle: [unclosed\n---\n\nText.\n", "broken.md")
    assert broken.title == "broken" and broken.text == "Text."
    bomb = (
        "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "title: *d\nauthor: *d\n---\n\nText.\n"
    )
    article = parse_markdown(bomb, "bomb.md")
    assert article.text == "Text."
    assert len(article.title) < 600
    python_tag = parse_markdown("---\ntitle: !!python/object/apply:os.system ['echo hi']\n---\n\nText.\n", "tag.md")
    assert python_tag.text == "Text."


def test_raw_html_and_dangerous_links_are_made_harmless() -> None:
    source = (
        "Hello <b>bold</b> <script>alert('XSS')</script> world.\n\n"
        "<div><script>alert('XSS')</script><p onclick=\"x()\">Block html</p><iframe src='https://evil.example'></iframe></div>\n\n"
        "[bad](javascript:alert('XSS')) [data](data:text/html,hi) ![img](javascript:alert('XSS')) ![f](file:///etc/passwd)\n"
    )
    article = parse_markdown(source, "x.md")
    assert "alert" not in article.text and "XSS" not in article.text and "evil" not in article.text
    assert "Hello bold world." in article.text and "Block html" in article.text
    for block in article.document.blocks:
        assert block.src is None or not block.src.startswith(("javascript", "file", "data"))
        assert all(s.href is None for s in block.spans)


def test_table_rows_become_paragraphs() -> None:
    article = parse_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n", "t.md")
    assert [b.text for b in article.document.blocks] == ["a | b", "1 | 2"]


def test_markdown_through_import_bytes_by_suffix() -> None:
    article = import_bytes(b"# Title\n\nSome *text*.\n", "doc.markdown")
    assert article.format == "markdown" and article.title == "Title" and article.text == "Some text."


def test_deep_quote_nesting_is_bounded() -> None:
    article = parse_markdown("> " * 5000 + "deep\n", "deep.md")
    assert "deep" in article.text


def test_deep_list_nesting_is_bounded() -> None:
    article = parse_markdown("- " * 5000 + "deep\n\n" + "  " * 3000 + "- indented\n", "deep.md")
    assert "deep" in article.text


def test_deeply_nested_raw_html_block_is_flattened_quickly() -> None:
    import time

    started = time.monotonic()
    article = parse_markdown("Intro.\n\n" + "<div>" * 100_000 + "inside" + "</div>" * 100_000 + "\n", "deep.md")
    assert time.monotonic() - started < 5
    assert article.text == "Intro.\ninside"
