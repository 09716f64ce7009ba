"""Building blocks from a stream of inline text and formatting, shared by the importers.

HTML, EPUB chapters and Markdown all arrive as nested inline pieces (text, emphasis, a
link...) inside block containers. :class:`InlineText` collapses the whitespace as it goes
and keeps every span's offsets relative to the finished, collapsed block text, so no
importer has to re-count characters after the fact.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from reader.core.document import Block, Span

# Any run of whitespace; a lone no-break space between words is kept ("10\xa0km"), a run
# of them (indentation in old HTML) becomes one plain space like any other.
_SPACE_RUN = re.compile(r"\s+")
_NBSP = "\xa0"


def _one_space(m: re.Match[str]) -> str:
    return _NBSP if m.group() == _NBSP else " "
# Control characters that must not reach a block (they are invisible and break offsets
# between Python and Qt); tab and newline are handled as whitespace above.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")

LINK_SCHEMES = ("http", "https", "mailto")
IMAGE_SCHEMES = ("http", "https")


def collapse(text: str) -> str:
    """One space for every run of whitespace, control characters removed, ends stripped."""
    return _SPACE_RUN.sub(_one_space, _CONTROL.sub("", text)).strip(" " + _NBSP)


_RAW_ELEMENT = re.compile(r"<(script|style|template|noscript)\b[^>]*>.*?(?:</\1\s*>|$)", re.I | re.S)
_MARKUP_TAG = re.compile(r"</?[A-Za-z!?/][^<>]*(?:>|$)")


def metadata_text(value: str | None) -> str:
    """A title, author, site or description as the body's text is: entities decoded,
    markup removed (a script's or style's content with it), whitespace and control
    characters squeezed. '&lt;script&gt;alert(1)&lt;/script&gt;' is nothing."""
    import html

    if not value:
        return ""
    text = html.unescape(str(value))
    text = _RAW_ELEMENT.sub(" ", text)
    text = _MARKUP_TAG.sub(" ", text)
    return collapse(text)


def clean_code(text: str) -> str:
    """A code block's text: line breaks normalised, controls removed, no blank ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text.replace("\t", "    "))
    return text.strip("\n").rstrip()


def safe_url(value: str | None, base: str | None = None, schemes: tuple[str, ...] = LINK_SCHEMES) -> str | None:
    """``value`` made absolute against ``base`` if its scheme is allowed, else None.

    A second line of defence after the sanitiser: whatever the markup says, only
    http(s) (and mailto for links) can ever reach the document.
    """
    if not value:
        return None
    value = _CONTROL.sub("", value).strip()
    if not value:
        return None
    try:
        if base:
            value = urljoin(base, value)
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in schemes:
        return None
    if parts.scheme.lower() != "mailto" and not parts.netloc:
        return None
    return value


class InlineText:
    """Collects the text of one block with its spans; whitespace collapses as text arrives."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._pending_space = False
        self._ends_with_space = False
        self._open: dict[int, tuple[str, int, str | None]] = {}
        self._spans: list[Span] = []

    def __len__(self) -> int:
        return self._length

    def _emit(self, piece: str) -> None:
        self._parts.append(piece)
        self._length += len(piece)
        self._ends_with_space = piece.endswith(" ")

    def add(self, text: str | None) -> None:
        if not text:
            return
        text = _SPACE_RUN.sub(_one_space, _CONTROL.sub("", text))
        if not self._length:
            text = text.lstrip(_NBSP)  # a block never starts with blank space
        if not text:
            return
        if text[0] == " ":
            self._pending_space = True
        trailing = text[-1] == " "
        text = text.strip(" ")
        if text:
            if self._pending_space and self._length and not self._ends_with_space:
                self._emit(" ")
            self._emit(text)
            self._pending_space = False
        if trailing:
            self._pending_space = True

    def space(self) -> None:
        """A line break inside a paragraph (``<br>``): blocks hold no newline, so a space."""
        self._pending_space = True

    def open(self, token: int, kind: str, href: str | None = None) -> None:
        # A space owed before the span's first word belongs before the span, not in it.
        if self._pending_space and self._length and not self._ends_with_space:
            self._emit(" ")
        self._pending_space = False
        self._open[token] = (kind, self._length, href)

    def close(self, token: int) -> None:
        opened = self._open.pop(token, None)
        if opened is None:
            return
        kind, start, href = opened
        if self._length > start:
            self._spans.append(Span(kind, start, self._length, href))

    def finish(self) -> tuple[str, tuple[Span, ...]]:
        for token in list(self._open):
            self.close(token)
        text = "".join(self._parts).rstrip(" " + _NBSP)
        spans = []
        for span in self._spans:
            end = min(span.end, len(text))
            start = span.start
            # Spans never begin or end on the space between words.
            while start < end and text[start] == " ":
                start += 1
            while end > start and text[end - 1] == " ":
                end -= 1
            if end > start:
                spans.append(Span(span.kind, start, end, span.href))
        spans.sort(key=lambda s: (s.start, -s.end))
        return text, tuple(spans)

    def to_block(self, kind: str, level: int = 0, marker: str | None = None) -> Block | None:
        text, spans = self.finish()
        if not text:
            return None
        return Block(kind, text, level=level, spans=spans, marker=marker)


class BlockCollector:
    """Block bookkeeping the HTML and Markdown walkers share: the open block and its kind.

    ``contexts`` holds the enclosing quotes and list items as ``(kind, level)``; text that
    arrives outside any block starts one of the innermost context's kind.
    """

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.current: InlineText | None = None
        self.current_kind: tuple[str, int, str | None] = ("paragraph", 0, None)
        self.contexts: list[tuple[str, int]] = []
        self.lists: list[list[int | bool]] = []  # open lists: [ordered, next number]

    def flush(self) -> None:
        if self.current is not None:
            block = self.current.to_block(*self.current_kind)
            if block is not None:
                self.blocks.append(block)
            self.current = None

    def start(self, kind: str, level: int = 0, marker: str | None = None) -> None:
        self.flush()
        self.current = InlineText()
        self.current_kind = (kind, level, marker)

    def default_kind(self) -> tuple[str, int, str | None]:
        if self.contexts:
            kind, level = self.contexts[-1]
            return kind, level, None
        return "paragraph", 0, None

    def open_list(self, ordered: bool, first: int = 1) -> None:
        self.flush()
        self.lists.append([ordered, first])

    def close_list(self) -> None:
        self.flush()
        if self.lists:
            self.lists.pop()

    def open_list_item(self) -> None:
        """Start a list item block: nested one level per open list, numbered in ordered lists."""
        level = max(1, len(self.lists))
        marker = "•"
        if self.lists and self.lists[-1][0]:
            number = int(self.lists[-1][1])
            marker = f"{number}."
            self.lists[-1][1] = number + 1
        self.start("list_item", level, marker)
        self.contexts.append(("list_item", level))


def drop_leading_title(blocks: list[Block], title: str) -> list[Block]:
    """Leave out the first block when it only repeats the title shown above the article."""
    if blocks and blocks[0].kind == "heading" and collapse(blocks[0].text).casefold() == collapse(title).casefold():
        return blocks[1:]
    return blocks
