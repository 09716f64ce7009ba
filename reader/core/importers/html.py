"""Web pages: main-content extraction, sanitising, and the HTML -> blocks walker.

The path of a page: a nesting guard (deep markup makes the parsers slow or drop content),
trafilatura finds the article and its metadata, the article's markup is rebuilt as plain
HTML, nh3 (ammonia) keeps only structural tags and safe addresses, and lxml walks what is
left into :class:`~reader.core.document.Block`\\ s. EPUB chapters go through the same
:func:`sanitize` and :func:`blocks_from_html`.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import lxml.etree as etree
import lxml.html
import nh3

from reader.core.document import Block, Document
from reader.core.errors import ImportFailed
from reader.core.importers import ImportedArticle, describe
from reader.core.importers.blocks import (
    IMAGE_SCHEMES,
    LINK_SCHEMES,
    BlockCollector,
    clean_code,
    collapse,
    drop_leading_title,
    metadata_text,
    safe_url,
)

LARGE_PAGE_CHARS = 1_000_000
# trafilatura's extraction grows with the square of the page's size: past this many
# elements (a long news page has 2,000-5,000) we read the page ourselves.
MAX_EXTRACTOR_ELEMENTS = 15_000
METADATA_CHARS = 300_000
# libxml2 stops building the tree past 256 levels; real pages stay far below this.
MAX_NESTING = 160

HEADINGS = {f"h{n}": n for n in range(1, 7)}
PARAGRAPH_TAGS = {"p", "dt", "dd", "figcaption", "summary", "caption", "address"}
CONTAINER_TAGS = {
    "div", "section", "article", "main", "header", "footer", "aside", "nav", "figure",
    "body", "html", "details", "dl", "table", "thead", "tbody", "tfoot", "hgroup", "center",
}
INLINE_KINDS = {
    "em": "emphasis", "i": "emphasis", "cite": "emphasis", "var": "emphasis", "q": "emphasis",
    "strong": "strong", "b": "strong",
    "code": "code", "kbd": "code", "samp": "code", "tt": "code",
}
ALLOWED_TAGS = (
    set(HEADINGS) | PARAGRAPH_TAGS | CONTAINER_TAGS | set(INLINE_KINDS)
    | {"a", "img", "br", "hr", "blockquote", "ul", "ol", "li", "pre", "tr", "td", "th",
       "span", "sub", "sup", "small", "mark", "u", "s", "del", "ins", "abbr", "time"}
) - {"html", "body"}
# Tags removed together with everything inside them (never text worth reading, or hostile).
DANGEROUS_CONTENT_TAGS = {
    "script", "style", "iframe", "frame", "frameset", "noscript", "noframes", "template",
    "object", "embed", "applet", "form", "textarea", "select", "button", "svg", "math",
    "canvas", "audio", "video", "title", "head", "meta", "link", "base", "param", "xmp",
    "plaintext", "noembed", "input", "option", "datalist", "dialog",
}
# Page furniture left out when we read a whole <body> ourselves.
FURNITURE_TAGS = {"nav", "footer", "aside"}

log = logging.getLogger(__name__)


# ---------------------------------------------------------------- nesting guard

_SKIP_RAW = re.compile(r"<!--.*?-->|<(script|style|textarea|xmp)\b[^>]*>.*?</\1\s*>", re.S | re.I)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*?(/?)>")
_VOID_OR_OPTIONAL_END = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr", "keygen", "command", "basefont", "frame", "isindex",
    # end tags that may be left out (each new one closes the last), so they never stack
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody",
    "tfoot", "colgroup", "rt", "rp",
}
# Wrappers that carry no meaning of their own; a too-deep page loses them first.
_WRAPPERS = re.compile(
    r"</?(?:div|section|article|main|header|footer|aside|nav|figure|center|table|tbody|"
    r"thead|tfoot|tr|td|th|ul|ol|dl|blockquote|details|hgroup)\b[^>]*>",
    re.I,
)
_EMPTY_PARAGRAPHS = re.compile(r"(?:<p>\s*){2,}")
_SPAN_LIKE = re.compile(r"</?(?:span|font|small|big|mark|abbr|time|label)\b[^>]*>", re.I)


def _scan(markup: str) -> tuple[int, int]:
    """(how deeply the tags nest, how many elements open), without building a tree."""
    depth = deepest = opened = 0
    markup = _SKIP_RAW.sub("", markup)
    for m in _TAG.finditer(markup):
        if m.group(1):
            if m.group(2).lower() not in _VOID_OR_OPTIONAL_END:
                depth = max(0, depth - 1)
            continue
        opened += 1
        if m.group(3) or m.group(2).lower() in _VOID_OR_OPTIONAL_END:
            continue
        depth += 1
        deepest = max(deepest, depth)
    return deepest, opened


def nesting_depth(markup: str) -> int:
    """How deeply the tags of ``markup`` nest, estimated without building a tree."""
    return _scan(markup)[0]


def guard_nesting(markup: str, shown: str) -> str:
    """``markup`` as it is, flattened when it nests too deeply, or a refusal."""
    if nesting_depth(markup) <= MAX_NESTING:
        return markup
    # Every wrapper becomes a paragraph break: the text and its order survive.
    flat = _SPAN_LIKE.sub("", _WRAPPERS.sub("<p>", markup))
    flat = _EMPTY_PARAGRAPHS.sub("<p>", flat)  # thousands of empty <p> slow the extractor
    if nesting_depth(flat) <= MAX_NESTING:
        return flat
    raise ImportFailed(f"{shown} nests its tags too deeply to be read (more than {MAX_NESTING} levels).")


# ---------------------------------------------------------------- sanitising


_RUBY_PARENTHESIS = re.compile(r"<rp\b[^>]*>.*?</rp\s*>", re.S | re.I)
_RUBY_TEXT = re.compile(r"<rt\b[^>]*>(.*?)(?:</rt\s*>|(?=<rt\b|</ruby\s*>))", re.S | re.I)


def _ruby_reading(m: re.Match[str]) -> str:
    reading = m.group(1)
    wide = any(ord(c) >= 0x3000 for c in reading)  # a kana or CJK reading takes CJK brackets
    return f"（{reading}）" if wide else f" ({reading})"


def sanitize(markup: str, *, drop_furniture: bool = False) -> str:
    """Only structural tags; only href on links and src/alt on images, http(s) only.
    A ruby reading stays beside its base text, in brackets ('奇麗（きれい）'), not run into it."""
    if "<rt" in markup or "<RT" in markup:
        markup = _RUBY_TEXT.sub(_ruby_reading, _RUBY_PARENTHESIS.sub("", markup))
    drop = DANGEROUS_CONTENT_TAGS | (FURNITURE_TAGS if drop_furniture else set())
    return nh3.clean(
        markup,
        tags=ALLOWED_TAGS - drop,
        clean_content_tags=drop,
        attributes={"a": {"href"}, "img": {"src", "alt"}},
        url_schemes=set(LINK_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


# ---------------------------------------------------------------- the walker


class _Walker(BlockCollector):
    """Turns sanitised HTML into blocks; see :func:`blocks_from_html`."""

    def __init__(self, resolve_href: Callable[[str | None], str | None], resolve_src: Callable[[str | None], str | None]):
        super().__init__()
        self.resolve_href = resolve_href
        self.resolve_src = resolve_src
        self.spans: list[tuple[int, str, str | None]] = []  # inline formatting now open
        self.quote_depth = 0
        self.in_cell = 0
        self.next_token = 0

    # -- block bookkeeping

    def start(self, kind: str, level: int = 0, marker: str | None = None) -> None:
        super().start(kind, level, marker)
        assert self.current is not None
        for token, span_kind, href in self.spans:  # formatting still open carries over
            self.current.open(token, span_kind, href)

    def text(self, value: str | None) -> None:
        if not value:
            return
        if self.current is None:
            if not value.strip():
                return
            self.start(*self.default_kind())
        assert self.current is not None
        self.current.add(value)

    def children(self, el: etree._Element, depth: int) -> None:
        self.text(el.text)
        for child in el:
            self.walk(child, depth + 1)
            self.text(child.tail)

    # -- elements

    def walk(self, el: etree._Element, depth: int = 0) -> None:
        if not isinstance(el.tag, str):  # comments, processing instructions
            return
        tag = etree.QName(el).localname.lower()
        if depth > MAX_NESTING * 2:
            # Unreachable after guard_nesting; kept so no input can exhaust the stack.
            self.text(el.text_content())
            return
        if tag in DANGEROUS_CONTENT_TAGS:
            return
        if tag in HEADINGS:
            self.start("heading", HEADINGS[tag])
            self.children(el, depth)
            self.flush()
        elif tag in PARAGRAPH_TAGS:
            if self.in_cell:
                self.text(" ")
                self.children(el, depth)
                return
            # An empty list item waiting for its text keeps its marker: <li><p>text</p>.
            if self.current is None or len(self.current):
                self.start(*self.default_kind())
            self.children(el, depth)
            self.flush()
        elif tag == "blockquote":
            self.flush()
            self.quote_depth += 1
            self.contexts.append(("quote", self.quote_depth))
            self.children(el, depth)
            self.flush()
            self.contexts.pop()
            self.quote_depth -= 1
        elif tag in ("ul", "ol"):
            self.open_list(tag == "ol")
            self.children(el, depth)
            self.close_list()
        elif tag == "li":
            self.open_list_item()
            self.children(el, depth)
            self.flush()
            self.contexts.pop()
        elif tag == "pre":
            self.flush()
            code = clean_code(el.text_content())
            if code.strip():
                self.blocks.append(Block("code", code))
        elif tag == "img":
            src = self.resolve_src(el.get("src"))
            alt = collapse(el.get("alt") or "")
            if src or alt:
                self.flush()
                self.blocks.append(Block("image", alt or "Image", src=src))
        elif tag == "br":
            if self.current is not None:
                self.current.space()
        elif tag == "hr":
            self.flush()
        elif tag == "tr":
            self.start(*self.default_kind())
            self.in_cell += 1
            first = True
            self.text(el.text)
            for cell in el:
                if not first and self.current is not None and len(self.current):
                    self.current.add(" | ")
                first = False
                self.walk(cell, depth + 1)
                self.text(cell.tail)
            self.in_cell -= 1
            self.flush()
        elif tag in ("td", "th"):
            if self.in_cell:
                self.children(el, depth)
            else:  # a stray cell outside a row
                self.start(*self.default_kind())
                self.children(el, depth)
                self.flush()
        elif tag in CONTAINER_TAGS:
            if not self.in_cell:
                self.flush()
            self.children(el, depth)
            if not self.in_cell:
                self.flush()
        else:
            self.inline(el, tag, depth)

    def inline(self, el: etree._Element, tag: str, depth: int) -> None:
        kind = INLINE_KINDS.get(tag)
        href = None
        if tag == "a":
            href = self.resolve_href(el.get("href"))
            kind = "link" if href else None
        if kind is None:
            self.children(el, depth)
            return
        token = self.next_token
        self.next_token += 1
        self.spans.append((token, kind, href))
        if self.current is not None:
            self.current.open(token, kind, href)
        self.children(el, depth)
        self.spans.pop()
        if self.current is not None:
            self.current.close(token)


def blocks_from_html(
    clean_markup: str,
    *,
    base_url: str | None = None,
    resolve_src: Callable[[str | None], str | None] | None = None,
    resolve_href: Callable[[str | None], str | None] | None = None,
) -> list[Block]:
    """Blocks of sanitised HTML (the output of :func:`sanitize`).

    Links and images are made absolute against ``base_url``; relative ones with no base
    are dropped (the text stays). EPUB passes its own resolvers to map images to paths in
    the book.
    """
    if not clean_markup.strip():
        return []
    try:
        root = lxml.html.fragment_fromstring(clean_markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    walker = _Walker(
        resolve_href or (lambda href: safe_url(href, base_url, LINK_SCHEMES)),
        resolve_src or (lambda src: safe_url(src, base_url, IMAGE_SCHEMES)),
    )
    walker.walk(root)
    walker.flush()
    return walker.blocks


# ---------------------------------------------------------------- trafilatura's markup

_HI_TAGS = {"#b": "strong", "#i": "em", "#u": "u", "#t": "code", "#sub": "sub", "#sup": "sup"}


def _extracted_to_html(body: etree._Element) -> str:
    """trafilatura's XML body (head, hi, ref, list, item, quote, graphic...) as HTML."""
    # trafilatura marks inline and block code alike; a line break or a place of its own
    # makes it a block. Decided before any renaming, on trafilatura's own tag names.
    block_code = {
        el
        for el in body.iter("code")
        if "\n" in (el.text or "")
        or el.getparent() is None
        or el.getparent().tag not in ("p", "item", "head", "hi", "ref", "cell")
    }
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag
        attrs = dict(el.attrib)
        el.attrib.clear()
        if tag == "head":
            rend = attrs.get("rend", "h2")
            el.tag = rend if rend in HEADINGS else "h2"
        elif tag == "hi":
            el.tag = _HI_TAGS.get(attrs.get("rend", "#i"), "span")
        elif tag == "ref":
            el.tag = "a"
            if attrs.get("target"):
                el.set("href", attrs["target"])
        elif tag == "list":
            el.tag = "ol" if attrs.get("rend") == "ol" else "ul"
        elif tag == "item":
            el.tag = "li"
        elif tag == "quote":
            el.tag = "blockquote"
        elif tag == "code":
            el.tag = "pre" if el in block_code else "code"
        elif tag == "graphic":
            el.tag = "img"
            for key in ("src", "alt"):
                if attrs.get(key):
                    el.set(key, attrs[key])
        elif tag == "lb":
            el.tag = "br"
        elif tag == "row":
            el.tag = "tr"
        elif tag == "cell":
            el.tag = "th" if attrs.get("role") == "head" else "td"
        elif tag in ("p", "table", "div", "del"):
            pass
        elif tag in ("main", "body", "doc"):
            el.tag = "div"
        else:
            el.tag = "span"
    return etree.tostring(body, encoding="unicode", method="html")


# ---------------------------------------------------------------- metadata

_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


def parse_date(value: str | None) -> datetime | None:
    """An ISO date as trafilatura/htmldate give it; a date alone has no time or zone."""
    if not value:
        return None
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    offset = parsed.utcoffset()
    if parsed.time() == datetime.min.time() and (offset is None or not offset):
        return parsed.replace(tzinfo=None)
    return parsed


def _jsonld_dates(markup: str) -> str | None:
    """``datePublished`` from JSON-LD, which htmldate may round to a day."""
    for m in re.finditer(r"<script[^>]+application/ld\+json[^>]*>(.*?)</script>", markup[:2_000_000], re.S | re.I):
        try:
            data = json.loads(m.group(1))
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if isinstance(item.get("datePublished"), str):
                    return item["datePublished"]
                stack.extend(v for v in item.values() if isinstance(v, (list, dict)))
    return None


_SOCIAL_TITLE = re.compile(r"""<meta[^>]+(?:property|name)\s*=\s*["'](?:og:title|twitter:title)["']""", re.I)
_PAGE_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_TITLE_SEPARATOR = re.compile(r"\s+(?:[-|–—·:»]{1,2})\s+")


def _choose_title(extracted: str, markup: str, blocks: list[Block]) -> str:
    """trafilatura's title, unless the page's own <title> disagrees with it.

    With no og:title and several <h1>, trafilatura takes the first <h2>, which on many
    sites is a widget ("Keyboard shortcuts"). The <title> names the page; of its parts
    ("Story - Site"), the one that is also a heading of the page is the article's.
    """
    head = markup[:METADATA_CHARS]
    if extracted and _SOCIAL_TITLE.search(head):
        return extracted
    m = _PAGE_TITLE.search(head)
    page_title = metadata_text(m.group(1)) if m else ""
    if not page_title or (extracted and extracted.casefold() in page_title.casefold()):
        return extracted or page_title
    parts = [p for p in _TITLE_SEPARATOR.split(page_title) if p.strip()]
    headings = {b.text.casefold() for b in blocks if b.kind == "heading"}
    for part in parts:
        if part.casefold() in headings:
            return part
    return extracted or page_title


DATE_SEARCH_SECONDS = 3.0
"""How long htmldate's extensive search (dateparser over the text nodes) may take."""


def date_by_extensive_search(markup: str, url: str | None, params: dict[str, object]) -> datetime | None:
    """htmldate's extensive search for a date in the page's text, bounded in time: past
    :data:`DATE_SEARCH_SECONDS` the page keeps no date (the search thread is left to end)."""
    import threading

    from htmldate import find_date

    found: list[str | None] = []

    def search() -> None:
        try:
            found.append(find_date(markup[:LARGE_PAGE_CHARS], url=url, **{**params, "extensive_search": True}))
        except Exception:  # a third-party parser on hostile input
            log.debug("htmldate failed", exc_info=True)

    worker = threading.Thread(target=search, name="reader-date-search", daemon=True)
    worker.start()
    worker.join(DATE_SEARCH_SECONDS)
    return parse_date(found[0]) if found else None


def _title_from_name(name: str) -> str:
    path = urlsplit(name).path if "://" in name else name
    stem = Path(path).stem.replace("_", " ").replace("-", " ").strip()
    return stem or name


# ---------------------------------------------------------------- the importer


def parse_html(text: str, name: str, url: str | None = None) -> ImportedArticle:
    """Import one web page; ``url`` (where it came from) makes relative links absolute."""
    import trafilatura
    from trafilatura.metadata import extract_metadata

    shown = describe(name)
    depth, elements = _scan(text)
    markup = text
    if depth > MAX_NESTING:
        markup = guard_nesting(text, shown)
        elements = _scan(markup)[1]
    base_url = url if url and safe_url(url, None, ("http", "https")) else None
    # extensive_search makes htmldate run dateparser over every text node: seconds on a
    # long page, for dates that the metadata and JSON-LD already give.
    date_params = {"original_date": True, "extensive_search": False, "outputformat": _DATE_FORMAT}

    blocks: list[Block] = []
    meta = None
    extracted = None
    too_big_for_extractor = elements > MAX_EXTRACTOR_ELEMENTS
    try:
        if not too_big_for_extractor:
            extracted = trafilatura.bare_extraction(
                markup,
                url=base_url,
                # On long pages the second opinion (readability, jusText) costs more than it helps.
                fast=len(markup) > LARGE_PAGE_CHARS,
                include_formatting=True,
                include_links=True,
                include_images=True,
                include_tables=True,
                include_comments=False,
                with_metadata=True,
                date_extraction_params=date_params,
            )
    except Exception:  # a third-party extractor on hostile input: fall back, never crash
        log.debug("trafilatura failed on %s", shown, exc_info=True)
        extracted = None
    if extracted is not None:
        meta = extracted
        body = getattr(extracted, "body", None)
        if body is not None and len(body):
            blocks = blocks_from_html(sanitize(_extracted_to_html(body)), base_url=base_url)
    structured = blocks
    # Our own walk of the whole body (page furniture left out). When trafilatura found
    # nothing, or kept nearly all of it anyway (short pages, where it falls back to a
    # flat baseline), this walk is as clean and keeps the lists and headings.
    whole_page = blocks_from_html(sanitize(markup, drop_furniture=True), base_url=base_url)
    extracted_chars = sum(len(b.text) for b in blocks if b.kind != "image")
    page_chars = sum(len(b.text) for b in whole_page if b.kind != "image")
    if not extracted_chars or extracted_chars >= 0.9 * page_chars:
        blocks = whole_page
        if meta is None:
            try:
                # Metadata sits in <head> and near the top; the whole of a huge page costs seconds.
                meta = extract_metadata(markup[:METADATA_CHARS], default_url=base_url, date_config=date_params)
            except Exception:
                log.debug("metadata extraction failed on %s", shown, exc_info=True)
                meta = None

    if not too_big_for_extractor:
        from reader.core.importers.coverage import never_less_than_trafilatura

        left_out = frozenset(DANGEROUS_CONTENT_TAGS - {"title", "head", "meta", "link", "base"})
        blocks = never_less_than_trafilatura(markup, blocks, [structured, whole_page], shown, left_out)

    title = _choose_title(metadata_text(getattr(meta, "title", None)), markup, blocks)
    if not title:
        first_heading = next((b for b in blocks if b.kind == "heading" and b.level == 1), None)
        title = first_heading.text if first_heading else _title_from_name(name)
    blocks = drop_leading_title(blocks, title)

    published = parse_date(_jsonld_dates(markup)) or parse_date(getattr(meta, "date", None))
    if published is None:  # the metadata gives none: look in the text, as trafilatura does
        published = date_by_extensive_search(markup, base_url, date_params)
    page_url = getattr(meta, "url", None)
    article_url = url or (page_url if safe_url(page_url, None, ("http", "https")) else None)
    site = getattr(meta, "sitename", None) or getattr(meta, "hostname", None)
    if not site and article_url:
        site = urlsplit(article_url).hostname
    return ImportedArticle(
        title=title,
        document=Document(tuple(blocks)),
        format="html",
        author=metadata_text(getattr(meta, "author", None)) or None,
        site=metadata_text(site) or None,
        url=article_url,
        published=published,
    )
