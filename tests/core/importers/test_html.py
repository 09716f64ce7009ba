"""Web pages: the article is found, its metadata read, and nothing hostile gets through."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest

from reader.core.errors import ImportFailed
from reader.core.importers import ImportedArticle, import_bytes
from reader.core.importers.html import parse_html

STORY = [
    "Engineers at the harbour authority confirmed on Tuesday that the old swing bridge will close "
    "for eighteen months while its machinery is replaced, the first full overhaul since 1962.",
    "The closure means the ferry service across the inner basin will run every ten minutes at peak "
    "times, and the council has promised extra buses for people who cannot use the ferry.",
    "Shop owners on the quay said they were worried about losing passing trade, but most agreed "
    "that the bridge, which jammed open twice last winter, could not be patched any longer.",
    "Work starts in March, and the authority expects the bridge to reopen in the autumn of next "
    "year if the replacement gears arrive from the foundry on time.",
]

NEWS_PAGE = f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Harbour bridge to close for repairs | Coastal Gazette</title>
<meta property="og:title" content="Harbour bridge to close for repairs">
<meta property="og:site_name" content="Coastal Gazette">
<meta property="og:type" content="article">
<meta property="og:url" content="https://gazette.example/news/harbour-bridge">
<meta property="article:published_time" content="2024-03-05T09:30:00+01:00">
<script type="application/ld+json">
{{"@context": "https://schema.org", "@type": "NewsArticle",
  "headline": "Harbour bridge to close for repairs",
  "author": [{{"@type": "Person", "name": "Maria Keller"}}],
  "publisher": {{"@type": "Organization", "name": "Coastal Gazette"}},
  "datePublished": "2024-03-05T09:30:00+01:00"}}
</script>
<script>window.tracker = function() {{ document.write("TRACKER-SCRIPT"); }};</script>
<style>.ad {{ color: red; }}</style>
</head>
<body>
<header class="site-header"><a href="/">Coastal Gazette</a>
<nav><ul><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/weather">Weather-menu-item</a></li></ul></nav></header>
<div class="ad-banner">ADVERTISEMENT Buy cheap boats now at Boats-R-Us</div>
<main>
<article>
<h1>Harbour bridge to close for repairs</h1>
<p class="byline">By <a href="/authors/maria-keller" rel="author">Maria Keller</a>,
<time datetime="2024-03-05T09:30:00+01:00">5 March 2024</time></p>
<p>{STORY[0]}</p>
<p>{STORY[1]} Read the <a href="/travel/ferry-times">ferry timetable</a> for <em>all</em> details.</p>
<h2>Traders worried</h2>
<p>{STORY[2]}</p>
<blockquote><p>We have waited years for this, and we can live with a year and a half of the ferry.</p></blockquote>
<p>{STORY[3]}</p>
<ol><li>Closure begins in March.</li><li>Ferry every ten minutes.</li><li>Reopening next autumn.</li></ol>
</article>
<aside class="related"><h3>Related stories</h3><ul><li><a href="/x">RELATED-LINK Tide tables</a></li></ul></aside>
<section class="comments"><h3>Comments</h3>
<div class="comment"><p>COMMENT-TEXT First! This is outrageous.</p></div></section>
</main>
<footer><p>FOOTER-TEXT Copyright 2024 Coastal Gazette. All rights reserved.</p>
<a href="/privacy">Privacy policy</a></footer>
</body></html>"""

BLOG_PAGE = """<html><head>
<title>Why I switched to a paper notebook – Quiet Notes</title>
<meta name="author" content="Tom Hale">
<meta property="og:site_name" content="Quiet Notes">
<meta property="article:published_time" content="2023-07-14T18:05:00Z">
</head><body>
<div id="sidebar"><div class="widget"><h4>Archives</h4><a href="/2023/06">June 2023</a></div></div>
<div id="content"><div class="post">
<h1 class="entry-title">Why I switched to a paper notebook</h1>
<div class="entry-content">
<p>For ten years I kept every note in an app. Last spring I bought a paper notebook on a whim, and
after a month I noticed I was <strong>remembering</strong> far more of what I wrote down.</p>
<p>There is research on this: writing by hand is slower, which forces you to summarise instead of
transcribing, and summarising is where the <em>understanding</em> happens.</p>
<ul><li>Notes are shorter.</li><li>Nothing pings me.<ul><li>Not even the battery.</li></ul></li></ul>
<pre><code>def summarise(text):
    return text[:100]</code></pre>
<p>I still search old notes in the app, but new thoughts go on paper first, and only the ones that
survive a week get typed in. That filter alone has been worth the switch for me.</p>
</div>
<div class="share">SHARE-BUTTONS Tweet this Share on Facebook</div>
</div></div>
<div id="footer">FOOTER-TEXT Powered by a blog engine</div>
</body></html>"""


def texts(article: ImportedArticle) -> list[str]:
    return [b.text for b in article.document.blocks]


def test_news_page_body_and_metadata() -> None:
    article = parse_html(NEWS_PAGE, "harbour.html", url="https://gazette.example/news/harbour-bridge")
    assert article.title == "Harbour bridge to close for repairs"
    assert article.author == "Maria Keller"
    assert article.site == "Coastal Gazette"
    assert article.url == "https://gazette.example/news/harbour-bridge"
    assert article.published == datetime(2024, 3, 5, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    body = article.text
    for paragraph in STORY:
        assert paragraph in body
    assert "Traders worried" in texts(article)
    # The page furniture stays out.
    for junk in ("Weather-menu-item", "ADVERTISEMENT", "RELATED-LINK", "COMMENT-TEXT", "FOOTER-TEXT", "TRACKER-SCRIPT", "color: red"):
        assert junk not in body, junk
    # The title is shown above the article, not repeated as its first block.
    assert article.document.blocks[0].text != article.title


def test_news_page_structure_and_spans() -> None:
    article = parse_html(NEWS_PAGE, "harbour.html", url="https://gazette.example/news/harbour-bridge")
    blocks = article.document.blocks
    heading = next(b for b in blocks if b.text == "Traders worried")
    assert heading.kind == "heading" and heading.level == 2
    quote = next(b for b in blocks if b.text.startswith("We have waited years"))
    assert quote.kind == "quote" and quote.level == 1
    items = [b for b in blocks if b.kind == "list_item"]
    assert [(b.text, b.marker, b.level) for b in items] == [
        ("Closure begins in March.", "1.", 1),
        ("Ferry every ten minutes.", "2.", 1),
        ("Reopening next autumn.", "3.", 1),
    ]
    para = next(b for b in blocks if "ferry timetable" in b.text)
    link = next(s for s in para.spans if s.kind == "link")
    assert para.text[link.start:link.end] == "ferry timetable"
    # Relative links are made absolute against the page's address.
    assert link.href == "https://gazette.example/travel/ferry-times"
    emphasis = next(s for s in para.spans if s.kind == "emphasis")
    assert para.text[emphasis.start:emphasis.end] == "all"


def test_blog_page_without_article_tag() -> None:
    article = parse_html(BLOG_PAGE, "notebook.html")
    assert article.title == "Why I switched to a paper notebook"
    assert article.author == "Tom Hale"
    assert article.site == "Quiet Notes"
    assert article.published is not None and article.published.date() == datetime(2023, 7, 14).date()
    blocks = article.document.blocks
    assert any(b.text.startswith("For ten years I kept every note in an app.") for b in blocks)
    first = next(b for b in blocks if "remembering" in b.text)
    strong = next(s for s in first.spans if s.kind == "strong")
    assert first.text[strong.start:strong.end] == "remembering"
    code = next(b for b in blocks if b.kind == "code")
    assert code.text == "def summarise(text):\n    return text[:100]"
    assert "SHARE-BUTTONS" not in article.text and "FOOTER-TEXT" not in article.text


def test_nested_lists_have_depth_and_markers() -> None:
    page = (
        "<html><body><ul><li>Fruit<ul><li>Apple</li><li>Pear</li></ul></li>"
        "<li>Bread</li></ul><ol start='1'><li><p>Loose item</p></li></ol></body></html>"
    )
    article = parse_html(page, "list.html")
    items = [(b.text, b.level, b.marker) for b in article.document.blocks if b.kind == "list_item"]
    assert items == [
        ("Fruit", 1, "•"), ("Apple", 2, "•"), ("Pear", 2, "•"), ("Bread", 1, "•"), ("Loose item", 1, "1."),
    ]


def test_short_page_falls_back_to_own_walk() -> None:
    page = "<html><head><title>Shopping</title></head><body><nav>Home | About</nav><p>Milk and eggs.</p></body></html>"
    article = parse_html(page, "shopping.html")
    assert article.title == "Shopping"
    assert texts(article) == ["Milk and eggs."]


def test_whitespace_is_collapsed_and_no_block_has_a_newline() -> None:
    page = "<html><body><p>  one\n\n   two\tthree <b> four </b>five<br>six </p></body></html>"
    article = parse_html(page, "ws.html")
    block = article.document.blocks[0]
    assert block.text == "one two three four five six"
    (strong,) = block.spans
    assert block.text[strong.start:strong.end] == "four"


def test_page_with_no_title_uses_its_name() -> None:
    article = parse_html("<html><body><p>Just a line of text.</p></body></html>", "/tmp/my-saved_page.html")
    assert article.title == "my saved page"


# ------------------------------------------------------------------ hostile pages

HOSTILE = [
    "<script>alert('XSS')</script>",
    "<SCRIPT SRC=https://evil.example/xss.js></SCRIPT>",
    "<<SCRIPT>alert(\"XSS\");//<</SCRIPT>",
    "<img src=x onerror=\"alert('XSS')\">",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\">",
    "<svg><script>alert('XSS')</script></svg>",
    "<svg onload=alert('XSS')><text>XSS svg text</text></svg>",
    "<math><mi xlink:href=\"javascript:alert('XSS')\">XSS math</mi></math>",
    "<iframe src=\"https://evil.example/frame\">XSS iframe text</iframe>",
    "<iframe src=\"javascript:alert('XSS');\"></iframe>",
    "<form action=\"https://evil.example/steal\"><input name=q value=\"XSS\"><button>XSS submit</button></form>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('XSS');\">",
    "<style>body{background:url(\"javascript:alert('XSS')\")}</style>",
    "<div style=\"background-image: url(javascript:alert('XSS'))\">styled words</div>",
    "<a href=\"jAvAsCrIpT:alert('XSS')\">mixed case link</a>",
    "<a href=\" javascript:alert('XSS')\">spaced link</a>",
    "<a href=\"jav&#x09;ascript:alert('XSS');\">tab link</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert('XSS')\">entity link</a>",
    "<a href=\"&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert('XSS')\">hex entity link</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4=\">data link</a>",
    "<a href=\"vbscript:msgbox('XSS')\">vb link</a>",
    "<a href=\"file:///etc/passwd\">file link</a>",
    "<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"data image\">",
    "<img src=\"file:///etc/passwd\" alt=\"file image\">",
    "<object data=\"javascript:alert('XSS')\">XSS object</object>",
    "<embed src=\"https://evil.example/x.swf\">",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('XSS')>\"></noscript>",
    "<template><script>alert('XSS')</script></template>",
    "<base href=\"javascript:alert('XSS');//\"><a href=\"relative\">based link</a>",
    "<body onload=alert('XSS')>",
    "<link rel=\"stylesheet\" href=\"javascript:alert('XSS');\">",
    "<textarea>XSS textarea</textarea><select><option>XSS option</option></select>",
    "<details open ontoggle=\"alert('XSS')\"><summary>details summary</summary></details>",
    "<!--<script>alert('XSS')</script>-->",
    "<a href=\"https://ok.example/\" onclick=\"alert('XSS')\">safe link</a>",
]

LONG_BODY = "".join(f"<p>{p}</p>" for p in STORY)


def assert_nothing_hostile(article: ImportedArticle) -> None:
    text = article.text
    lowered = text.lower()
    for needle in ("alert", "xss", "javascript", "vbscript", "<script", "onerror", "onload", "evil.example", "passwd", "base64"):
        assert needle not in lowered, (needle, text)
    for block in article.document.blocks:
        if block.src is not None:
            assert urlsplit(block.src).scheme in ("http", "https"), block.src
        for span in block.spans:
            if span.href is not None:
                assert urlsplit(span.href).scheme in ("http", "https", "mailto"), span.href
                assert "alert" not in span.href


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_markup_never_reaches_the_document_of_an_article(payload: str) -> None:
    page = f"<html><head>{payload}</head><body><article><h1>Story</h1>{payload}{LONG_BODY}{payload}</article></body></html>"
    article = parse_html(page, "hostile.html", url="https://news.example/story")
    assert STORY[0] in article.text
    assert_nothing_hostile(article)


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_markup_never_reaches_the_document_of_a_short_page(payload: str) -> None:
    page = f"<html><body><p>Short note before.</p>{payload}<p>Short note after.</p></body></html>"
    try:
        article = parse_html(page, "hostile.html")
    except ImportFailed:
        return
    assert "Short note after." in article.text
    assert_nothing_hostile(article)


def test_hostile_corpus_all_at_once_through_import_bytes() -> None:
    page = "<html><body><article>" + "".join(HOSTILE) + LONG_BODY + "".join(HOSTILE) + "</article></body></html>"
    article = import_bytes(page.encode(), "all.html")
    assert_nothing_hostile(article)
    links = {s.href for b in article.document.blocks for s in b.spans if s.kind == "link"}
    assert links <= {"https://ok.example/"}


def test_safe_links_and_images_survive() -> None:
    page = (
        "<html><body><p>See <a href='https://example.org/a'>this</a> or <a href='mailto:ed@example.org'>mail</a>."
        "</p><img src='/img/photo.jpg' alt='Photo of the quay'></body></html>"
    )
    article = parse_html(page, "ok.html", url="https://example.org/post/1")
    para, image = article.document.blocks
    assert [s.href for s in para.spans] == ["https://example.org/a", "mailto:ed@example.org"]
    assert image.kind == "image" and image.text == "Photo of the quay"
    assert image.src == "https://example.org/img/photo.jpg"


def test_relative_image_without_a_base_keeps_its_alt_text_only() -> None:
    article = parse_html("<html><body><p>Text here.</p><img src='pic.png' alt='A pic'></body></html>", "local.html")
    image = article.document.blocks[-1]
    assert image.kind == "image" and image.text == "A pic" and image.src is None


# ------------------------------------------------------------------ deep markup


def test_hundred_thousand_nested_divs_are_flattened_quickly() -> None:
    n = 100_000
    page = "<html><body>" + "<div>" * n + "<p>Deep down there is a sentence.</p>" + "</div>" * n + "</body></html>"
    started = time.monotonic()
    article = parse_html(page, "deep.html")
    assert time.monotonic() - started < 5
    assert article.text == "Deep down there is a sentence."


def test_hundred_thousand_nested_inline_tags_are_refused_quickly() -> None:
    n = 100_000
    page = "<html><body>" + "<b>" * n + "deep" + "</b>" * n + "</body></html>"
    started = time.monotonic()
    with pytest.raises(ImportFailed, match=r"^'deep.html' nests its tags too deeply"):
        parse_html(page, "deep.html")
    assert time.monotonic() - started < 5


def test_moderate_nesting_is_read_as_it_is() -> None:
    page = "<html><head><title>Nested page</title></head><body>" + "<div>" * 60 + "<h2>Inner title</h2><p>Inner text.</p>" + "</div>" * 60 + "</body></html>"
    article = parse_html(page, "nested.html")
    assert [(b.kind, b.text) for b in article.document.blocks] == [("heading", "Inner title"), ("paragraph", "Inner text.")]


def test_very_long_page_is_read_without_the_slow_extractor() -> None:
    # trafilatura's time grows with the square of the page; past a size we read it ourselves.
    paragraphs = [f"Paragraph number {i} of a very long page." for i in range(30_000)]
    page = (
        "<html><head><title>Long read</title><meta name='author' content='Kim Long'></head><body>"
        "<nav>Site menu</nav>" + "".join(f"<div><p>{p}</p></div>" for p in paragraphs) + "</body></html>"
    )
    started = time.monotonic()
    article = parse_html(page, "long.html")
    assert time.monotonic() - started < 10
    assert [b.text for b in article.document.blocks] == paragraphs
    assert article.title == "Long read" and article.author == "Kim Long"


def test_no_break_spaces_between_words_stay_and_runs_collapse() -> None:
    page = "<html><body><p>&nbsp;&nbsp;Indented with&nbsp;&nbsp;&nbsp;runs, 10&nbsp;km away.&nbsp;</p></body></html>"
    assert parse_html(page, "nbsp.html").text == "Indented with runs, 10\xa0km away."


def test_page_title_wins_over_a_widget_heading() -> None:
    # An mdBook page: two <h1> and no og:title, so trafilatura alone takes the first
    # element whose class says "title", the help box's <h2>.
    page = (
        "<html><head><title>What is rustdoc? - The rustdoc book</title></head><body>"
        "<div class='help'><h2 class='help-title'>Keyboard shortcuts</h2><p>Press S to search.</p></div>"
        "<div class='menu-bar'><h1 class='menu-title'>The rustdoc book</h1></div><main><h1>What is rustdoc?</h1>"
        + "".join(f"<p>{p}</p>" for p in STORY)
        + "</main></body></html>"
    )
    article = parse_html(page, "rustdoc.html")
    assert article.title == "What is rustdoc?"
    assert STORY[0] in article.text
