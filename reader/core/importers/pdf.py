"""PDF files with a text layer -> a ``Document`` whose canonical text is the text layer.

PDFium (``pypdfium2``) is the one engine for text, character boxes and page images, so
offsets and rectangles always agree. For each page we read PDFium's characters in order,
split them into lines at the line breaks PDFium puts in, put the lines in reading order
(see :func:`_reading_order`), join them into paragraphs, and keep, for every canonical
character, the PDFium character index it came from (:mod:`reader.core.pdf_layout`).

Canonical text rules: a soft hyphen PDFium marks at a line end (U+0002) and a hyphen that
ends a line before a lower-case letter are dropped, joining the word; ligatures become their
letters; lines of a paragraph join with a space (none between CJK characters); paragraphs
and pages are blocks, separated by ``\\n``.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import statistics
import unicodedata
from dataclasses import dataclass, field

from reader.core.document import Block, Document
from reader.core.errors import ImportFailed
from reader.core.importers import ImportedArticle, describe
from reader.core.pdf_layout import PDFIUM_LOCK, PdfPage, code_units

MAX_PAGES = 5000

_LIGATURES = {chr(c): unicodedata.normalize("NFKC", chr(c)) for c in range(0xFB00, 0xFB07)}
_DROP = {0x00, 0x02, 0xFFFE, 0xFFFF, 0xFEFF, 0xAD}
_FILE_NAME_TITLE = re.compile(
    r"(^microsoft (word|powerpoint|excel) - )|(\.(pdf|docx?|exe|rtf|odt|tex|dvi|ps|indd|pptx?|xlsx?|txt|html?)$)"
    r"|^(untitled|unknown|title|document\d*|no title|\s*)$",
    re.IGNORECASE,
)


@dataclass
class PdfSource:
    """What the library stores for a PDF besides its text: the file itself and its pages."""

    data: bytes
    sha256: str
    pages: tuple[PdfPage, ...]


@dataclass
class _Line:
    chars: list[tuple[str, int]]  # (canonical character, pdfium index)
    left: float
    bottom: float
    right: float
    top: float
    size: float
    group: int = 0
    text: str = field(default="", init=False)

    def __post_init__(self) -> None:
        self.text = "".join([c for c, _ in self.chars])

    @property
    def height(self) -> float:
        return max(self.top - self.bottom, 1.0)


def parse_pdf(data: bytes, name: str) -> ImportedArticle:
    import pypdfium2 as pdfium

    shown = describe(name)
    if b"%PDF-" not in data[:1024]:
        raise ImportFailed(f"{shown} is not a PDF file (it does not start with %PDF-).")
    # PDFium is held page by page, not for the whole import: the window renders and hit-tests
    # the open PDF meanwhile.
    try:
        with PDFIUM_LOCK:
            doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        if "password" in message:
            raise ImportFailed(
                f"{shown} is encrypted with a password; Reader cannot open password-protected PDFs."
            ) from None
        raise ImportFailed(f"{shown} is a damaged or truncated PDF document: it cannot be read.") from None
    try:
        return _read_document(doc, data, name)
    finally:
        with PDFIUM_LOCK:
            doc.close()


def _read_document(doc: object, data: bytes, name: str) -> ImportedArticle:
    shown = describe(name)
    count = len(doc)  # type: ignore[arg-type]
    if count == 0:
        raise ImportFailed(f"{shown} is a damaged or truncated PDF document: it has no pages.")
    if count > MAX_PAGES:
        raise ImportFailed(f"{shown} has {count} pages; Reader imports PDFs of up to {MAX_PAGES} pages.")
    blocks: list[Block] = []
    pages: list[PdfPage] = []
    offset = 0
    first_lines: list[_Line] = []
    for number in range(1, count + 1):
        with PDFIUM_LOCK:
            page = doc[number - 1]  # type: ignore[index]
            try:
                width, height = page.get_size()
                textpage = page.get_textpage()
                try:
                    lines = _read_lines(textpage)
                finally:
                    textpage.close()
            finally:
                page.close()
        if number == 1:
            first_lines = lines
        runs: list[tuple[int, int, int]] = []
        start = offset + 1 if blocks else offset
        for para in _paragraphs(_reading_order(lines)):
            if blocks:
                offset += 1  # the "\n" between blocks
            text = "".join(c for c, _ in para)
            blocks.append(Block("paragraph", text))
            _append_runs(runs, para, offset)
            offset += len(text)
        if not runs:  # a page without text: an empty range where it stands
            start = offset
        pages.append(PdfPage(number, start, offset, float(width), float(height), tuple(runs)))
    document = Document(tuple(blocks))
    if document.is_empty():
        raise ImportFailed(
            f"{shown} has no text layer (its pages are scanned images), so its words cannot be read;"
            " run it through OCR first (for example OCRmyPDF)."
        )
    with PDFIUM_LOCK:
        meta = doc.get_metadata_dict(skip_empty=True)  # type: ignore[attr-defined]
    title = _meaningful(meta.get("Title")) or _heading_of(first_lines) or _first_words(document.text) or name
    author = _meaningful(meta.get("Author"))
    source = PdfSource(data, hashlib.sha256(data).hexdigest(), tuple(pages))
    return ImportedArticle(title=title, document=document, format="pdf", author=author, extra={"pdf": source})


def _append_runs(runs: list[tuple[int, int, int]], chars: list[tuple[str, int]], offset: int) -> None:
    """Compress (character, index) pairs into runs of consecutive PDFium indices.

    A character outside the BMP takes two indices, so it ends its run; several canonical
    characters from one PDFium character (a ligature's letters, a joining space) each start one.
    """
    closed = True
    for pos, (ch, index) in enumerate(chars, start=offset):
        if runs and not closed:
            o, i, n = runs[-1]
            if pos == o + n and index == i + n:
                runs[-1] = (o, i, n + 1)
                closed = ch > "\uffff"  # code_units(ch) > 1, inlined: this loop sees every character
                continue
        runs.append((pos, index, 1))
        closed = code_units(ch) > 1


# Characters that need a look each (controls, surrogates, ligatures, marks PDFium inserts,
# spaces other than U+0020, and runs of spaces); a line without any is taken as it stands.
_NEEDS_CARE = re.compile(
    "[^\x21-\x7e\xa1-\u02ff\u0300-\u167f\u1681-\u1fff\u2010-\u2027\u2030-\u205e\u2060-\u2fff"
    "\u3001-\ud7ff\ue000-\ufaff\ufb07-\ufefe\uff00-\ufffd ]|  |^ | $"
)
_LINE_BREAKS = re.compile("[\r\n]+")


def _read_lines(textpage: object) -> list[_Line]:
    """PDFium's characters as lines: (character, index) pairs with each line's box and font size."""
    import pypdfium2.raw as raw

    n = raw.FPDFText_CountChars(textpage)
    if n <= 0:
        return []
    units = _code_units(textpage, n)
    # One str character per PDFium index (surrogates kept as they are, paired up below).
    text = "".join(map(chr, units))
    lines: list[_Line] = []
    pos = 0
    for brk in [*_LINE_BREAKS.finditer(text), None]:
        end = brk.start() if brk is not None else n
        if end > pos:
            segment = text[pos:end]
            if _NEEDS_CARE.search(segment) is None:
                chars = list(zip(segment, range(pos, end)))
            else:
                chars = _careful_chars(units, pos, end)
            if chars:
                lines.append(_make_line(textpage, chars, pos, end))
        pos = brk.end() if brk is not None else n
    return lines


def _careful_chars(units: list[int], start: int, end: int) -> list[tuple[str, int]]:
    """(character, index) pairs of units[start:end], one by one: surrogate pairs joined,
    PDFium's marks dropped, ligatures as letters, any run of white space as one space."""
    current: list[tuple[str, int]] = []
    i = start
    while i < end:
        unit = units[i]
        width = 1
        if 0xD800 <= unit < 0xDC00 and i + 1 < end and 0xDC00 <= units[i + 1] < 0xE000:
            char = chr(0x10000 + ((unit - 0xD800) << 10) + (units[i + 1] - 0xDC00))
            width = 2
        elif unit in _DROP or 0xD800 <= unit < 0xE000:
            i += 1
            continue
        else:
            char = chr(unit)
        if char in _LIGATURES:
            for letter in _LIGATURES[char]:
                current.append((letter, i))
        elif char.isspace() or unicodedata.category(char) == "Cc":
            if current and not current[-1][0].isspace():
                current.append((" ", i))
        else:
            current.append((char, i))
        i += width
    while current and current[-1][0].isspace():
        current.pop()
    return current


def _make_line(textpage: object, chars: list[tuple[str, int]], first_index: int, end_index: int) -> _Line:
    """A line with its box (PDFium's rectangles for its characters) and its first character's size."""
    import pypdfium2.raw as raw

    rect_count = raw.FPDFText_CountRects(textpage, first_index, end_index - first_index)
    boxes = [textpage.get_rect(k) for k in range(rect_count)]  # type: ignore[attr-defined]
    boxes = [b for b in boxes if b[3] - b[1] > 0.5 and b[2] - b[0] > 0.1]
    if not boxes:  # PDFium gives no rectangles for some (vertical) text: the end characters' boxes
        boxes = [_char_box(textpage, i) for i in (chars[0][1], chars[-1][1])]
    left, bottom = min(b[0] for b in boxes), min(b[1] for b in boxes)
    right, top = max(b[2] for b in boxes), max(b[3] for b in boxes)
    size = raw.FPDFText_GetFontSize(textpage, chars[0][1])
    return _Line(chars, left, bottom, right, top, size)


def _code_units(textpage: object, n: int) -> list[int]:
    """The page's n UTF-16 code units in one call: FPDFText_GetText gives one unit per character
    index (it writes U+FFFE where FPDFText_GetUnicode gives the soft-hyphen mark 2 or 0; both
    are dropped from the text) and is ~30 times faster than a call per character."""
    import ctypes

    import pypdfium2.raw as raw

    buffer = ctypes.create_string_buffer((n + 1) * 2)
    raw.FPDFText_GetText(textpage, 0, n, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    return list(memoryview(buffer.raw).cast("H")[:n])


def _char_box(textpage: object, index: int) -> tuple[float, float, float, float]:
    import pypdfium2.raw as raw

    rect = raw.FS_RECTF()
    raw.FPDFText_GetLooseCharBox(textpage, index, rect)
    return rect.left, rect.bottom, rect.right, rect.top


def _overlap(a: _Line, b: _Line) -> float:
    """How much of the narrower line's width the two lines share (0..1)."""
    shared = min(a.right, b.right) - max(a.left, b.left)
    narrower = max(min(a.right - a.left, b.right - b.left), 1.0)
    return max(0.0, shared) / narrower


def _reading_order(lines: list[_Line]) -> list[_Line]:
    """Lines in reading order.

    Consecutive lines standing one above another form a segment. Where the page has columns
    (gutters: x ranges almost no line crosses), segments are read band by band (a band ends
    at a segment that crosses a gutter, such as a title), and within a band column by column,
    each top to bottom: so a program that writes a column's footnotes before its body (as
    the Federal Register's does) is read as printed. Without gutters, the content stream's
    order stands, each segment read top to bottom.
    """
    if not lines:
        return lines
    tall = sum(1 for ln in lines if ln.top - ln.bottom > 2 * (ln.right - ln.left) and len(ln.text) > 1)
    if tall > len(lines) / 2:  # vertical writing (tategaki)
        return _vertical_order(lines)
    segments: list[list[_Line]] = [[lines[0]]]
    for prev, line in zip(lines, lines[1:]):
        if _overlap(prev, line) < 0.5 or _same_row(prev, line):
            segments.append([line])
        else:
            segments[-1].append(line)
    segments = [sorted(seg, key=lambda ln: -ln.top) for seg in segments]
    gutters = _gutters(lines)
    if gutters:
        segments = _by_columns(segments, gutters)
    out: list[_Line] = []
    for group, seg in enumerate(segments):
        for line in seg:
            line.group = group
            out.append(line)
    return out


def _vertical_order(lines: list[_Line]) -> list[_Line]:
    """Vertical writing: tiers (段, bands no column crosses) from the top, in each the columns
    from right to left, each column (one line or pieces one above another) top to bottom."""
    tiers: list[list[_Line]] = []
    tier_bottom = 0.0
    for line in sorted(lines, key=lambda ln: -ln.top):
        if tiers and line.top > tier_bottom:
            tiers[-1].append(line)
            tier_bottom = min(tier_bottom, line.bottom)
        else:
            tiers.append([line])
            tier_bottom = line.bottom
    out: list[_Line] = []
    for tier in tiers:
        columns: list[list[_Line]] = []
        for line in sorted(tier, key=lambda ln: -ln.right):
            if columns and _overlap(columns[-1][0], line) >= 0.5:
                columns[-1].append(line)
            else:
                columns.append([line])
        for column in columns:
            out.extend(sorted(column, key=lambda ln: -ln.top))
    for k, line in enumerate(out):
        line.group = k  # each column a paragraph, as each is a line of verse or a heading
    return out


def _gutters(lines: list[_Line]) -> list[tuple[float, float]]:
    """x ranges (at least 6 points wide) that fewer than 5% of the lines cross, between text."""
    left = min(ln.left for ln in lines)
    right = max(ln.right for ln in lines)
    if right - left < 100 or len(lines) < 8:
        return []
    bins = [0] * (int(right - left) + 2)
    for ln in lines:  # how many lines cover each x: +1 where a line starts, -1 past its end, summed
        bins[int(ln.left - left)] += 1
        bins[int(ln.right - left) + 1] -= 1
    bins = list(itertools.accumulate(bins))[:-1]
    limit = max(1, len(lines) // 20)
    gutters, start = [], None
    for x, count in enumerate(bins):
        if count < limit and start is None:
            start = x
        elif count >= limit and start is not None:
            if x - start >= 6 and start > 0:
                gutters.append((left + start, left + x))
            start = None
    return gutters


def _by_columns(segments: list[list[_Line]], gutters: list[tuple[float, float]]) -> list[list[_Line]]:
    def box(seg: list[_Line]) -> tuple[float, float, float]:
        return min(ln.left for ln in seg), max(ln.right for ln in seg), max(ln.top for ln in seg)

    def crosses(seg: list[_Line]) -> bool:
        lo, hi, _ = box(seg)
        return any(lo < g0 and hi > g1 for g0, g1 in gutters)

    def column(seg: list[_Line]) -> int:
        lo, hi, _ = box(seg)
        centre = (lo + hi) / 2
        return sum(1 for g0, _g1 in gutters if centre > g0)

    out: list[list[_Line]] = []
    band: list[list[_Line]] = []
    for seg in sorted(segments, key=lambda s: -box(s)[2]):
        if crosses(seg):
            out.extend(sorted(band, key=lambda s: (column(s), -box(s)[2])))
            band = []
            out.append(seg)
        else:
            band.append(seg)
    out.extend(sorted(band, key=lambda s: (column(s), -box(s)[2])))
    return out


def _same_row(a: _Line, b: _Line) -> bool:
    """Two lines side by side on one baseline (table cells, vertical writing's columns)."""
    return abs(a.bottom - b.bottom) < 0.5 * min(a.height, b.height)


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x2E80 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF


def _paragraphs(lines: list[_Line]) -> list[list[tuple[str, int]]]:
    """Join lines into paragraphs: a new one after a gap, a change of group or type size,
    or a short line that ends a sentence."""
    if not lines:
        return []
    widths = [ln.right - ln.left for ln in lines]
    typical = statistics.median(widths) if widths else 0.0
    paragraphs: list[list[tuple[str, int]]] = [list(lines[0].chars)]
    for prev, line in zip(lines, lines[1:]):
        gap = prev.bottom - line.top
        breaks = (
            line.group != prev.group
            or gap > 0.8 * max(prev.height, line.height)
            or gap < -0.5 * prev.height  # not below: a new column or region
            or abs(line.size - prev.size) > 0.15 * max(prev.size, 1.0)
            or ((prev.right - prev.left) < 0.7 * typical and prev.text.rstrip()[-1:] in ".:?!)")
        )
        para = paragraphs[-1]
        if breaks:
            paragraphs.append(list(line.chars))
            continue
        last_char, last_index = para[-1]
        first_char = line.chars[0][0]
        if last_char == "-" and len(para) > 1 and para[-2][0].isalpha() and first_char.islower():
            para.pop()  # a word hyphenated across the line break
        elif not (_is_cjk(last_char) and _is_cjk(first_char)):
            para.append((" ", last_index))
        para.extend(line.chars)
    return [p for p in paragraphs if "".join(c for c, _ in p).strip()]


def _meaningful(value: str | None) -> str | None:
    """Metadata worth showing: not empty, not a file name ('Binder1.pdf', 'Microsoft Word - x.doc')."""
    if not value:
        return None
    value = " ".join(value.replace("\x00", "").split())
    if not value or _FILE_NAME_TITLE.search(value) or not any(ch.isalpha() for ch in value):
        return None
    return value


def _heading_of(lines: list[_Line]) -> str | None:
    """The first heading-like line of page 1: the largest type among its top lines (with the
    line after it when that is the same size, as a title set on two lines)."""
    candidates = [ln for ln in lines[:40] if sum(ch.isalpha() for ch in ln.text) >= 3 and len(ln.text) <= 150]
    if not candidates:
        return None
    largest = max(ln.size for ln in candidates)
    body = statistics.median(ln.size for ln in candidates)
    if largest < body * 1.15:
        return None
    for k, line in enumerate(candidates):
        if line.size >= largest * 0.95:
            title = line.text.strip()
            nxt = candidates[k + 1] if k + 1 < len(candidates) else None
            if nxt is not None and nxt.size >= largest * 0.95 and 0 <= line.bottom - nxt.top < 1.5 * line.height:
                title = f"{title} {nxt.text.strip()}"
            return _shorten(title)
    return None


def _first_words(text: str) -> str | None:
    for line in text.split("\n"):
        if sum(ch.isalpha() for ch in line) >= 3:
            return _shorten(line.strip())
    return None


def _shorten(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
