"""Library.add_highlight reads only the quote and its context, not the whole article row:
a 300-page PDF's text and document are megabytes, and highlighting must stay quick."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.document import Block, Document
from reader.core.errors import InvalidInput
from reader.core.importers import ImportedArticle
from reader.core.library import Library
from reader.core.selectors import CONTEXT_CHARS, make_selector
from reader.core.storage import articles

# Characters outside the BMP (one code point, two UTF-16 units, four UTF-8 bytes) before the
# quote: SQLite must count them as Python does.
TEXT = "𝒜𝒷𝒸 é漢字 " * 40 + "the passage to keep, with its context " + "🙂 tail " * 40


@pytest.fixture
def lib(reader_home: Path):
    library = Library(reader_home, search=False)
    yield library
    library.close()


def add(lib: Library, text: str = TEXT) -> int:
    document = Document((Block("paragraph", text),))
    return lib.add_imported(ImportedArticle(title="Slices", document=document, format="text")).article_id


def test_the_quote_and_its_context_are_those_of_the_whole_text(lib: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    article_id = add(lib)
    text = lib.get(article_id).text
    start = text.index("the passage")
    end = start + len("the passage to keep")

    def whole_row(*_: object) -> None:
        raise AssertionError("add_highlight read the whole article row")

    monkeypatch.setattr(articles, "get_row", whole_row)
    h = lib.add_highlight(article_id, start, end, color="green")
    monkeypatch.undo()
    want = make_selector(text, start, end)
    assert (h.start, h.end, h.exact, h.prefix, h.suffix) == (want.start, want.end, want.exact, want.prefix, want.suffix)
    assert len(h.prefix) == len(h.suffix) == CONTEXT_CHARS
    # at the very start and end of the text the context is what there is
    first = lib.add_highlight(article_id, 0, 3)
    last = lib.add_highlight(article_id, len(text) - 4, len(text))
    assert (first.exact, first.prefix, first.suffix) == (text[:3], "", text[3:3 + CONTEXT_CHARS])
    assert (last.exact, last.prefix, last.suffix) == (text[-4:], text[-4 - CONTEXT_CHARS:-4], "")


def test_bad_ranges_are_still_refused_in_one_sentence(lib: Library) -> None:
    article_id = add(lib)
    length = len(lib.get(article_id).text)
    with pytest.raises(InvalidInput, match=f"not inside article {article_id} \\(0-{length}\\)"):
        lib.add_highlight(article_id, length - 2, length + 1)
    with pytest.raises(InvalidInput, match="holds no text"):
        lib.add_highlight(article_id, 3, 4)  # the space after "𝒜𝒷𝒸"
    assert lib.highlights(article_id) == []
