"""Web pages are never worse than the extractor we use: on real saved pages (news sites,
blogs, documentation; English, Arabic, Burmese, Chinese, Japanese, Korean, Latvian,
Spanish, Thai), every sentence ``trafilatura.extract`` keeps is in the article Reader
makes of the same bytes (its title or its text), Reader keeps out most of what trafilatura
keeps out, finds a published date wherever trafilatura finds one, and refuses no page
from which trafilatura extracts text.

The pages are other projects' test fixtures from their PyPI source distributions, fetched
by ``make test`` (``tests/core/importers/fetch_web_corpus.py``) into ``.cache/web-corpus``.
Reader comments are left out of both sides (``include_comments=False``): Reader does not
import a page's comments (see the README).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from reader.core.importers import import_bytes
from reader.core.importers.coverage import coverage

CORPUS = Path(__file__).resolve().parents[3] / ".cache" / "web-corpus"
PAGES = sorted((CORPUS / "pages").glob("*/*.html")) if (CORPUS / ".done").exists() else []
# Characters of Reader's text that trafilatura leaves out, at most, over the corpus: the
# structured reading keeps figure captions, bylines and list headings trafilatura drops.
EXTRA_SHARE = 0.08

pytestmark = pytest.mark.skipif(
    not PAGES,
    reason=f"the web corpus is not in {CORPUS}: 'make test' fetches it from PyPI (was PyPI unreachable?)",
)


def _trafilatura(data: bytes) -> tuple[str, object]:
    import trafilatura

    markup = data.decode("utf-8", "replace")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text = trafilatura.extract(markup, include_comments=False, include_tables=True) or ""
        meta = trafilatura.bare_extraction(markup, with_metadata=True)
    return text, getattr(meta, "date", None) if meta is not None else None


@pytest.fixture(scope="module")
def compared() -> list[dict[str, object]]:
    rows = []
    for page in PAGES:
        data = page.read_bytes()
        reference, date = _trafilatura(data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            article = import_bytes(data, str(page))  # raises if refused: that fails the test
        found = coverage(article.title + "\n" + article.text, reference)
        rows.append(
            {"page": page.name, "kept": found.kept, "total": found.total, "extra": found.extra,
             "chars": len(article.text), "date": date, "published": article.published}
        )
    return rows


def test_every_sentence_trafilatura_keeps_is_in_the_article(compared: list[dict[str, object]]) -> None:
    missing = {r["page"]: f"{r['kept']}/{r['total']}" for r in compared if r["kept"] != r["total"]}
    total = sum(int(r["total"]) for r in compared)
    print(f"web differential: {len(compared)} pages, {total} trafilatura sentences compared")
    assert total > 1000 and len(compared) >= 30
    assert missing == {}


def test_the_article_keeps_out_the_boilerplate_trafilatura_keeps_out(compared: list[dict[str, object]]) -> None:
    # Where trafilatura extracts nothing there is no boilerplate to compare (Reader still
    # imports the page: see test_no_page_trafilatura_reads_is_refused).
    comparable = [r for r in compared if int(r["total"])]
    extra = sum(int(r["extra"]) for r in comparable)
    chars = sum(int(r["chars"]) for r in comparable)
    print(f"web differential: {extra} of {chars} characters not in trafilatura's text")
    assert extra <= EXTRA_SHARE * chars
    # No single page is mostly what trafilatura leaves out (a portal's menus, a table of links).
    worst = max(comparable, key=lambda r: int(r["extra"]) / max(int(r["chars"]), 1))
    assert int(worst["extra"]) <= 0.35 * int(worst["chars"]) or int(worst["chars"]) < 5000, worst


def test_no_page_trafilatura_reads_is_refused(compared: list[dict[str, object]]) -> None:
    # The fixture imports every page (a refusal raises there); and each has text.
    assert len(compared) == len(PAGES) and all(int(r["chars"]) for r in compared)


def test_a_date_wherever_trafilatura_finds_one(compared: list[dict[str, object]]) -> None:
    dated = [r for r in compared if r["date"]]
    found = [r for r in dated if r["published"] is not None]
    print(f"web differential: dates found by trafilatura {len(dated)}, by Reader on those pages {len(found)}")
    assert len(dated) >= 25
    assert [r["page"] for r in dated if r["published"] is None] == []
    # The same day, or a day apart (one reads the local date, the other UTC).
    for r in found:
        published = r["published"].date()  # type: ignore[union-attr]
        assert abs((published - _day(str(r["date"]))).days) <= 1, r


def _day(value: str):  # type: ignore[no-untyped-def]
    from datetime import date

    return date.fromisoformat(value[:10])
