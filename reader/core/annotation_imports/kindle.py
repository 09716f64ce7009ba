"""Kindle's ``My Clippings.txt``: highlights, notes and bookmarks of every book, in any language.

Each clipping is::

    Title (Author)
    - Your Highlight on page 12 | Location 150-152 | Added on Sunday, November 17, 2024 3:26:00 PM

    the highlighted text
    ==========

The title line may start with a byte-order mark, the author may be missing, and titles
and authors may hold parentheses of their own. The meta line is written in the Kindle's
language ("Ihre Markierung bei Position 150-152 | Hinzugefügt am Sonntag, 17. November
2024 15:26:00"). Notes attach to the highlight at the same location; bookmarks carry no
text and are skipped. A date this parser cannot read leaves the clipping undated.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from reader.core.annotation_imports.model import AnnotatedSource, Clipping

SEPARATOR = "=========="
_META_DASHES = ("-", "–", "—")  # Russian Kindles start the meta line with an en dash
# What Kindle writes instead of the text once a book's publisher limit on copying is hit.
_CLIPPING_LIMIT = re.compile(r"^<\s*(you have reached the clipping limit|sie haben das markierungslimit|vous avez atteint)", re.I)

_BOOKMARK_WORDS = (
    "bookmark", "lesezeichen", "signet", "marcador", "segnalibro", "bladwijzer", "ブックマーク", "书签", "закладка",
)
_HIGHLIGHT_WORDS = (
    "highlight", "markierung", "surlignement", "subrayado", "evidenziazione", "destaque", "markering",
    "ハイライト", "标注", "выделение", "выделенный", "clip this article",
)
_NOTE_WORDS = ("note", "notiz", "nota", "notitie", "メモ", "笔记", "заметка")
_CJK_WORDS = ("ブックマーク", "书签", "ハイライト", "标注", "メモ", "笔记")
"""Words written without spaces around them ('位置No. 1300のメモ'): found anywhere."""

_RANGE = r"(\d+)(?:\s*(?:-|–|—|t/m)\s*(\d+))?"
_LOCATION = re.compile(
    r"(?:location|loc\.|position|pos\.|emplacement|posicion|posizione|posicao|locatie|positie|место"
    r"|位置\s*no\.|位置\s*#?)\s*" + _RANGE
)
_PAGES = (
    re.compile(r"(?:page|seite|pagina|bladzijde|pag\.|страниц\w*|стр\.)\s*" + _RANGE),
    re.compile(_RANGE + r"\s*ページ"),  # 112ページ
    re.compile(r"第\s*" + _RANGE + r"\s*页"),  # 第 112 页
)

_MONTH_NAMES = [
    ("january", "januar", "janvier", "enero", "gennaio", "janeiro", "januari"),
    ("february", "februar", "fevrier", "febrero", "febbraio", "fevereiro", "februari"),
    ("march", "marz", "maerz", "mars", "marzo", "marco", "maart"),
    ("april", "avril", "abril", "aprile"),
    ("may", "mai", "mayo", "maggio", "maio", "mei"),
    ("june", "juni", "juin", "junio", "giugno", "junho"),
    ("july", "juli", "juillet", "julio", "luglio", "julho"),
    ("august", "aout", "agosto", "augustus"),
    ("september", "septembre", "septiembre", "setiembre", "settembre", "setembro"),
    ("october", "oktober", "octobre", "octubre", "ottobre", "outubro"),
    ("november", "novembre", "noviembre", "novembro"),
    ("december", "dezember", "decembre", "diciembre", "dicembre", "dezembro"),
]
# Russian writes the month in the genitive ('22 августа 2024 г. в 18:10:53'); folding takes the breve off 'й'.
_RUSSIAN_MONTHS = (
    ("января",), ("февраля",), ("марта",), ("апреля",), ("мая", "маи", "май"), ("июня",), ("июля",),
    ("августа",), ("сентября",), ("октября",), ("ноября",), ("декабря",),
)
_MONTHS = {
    name: number
    for table in (_MONTH_NAMES, _RUSSIAN_MONTHS)
    for number, names in enumerate(table, start=1)
    for name in names
}
_TIME = r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ampm>[ap]\.?\s?m\.?)?"
_DATE_PATTERNS = [
    # Sunday, November 17, 2024 3:26:00 PM
    re.compile(rf"(?P<mon>[a-z]+)\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}}),?\s+(?:at\s+)?{_TIME}"),
    # Sonntag, 17. November 2024 15:26:00 / dimanche 17 novembre 2024 / 17 de noviembre de 2024
    re.compile(
        rf"(?P<d>\d{{1,2}})\.?\s+(?:de\s+)?(?P<mon>[^\W\d_]+)\.?\s+(?:de\s+)?(?P<y>\d{{4}}|\d{{2}}),?\s+"
        rf"(?:г\.\s*)?(?:(?:a las|as|um|om|alle|a|à|в)\s+)?{_TIME}"
    ),
    # 2024年11月17日日曜日 15:26:00 / 午後3:26:00
    re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日\D*?(?:(?P<pm>午後|下午)|(?P<am>午前|上午))?(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?"),
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})[ T](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?"),
]


def _fold(text: str) -> str:
    """Lower case without accents, so 'März', 'février' and 'Posición' match plain keys;
    kana keep their voicing marks ('ページ' stays 'ページ'), and full-width forms become plain."""
    kept: list[str] = []
    for c in unicodedata.normalize("NFKD", text.casefold()):
        if unicodedata.combining(c) and kept and ord(kept[-1]) < 0x3000:
            continue
        kept.append(c)
    return unicodedata.normalize("NFC", "".join(kept))


def parse_kindle_date(text: str) -> str | None:
    """The clipping's date as naive ISO 8601 (Kindle writes local time, no zone), or None."""
    folded = _fold(text)
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(folded):
            parts = m.groupdict()
            if parts.get("mon") is not None:
                month = _MONTHS.get(parts["mon"])
                if month is None:
                    continue
            else:
                month = int(parts["m"])
            hour = int(parts["h"])
            ampm = (parts.get("ampm") or "").replace(".", "").replace(" ", "")
            if ampm == "pm" and hour < 12 or parts.get("pm") and hour < 12:
                hour += 12
            elif (ampm == "am" or parts.get("am")) and hour == 12:
                hour = 0
            try:
                year = int(parts["y"])
                year += 2000 if year < 100 else 0  # Kindle for PC, 2012: 'Monday, 3 December 12 19:00:12'
                when = datetime(year, month, int(parts["d"]), hour, int(parts["mi"]), int(parts["s"] or 0))
            except ValueError:
                continue
            return when.isoformat()
    return None


def split_title_author(line: str) -> tuple[str, str | None]:
    """'Title (Author)' -> (title, author); the author is the last balanced (...) group."""
    line = line.replace("\ufeff", "").strip()
    if not line.endswith(")"):
        return line, None
    depth = 0
    for i in range(len(line) - 1, -1, -1):
        if line[i] == ")":
            depth += 1
        elif line[i] == "(":
            depth -= 1
            if depth == 0:
                title, author = line[:i].strip(), line[i + 1 : -1].strip()
                if not title:  # "(Untitled)": the parentheses are the title
                    return line, None
                return title, author or None
    return line, None  # unbalanced: keep the whole line as the title


@dataclass
class _Entry:
    kind: str  # highlight, note, bookmark
    text: str
    location: tuple[int, int] | None
    page: tuple[int, int] | None
    created: str | None
    order: int


def _span(m: re.Match[str] | None) -> tuple[int, int] | None:
    if m is None:
        return None
    start = int(m.group(1))
    end_text = m.group(2)
    if end_text is None:
        return start, start
    end = int(end_text)
    if end < start and len(end_text) < len(m.group(1)):  # "Loc. 1502-07" means 1502-1507
        end = int(m.group(1)[: len(m.group(1)) - len(end_text)] + end_text)
    return start, max(start, end)


def _kind(meta: str) -> str:
    """Highlight, note or bookmark, from the meta line without its date (the last part):
    Japanese names the kind after the page ('112ページ|位置No. 1300のメモ |作成日: ...')."""
    segments = meta.split("|")
    head = _fold(" | ".join(segments[:-1]) if len(segments) > 1 else meta)

    def has(words: tuple[str, ...]) -> bool:
        return any(w in head if w in _CJK_WORDS else re.search(rf"(?<!\w){w}", head) for w in words)

    if has(_BOOKMARK_WORDS):
        return "bookmark"
    if has(_HIGHLIGHT_WORDS):
        return "highlight"
    if any(w in head if w in _CJK_WORDS else re.search(rf"(?<!\w){w}(?!\w)", head) for w in _NOTE_WORDS):
        return "note"
    return "highlight"


def _describe(entry: _Entry) -> str:
    parts = []
    if entry.page:
        parts.append(f"page {entry.page[0]}" if entry.page[0] == entry.page[1] else f"pages {entry.page[0]}-{entry.page[1]}")
    if entry.location:
        a, b = entry.location
        parts.append(f"location {a}" if a == b else f"location {a}-{b}")
    return ", ".join(parts)


def looks_like_clippings(text: str) -> bool:
    return SEPARATOR in text and re.search(r"^\ufeff?\s*[-–—]\s*\S.*\|", text, re.M) is not None


def parse_clippings(text: str) -> list[AnnotatedSource]:
    """Every book in the file with its highlights (notes attached), in the order first seen."""
    books: dict[tuple[str, str | None], list[_Entry]] = {}
    order = 0
    for chunk in text.replace("\r\n", "\n").replace("\r", "\n").split(SEPARATOR):
        lines = [line.replace("\ufeff", "") for line in chunk.split("\n")]
        while lines and not lines[0].strip():
            lines.pop(0)
        if len(lines) < 2 or not lines[1].lstrip().startswith(_META_DASHES):
            continue
        title, author = split_title_author(lines[0])
        meta = lines[1].strip().lstrip("".join(_META_DASHES)).strip()
        body = "\n".join(lines[2:]).strip()
        folded = _fold(meta)
        segments = meta.split("|")
        entry = _Entry(
            kind=_kind(meta),
            text=body,
            location=_span(_LOCATION.search(folded)),
            page=_span(next(filter(None, (p.search(folded) for p in _PAGES)), None)),
            created=parse_kindle_date(segments[-1]) if len(segments) > 1 else parse_kindle_date(meta),
            order=order,
        )
        order += 1
        if entry.kind == "bookmark" or not body or _CLIPPING_LIMIT.match(body):
            continue
        books.setdefault((title, author), []).append(entry)
    return [_book_source(title, author, entries) for (title, author), entries in books.items()]


def _book_source(title: str, author: str | None, entries: list[_Entry]) -> AnnotatedSource:
    highlights = _drop_superseded([e for e in entries if e.kind == "highlight"])
    clippings = {
        e.order: Clipping(exact=e.text, created=e.created, updated=e.created, location=_describe(e)) for e in highlights
    }
    loose_notes: list[Clipping] = []
    for note in (e for e in entries if e.kind == "note"):
        target = _note_target(note, highlights)
        if target is None:
            loose_notes.append(Clipping(exact="", note=note.text, created=note.created, updated=note.created))
            continue
        clip = clippings[target.order]
        clip.note = f"{clip.note}\n\n{note.text}" if clip.note else note.text
        if note.created and (clip.updated is None or note.created > clip.updated):
            clip.updated = note.created
    ordered = [clippings[e.order] for e in highlights] + loose_notes
    return AnnotatedSource(title=title, author=author, clippings=ordered, site="Kindle")


def _drop_superseded(highlights: list[_Entry]) -> list[_Entry]:
    """Kindle keeps the old entry when a highlight is extended: drop a highlight whose text
    lies inside another one's at an overlapping location."""

    def overlaps(a: _Entry, b: _Entry) -> bool:
        if a.location and b.location:
            return a.location[0] <= b.location[1] and b.location[0] <= a.location[1]
        return a.page is not None and a.page == b.page

    def words(e: _Entry) -> str:
        return " ".join(e.text.split())

    return [
        h
        for h in highlights
        if not any(
            other is not h and overlaps(h, other) and words(h) in words(other)
            and (len(words(other)), other.order) > (len(words(h)), h.order)
            for other in highlights
        )
    ]


def _note_target(note: _Entry, highlights: list[_Entry]) -> _Entry | None:
    """The highlight a note belongs to: Kindle gives the note the location where the
    highlight ends; failing that, one whose range holds it; on a page-only book, the page."""
    if note.location:
        where = note.location[0]
        for test in (lambda h: h.location[1] == where, lambda h: h.location[0] <= where <= h.location[1]):
            found = [h for h in highlights if h.location and test(h)]
            if found:
                return min(found, key=lambda h: abs(h.order - note.order))
        return None
    if note.page:
        found = [h for h in highlights if h.page and h.page[0] <= note.page[0] <= h.page[1]]
        if found:
            return min(found, key=lambda h: abs(h.order - note.order))
    return None
