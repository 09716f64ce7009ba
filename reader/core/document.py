"""The article's content model: blocks, their inline spans, and the canonical text.

The canonical text is the blocks' plain text joined with a single ``\\n``. Every offset
stored anywhere (highlights, search matches, reading position) is a Python ``str`` index
into it. A block's own text never holds ``\\n`` except inside a code block, whose lines the
UI renders as separate lines, one position per line break, so offsets still line up.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

BLOCK_KINDS = ("heading", "paragraph", "quote", "list_item", "code", "image")
SPAN_KINDS = ("emphasis", "strong", "link", "code")
DOCUMENT_FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class Span:
    """Inline formatting over ``[start, end)`` of its block's text (block-relative)."""

    kind: str
    start: int
    end: int
    href: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in SPAN_KINDS:
            raise ValueError(f"unknown span kind {self.kind!r}")
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span range {self.start}..{self.end}")

    def to_json(self) -> list[Any]:
        out: list[Any] = [self.kind, self.start, self.end]
        if self.href is not None:
            out.append(self.href)
        return out

    @classmethod
    def from_json(cls, data: list[Any]) -> Span:
        return cls(data[0], data[1], data[2], data[3] if len(data) > 3 else None)


@dataclass(frozen=True, slots=True)
class Block:
    """One block of the article.

    ``level`` is the heading level (1-6) for headings, the nesting depth (1-based) for
    list items and quotes, and 0 otherwise. ``marker`` is a list item's bullet or number
    ("•", "3."); ``src`` an image's address (never loaded by the viewer).
    """

    kind: str
    text: str
    level: int = 0
    spans: tuple[Span, ...] = ()
    marker: str | None = None
    src: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in BLOCK_KINDS:
            raise ValueError(f"unknown block kind {self.kind!r}")
        if "\n" in self.text and self.kind != "code":
            raise ValueError("only code blocks may hold line breaks")
        for span in self.spans:
            if span.end > len(self.text):
                raise ValueError(f"span {span} runs past its block ({len(self.text)} chars)")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "text": self.text}
        if self.level:
            out["level"] = self.level
        if self.spans:
            out["spans"] = [s.to_json() for s in self.spans]
        if self.marker is not None:
            out["marker"] = self.marker
        if self.src is not None:
            out["src"] = self.src
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Block:
        return cls(
            kind=data["kind"],
            text=data["text"],
            level=data.get("level", 0),
            spans=tuple(Span.from_json(s) for s in data.get("spans", ())),
            marker=data.get("marker"),
            src=data.get("src"),
        )


@dataclass(frozen=True)
class Document:
    blocks: tuple[Block, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        object.__setattr__(self, "blocks", tuple(self.blocks))

    @cached_property
    def text(self) -> str:
        """The canonical text: block texts joined by a single ``\\n``."""
        return "\n".join(b.text for b in self.blocks)

    @cached_property
    def block_starts(self) -> tuple[int, ...]:
        """Offset in the canonical text where each block starts."""
        starts = []
        pos = 0
        for block in self.blocks:
            starts.append(pos)
            pos += len(block.text) + 1
        return tuple(starts)

    def block_range(self, index: int) -> tuple[int, int]:
        start = self.block_starts[index]
        return start, start + len(self.blocks[index].text)

    def block_index_at(self, offset: int) -> int:
        """Index of the block holding ``offset`` (a separator belongs to the block before)."""
        if not self.blocks:
            raise IndexError("empty document")
        return max(0, bisect.bisect_right(self.block_starts, offset) - 1)

    def iter_ranges(self) -> Iterator[tuple[Block, int, int]]:
        for block, start in zip(self.blocks, self.block_starts):
            yield block, start, start + len(block.text)

    def is_empty(self) -> bool:
        return not self.text.strip()

    def to_json(self) -> str:
        return json.dumps(
            {"version": DOCUMENT_FORMAT_VERSION, "blocks": [b.to_json() for b in self.blocks]},
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, data: str | bytes | dict[str, Any]) -> Document:
        obj = json.loads(data) if isinstance(data, (str, bytes)) else data
        return cls(tuple(Block.from_json(b) for b in obj["blocks"]))

    def outline(self) -> list[dict[str, Any]]:
        """Blocks as plain dicts with absolute offsets, for JSON output."""
        return [
            {"kind": b.kind, "level": b.level, "start": s, "end": e}
            for b, s, e in self.iter_ranges()
        ]

    @classmethod
    def from_paragraphs(cls, paragraphs: Iterable[str]) -> Document:
        return cls(tuple(Block("paragraph", p) for p in paragraphs))
