"""Markdown articles (CommonMark plus tables), with optional YAML front matter.

markdown-it-py parses; we walk its token stream into blocks. Raw HTML blocks go through
the same sanitiser and walker as web pages; raw inline HTML contributes its text only, and
nothing inside an inline <script>/<style>. Images become image blocks whose ``src`` is kept
as written (a relative path stays relative); it is never loaded.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from reader.core.document import Block, Document
from reader.core.importers import ImportedArticle, describe
from reader.core.importers.blocks import LINK_SCHEMES, BlockCollector, InlineText, clean_code, collapse, safe_url
from reader.core.importers.html import DANGEROUS_CONTENT_TAGS, blocks_from_html, guard_nesting, sanitize

_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.-]*):")
_HTML_TAG = re.compile(r"^<(/?)([A-Za-z][A-Za-z0-9-]*)")
_SPAN_KINDS = {"em": "emphasis", "strong": "strong", "s": None, "link": "link"}


MAX_QUOTE_DEPTH = 20
# More than MAX_QUOTE_DEPTH quote markers (or list bullets) at the start of a line.
_DEEP_PREFIX = re.compile(rf"^(?:[ \t]{{0,3}}(?:>|[-*+][ \t])[ \t]?){{{MAX_QUOTE_DEPTH + 1},}}", re.M)


def _parser() -> MarkdownIt:
    # markdown-it stops (and drops the rest) past maxNesting, and recurses per level, so
    # the source is clamped to MAX_QUOTE_DEPTH first (see _clamp_nesting).
    md = MarkdownIt("commonmark", {"maxNesting": 100}).use(front_matter_plugin).enable(["table", "strikethrough"])
    # Accept every link target: a refused one would show its raw source ("[x](javascript:...)")
    # as text; ours drops unsafe targets and keeps the words.
    md.validateLink = lambda url: True
    return md


def _clamp_nesting(text: str) -> str:
    return _DEEP_PREFIX.sub(lambda m: "> " * MAX_QUOTE_DEPTH, text)


def _image_src(src: str | None) -> str | None:
    """Kept as written when relative or http(s); javascript:, data:, file: and the like go."""
    if not src:
        return None
    src = src.strip()
    m = _SCHEME.match(src)
    if m is None:
        return src or None
    # A one-letter "scheme" is a Windows drive (C:\...), a local path like any other.
    if len(m.group(1)) == 1:
        return src
    return safe_url(src, None, ("http", "https"))


def _plain(tokens: list[Token] | None) -> str:
    out = []
    for tok in tokens or ():
        if tok.type in ("text", "code_inline"):
            out.append(tok.content)
        elif tok.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif tok.children:
            out.append(_plain(tok.children))
    return "".join(out)


class _Walker(BlockCollector):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.shown = describe(name)
        self.quote_depth = 0
        self.in_row = False
        self.cells = 0

    def walk(self, tokens: list[Token]) -> list[Block]:
        for tok in tokens:
            kind = tok.type
            if kind == "heading_open":
                self.start("heading", int(tok.tag[1:]))
            elif kind == "paragraph_open":
                if self.in_row:
                    continue
                # A list item's first paragraph carries the item's marker.
                if self.current is None or len(self.current):
                    self.start(*self.default_kind())
            elif kind in ("heading_close", "paragraph_close"):
                if not self.in_row:
                    self.flush()
            elif kind in ("bullet_list_open", "ordered_list_open"):
                start = tok.attrGet("start")
                self.open_list(kind == "ordered_list_open", int(start) if start is not None else 1)
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.close_list()
            elif kind == "list_item_open":
                self.open_list_item()
            elif kind == "list_item_close":
                self.flush()
                self.contexts.pop()
            elif kind == "blockquote_open":
                self.flush()
                self.quote_depth += 1
                self.contexts.append(("quote", self.quote_depth))
            elif kind == "blockquote_close":
                self.flush()
                self.contexts.pop()
                self.quote_depth -= 1
            elif kind in ("fence", "code_block"):
                self.flush()
                code = clean_code(tok.content)
                if code.strip():
                    self.blocks.append(Block("code", code))
            elif kind == "html_block":
                self.flush()
                self.blocks.extend(blocks_from_html(sanitize(guard_nesting(tok.content, self.shown))))
            elif kind == "tr_open":
                self.start(*self.default_kind())
                self.in_row = True
                self.cells = 0
            elif kind in ("th_open", "td_open"):
                if self.cells and self.current is not None and len(self.current):
                    self.current.add(" | ")
                self.cells += 1
            elif kind == "tr_close":
                self.in_row = False
                self.flush()
            elif kind == "inline":
                self.inline(tok.children or [])
            elif kind == "hr":
                self.flush()
        self.flush()
        return self.blocks

    def ensure_current(self) -> InlineText:
        if self.current is None:
            self.start(*self.default_kind())
        assert self.current is not None
        return self.current

    def inline(self, tokens: list[Token]) -> None:
        open_spans: list[tuple[int, str, str | None]] = []
        skip_until: str | None = None  # inside an inline <script> or <style>
        for i, tok in enumerate(tokens):
            kind = tok.type
            if skip_until is not None:
                m = _HTML_TAG.match(tok.content) if kind == "html_inline" else None
                if m and m.group(1) and m.group(2).lower() == skip_until:
                    skip_until = None
                continue
            if kind == "text":
                self.ensure_current().add(tok.content)
            elif kind in ("softbreak", "hardbreak"):
                if self.current is not None:
                    self.current.space()
            elif kind == "code_inline":
                current = self.ensure_current()
                current.open(-1 - i, "code")
                current.add(tok.content)
                current.close(-1 - i)
            elif kind.endswith("_open") and kind[:-5] in _SPAN_KINDS:
                span_kind = _SPAN_KINDS[kind[:-5]]
                href = safe_url(tok.attrGet("href"), None, LINK_SCHEMES) if span_kind == "link" else None
                if span_kind == "link" and href is None:
                    span_kind = None
                open_spans.append((i, span_kind or "", href))
                if span_kind:
                    self.ensure_current().open(i, span_kind, href)
            elif kind.endswith("_close") and kind[:-6] in _SPAN_KINDS:
                if open_spans:
                    token, span_kind, _ = open_spans.pop()
                    if span_kind and self.current is not None:
                        self.current.close(token)
            elif kind == "image":
                alt = collapse(_plain(tok.children) or tok.content)
                src = _image_src(str(tok.attrGet("src") or ""))
                if src or alt:
                    self.flush()
                    self.blocks.append(Block("image", alt or "Image", src=src))
                    # The rest of the paragraph continues after the image with its spans.
                    for token, span_kind, href in open_spans:
                        if span_kind:
                            self.ensure_current().open(token, span_kind, href)
            elif kind == "html_inline":
                m = _HTML_TAG.match(tok.content)
                if m and not m.group(1) and m.group(2).lower() in DANGEROUS_CONTENT_TAGS and not tok.content.rstrip().endswith("/>"):
                    skip_until = m.group(2).lower()
                elif m and m.group(2).lower() == "br" and self.current is not None:
                    self.current.space()


# ------------------------------------------------------------------ front matter

_SCALAR = (str, int, float, dt.date)


def _front_matter_value(meta: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = meta.get(key)
        if isinstance(value, list):  # authors: [a, b]; only plain strings, never nested aliases
            names = [str(v).strip() for v in value[:20] if isinstance(v, _SCALAR) and str(v).strip()]
            value = ", ".join(names) if names else None
        elif isinstance(value, dict):
            value = value.get("name") if isinstance(value.get("name"), str) else None
        if isinstance(value, _SCALAR) and not isinstance(value, bool):
            text = collapse(str(value))
            if text:
                return text[:500]
    return None


def _front_matter_date(meta: dict[str, Any]) -> dt.datetime | None:
    from reader.core.importers.html import parse_date
    from reader.core.importers.text import parse_dateline

    for key in ("date", "published", "pubDate", "created"):
        value = meta.get(key)
        if isinstance(value, dt.datetime):
            return value
        if isinstance(value, dt.date):
            return dt.datetime(value.year, value.month, value.day)
        if isinstance(value, str):
            parsed = parse_date(value) or parse_dateline(value)
            if parsed is not None:
                return parsed
    return None


def _load_front_matter(tokens: list[Token]) -> dict[str, Any]:
    for tok in tokens[:1]:
        if tok.type == "front_matter":
            try:
                data = yaml.safe_load(tok.content)
            except yaml.YAMLError:
                return {}  # broken front matter: the article is still worth reading
            return data if isinstance(data, dict) else {}
    return {}


def parse_markdown(text: str, name: str) -> ImportedArticle:
    tokens = _parser().parse(_clamp_nesting(text))
    meta = _load_front_matter(tokens)
    blocks = _Walker(name).walk(tokens)

    title = _front_matter_value(meta, "title")
    if title is None:
        first_h1 = next((b for b in blocks if b.kind == "heading" and b.level == 1), None)
        if first_h1 is not None:
            title = first_h1.text
            if blocks[0] is first_h1:
                blocks = blocks[1:]
        else:
            title = Path(name).stem.replace("_", " ").replace("-", " ").strip() or name
    elif blocks and blocks[0].kind == "heading" and blocks[0].level == 1 and blocks[0].text == title:
        blocks = blocks[1:]

    url = _front_matter_value(meta, "url", "link", "source")
    return ImportedArticle(
        title=title,
        document=Document(tuple(blocks)),
        format="markdown",
        author=_front_matter_value(meta, "author", "authors", "creator"),
        site=_front_matter_value(meta, "site", "sitename", "publisher"),
        url=safe_url(url, None, ("http", "https")) if url else None,
        published=_front_matter_date(meta),
    )
