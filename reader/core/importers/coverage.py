"""How much of a reference text another text keeps, sentence by sentence.

The HTML importer has several ways to read a page (trafilatura's structured extraction,
its own walk of the whole page, trafilatura's plain text as Markdown). It must never keep
less of the article than ``trafilatura.extract`` does on the same bytes, and should keep
out what that leaves out. Sentences are compared on their words: case, punctuation and
how whitespace runs do not count ('| cell |' and '- item' are the same words as a table
cell and a list item), nor do spaces lost between words (trafilatura runs a link's text
into the next word).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass

from reader.core.document import Block
from reader.core.importers.blocks import collapse

log = logging.getLogger(__name__)

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")
_NOT_WORD = re.compile(r"[^\w\s]+")


def words_key(text: str) -> str:
    """The words of ``text``, case-folded, with one space between them."""
    return " ".join(_NOT_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).split())


def sentence_keys(text: str) -> list[str]:
    """The sentences of ``text`` (each line split at sentence ends), as word keys."""
    keys = []
    for line in text.splitlines():
        for sentence in _SENTENCE_END.split(line):
            key = words_key(sentence)
            if key:
                keys.append(key)
    return keys


@dataclass(frozen=True)
class Coverage:
    kept: int  # reference sentences found in the text
    total: int  # reference sentences
    extra: int  # characters of the text's sentences that the reference does not hold

    @property
    def complete(self) -> bool:
        return self.kept == self.total


def furniture_of(markup: str) -> list[str]:
    """The word keys of a page's furniture (<nav>, <header>, <footer>, <aside>, navigation
    roles), longest first: Reader leaves it out by design, even where trafilatura runs it
    into a sentence of the article ('Home | About Milk and eggs.')."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(markup[:2_000_000])
    except Exception:  # lxml refuses empty or odd documents
        return []
    tags = {"nav", "header", "footer", "aside"}
    keys = {words_key(el.text_content()) for el in root.iter() if isinstance(el.tag, str) and el.tag in tags}
    keys |= {words_key(el.text_content()) for el in root.xpath("//*[@role='navigation']")}
    return sorted((k for k in keys if k), key=len, reverse=True)


def _kept(key: str, flat: str, joined: str, furniture: list[str]) -> bool:
    """Whether the sentence ``key`` is in the text (``flat``; ``joined``: without spaces,
    since trafilatura runs a link's words into the next ones: 'linkspaced')."""
    stripped = f" {key} "
    for part in furniture:
        stripped = stripped.replace(f" {part} ", " ")
    for candidate in (key, " ".join(stripped.split())):
        if not candidate or f" {candidate} " in flat or candidate.replace(" ", "") in joined:
            return True
    return False


def coverage(
    text: str, reference: str, reference_keys: list[str] | None = None, furniture: list[str] | None = None
) -> Coverage:
    keys = sentence_keys(reference) if reference_keys is None else reference_keys
    flat = " " + words_key(text.replace("\n", " ")) + " "
    joined = flat.replace(" ", "")
    kept = sum(1 for k in keys if _kept(k, flat, joined, furniture or []))
    ref_joined = words_key(reference.replace("\n", " ")).replace(" ", "")
    extra = sum(len(k) for k in sentence_keys(text) if k.replace(" ", "") not in ref_joined)
    return Coverage(kept, len(keys), extra)


def never_less_than_trafilatura(
    markup: str, chosen: list[Block], others: list[list[Block]], shown: str, left_out_tags: frozenset[str] = frozenset()
) -> list[Block]:
    """``chosen`` if it keeps every sentence ``trafilatura.extract`` keeps (of the page
    without ``left_out_tags``, which Reader never shows) and little that it leaves out;
    else the first reading of the page (``others``, trafilatura's own text as Markdown,
    then as plain paragraphs) that keeps the most of it, with the least boilerplate."""
    import trafilatura

    try:
        reference = trafilatura.extract(markup, include_comments=False, include_tables=True)
    except Exception:
        log.debug("trafilatura.extract failed on %s", shown, exc_info=True)
        return chosen
    if not reference or not reference.strip():
        return chosen
    furniture = furniture_of(markup)
    keys = sentence_keys(reference)
    found = coverage(_reading_text(chosen), reference, keys, furniture)
    if found.complete and not _too_much(found.extra, chosen):
        return chosen
    if not found.complete and _only_left_out_missing(markup, chosen, left_out_tags, furniture):
        return chosen
    # Last, trafilatura's plain text, a paragraph a line: it keeps all of itself.
    plain = [Block("paragraph", collapse(line)) for line in reference.splitlines() if collapse(line)]
    candidates = [chosen, *others, _trafilatura_markdown(markup, shown), plain]
    scored = [coverage(_reading_text(c), reference, keys, furniture) for c in candidates]
    most = max(s.kept for s in scored)
    for candidate, score in zip(candidates, scored):
        if score.kept == most and not _too_much(score.extra, candidate):
            return candidate
    return min(zip(candidates, scored), key=lambda cs: (-cs[1].kept, cs[1].extra))[0]


def _only_left_out_missing(markup: str, chosen: list[Block], tags: frozenset[str], furniture: list[str]) -> bool:
    """Whether what ``chosen`` misses of trafilatura's text is only what ``tags`` hold
    (hostile or interactive markup Reader never shows): trafilatura's text of the page
    without those elements is all there."""
    if not tags or not re.search(r"<(?:" + "|".join(sorted(tags)) + r")\b", markup, re.I):
        return False
    import trafilatura

    try:
        reference = trafilatura.extract(_without(markup, tags), include_comments=False, include_tables=True) or ""
    except Exception:
        return False
    return coverage(_reading_text(chosen), reference, None, furniture).complete


_VOID = {"embed", "input", "param", "base", "link", "meta", "area", "img", "br", "hr", "source", "track", "wbr"}


def _reading_text(blocks: list[Block]) -> str:
    """The text that is read (an image's alt text is not boilerplate)."""
    return "\n".join(b.text for b in blocks if b.kind != "image")


def _too_much(extra: int, blocks: list[Block]) -> bool:
    return extra > max(200, 0.1 * len(_reading_text(blocks)))


def _without(markup: str, tags: frozenset[str]) -> str:
    """The page without the elements of ``tags`` and what they hold."""
    if not tags:
        return markup
    import lxml.html

    try:
        root = lxml.html.document_fromstring(markup)
    except Exception:
        return markup
    for el in [el for el in root.iter() if isinstance(el.tag, str) and el.tag in tags]:
        if el.getparent() is None:
            continue
        if el.tag in _VOID:  # an element without content: keep what the parser hung under it
            el.drop_tag()
        else:
            el.drop_tree()
    return lxml.html.tostring(root, encoding="unicode")


def _trafilatura_markdown(markup: str, shown: str) -> list[Block]:
    """trafilatura's text of the page with its headings, lists and emphasis (its links
    run words together, so they are left out), read as Markdown."""
    import trafilatura

    from reader.core.importers.markdown import parse_markdown

    try:
        md = trafilatura.extract(
            markup, output_format="markdown", include_formatting=True, include_links=False,
            include_tables=True, include_images=False, include_comments=False,
        )
        return list(parse_markdown(md, shown).document.blocks) if md and md.strip() else []
    except Exception:
        log.debug("trafilatura's Markdown of %s could not be read", shown, exc_info=True)
        return []
