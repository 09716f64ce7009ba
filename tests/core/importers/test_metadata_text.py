"""Metadata is text: a page's title, author and site go through the same cleaning as its
body (entities decoded, markup removed, whitespace and control characters squeezed), so
no markup reaches the title or the Markdown export that other apps render."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.exporters.markdown import article_to_markdown
from reader.core.importers.blocks import metadata_text
from reader.core.library import Library

HOSTILE_HEAD = """<!doctype html><html><head>
<title>A quiet &amp; ordinary &lt;b&gt;page&lt;/b&gt;</title>
<meta property="og:title" content="&lt;script&gt;alert(1)&lt;/script&gt;">
<meta name="author" content="&lt;img src=x onerror=alert(2)&gt;Jane &amp;amp; Bob\x07  Smith">
<meta property="og:site_name" content="&lt;i&gt;Harbour&lt;/i&gt;&#10;&#9; News">
</head><body><article><h1>A quiet &amp; ordinary page</h1>
<p>The swing bridge will close for eighteen months while its machinery is replaced.</p>
<p>Engineers said the work is the first full overhaul since 1962, and ferries will run meanwhile.</p>
</article></body></html>"""


@pytest.fixture
def lib(reader_home: Path):
    library = Library(reader_home, search=False)
    yield library
    library.close()


def test_markup_in_og_title_author_and_site_never_reaches_the_title_or_markdown(lib: Library, tmp_path: Path) -> None:
    page = tmp_path / "hostile-head.html"
    page.write_text(HOSTILE_HEAD, encoding="utf-8")
    article = lib.get(lib.add(page).article_id)
    assert article.title == "A quiet & ordinary page"  # the og:title was only markup: the page's <title>
    # trafilatura reads 'Jane & Bob' as two authors; no markup, no control character is left.
    assert article.author == "Jane; Bob Smith"
    assert article.site == "Harbour News"
    markdown = article_to_markdown(article)
    for fragment in ("<script", "alert(", "<img", "onerror", "<i>", "<b>", "\x07"):
        assert fragment not in markdown and fragment not in article.title
    assert "# A quiet & ordinary page" in markdown and "Harbour News" in markdown
    assert "The swing bridge will close" in article.text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("&lt;script&gt;alert(1)&lt;/script&gt;", ""),
        ("<b>Jane</b> &amp; Bob\x07\x1b  Smith\u200b", "Jane & Bob Smith\u200b"),
        ("Tom &amp; Jerry", "Tom & Jerry"),
        ("a < b and c > d", "a < b and c > d"),
        ("x<style>p{}</style> y", "x y"),
        ("  line\none\ttab ", "line one tab"),
        (None, ""),
    ],
)
def test_metadata_text(raw: str | None, clean: str) -> None:
    assert metadata_text(raw) == clean
