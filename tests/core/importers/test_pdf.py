"""PDF import on the real files in ../shared/pdf/ (expectations read with poppler's pdftotext).

The canonical text is PDFium's text layer in reading order; each page keeps its range and
size, and a character map turns offsets into PDFium indices and rectangles.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from reader.core.errors import ImportFailed
from reader.core.importers import import_path
from reader.core.importers.pdf import _append_runs, _meaningful
from reader.core.pdf_layout import PdfLayout, PdfPage, code_units

PDF = Path(__file__).resolve().parents[3].parent / "shared" / "pdf"
TRACEMONKEY = PDF / "text" / "pdfjs-tracemonkey-pldi09.pdf"


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def tracemonkey():  # type: ignore[no-untyped-def]
    return import_path(TRACEMONKEY)


def test_every_text_pdf_imports_with_its_pages(reader_home: Path) -> None:
    files = sorted((PDF / "text").glob("*.pdf"))
    assert len(files) == 19
    for path in files:
        article = import_path(path)
        pages = article.extra["pdf"].pages
        assert article.format == "pdf"
        assert article.text.strip(), path
        assert [p.number for p in pages] == list(range(1, len(pages) + 1))
        assert pages[0].start == 0 and pages[-1].end == len(article.text)
        for before, after in zip(pages, pages[1:]):
            assert before.end <= after.start
        assert "\x02" not in article.text and "\ufb01" not in article.text


def test_paper_text_pages_title(tracemonkey) -> None:  # type: ignore[no-untyped-def]
    pages = tracemonkey.extra["pdf"].pages
    assert len(pages) == 14
    assert (pages[0].width, pages[0].height) == (612.0, 792.0)
    assert tracemonkey.title == "Trace-based Just-in-Time Type Specialization for Dynamic Languages"
    text = tracemonkey.text
    # pdftotext: "We present an al-" / "ternative compilation technique for dynamically-typed languages"
    assert "an alternative compilation technique for dynamically-typed languages" in words(text)
    # ligatures as letters: pdftotext "identifies frequently executed loop traces"
    assert "identifies frequently executed loop traces" in words(text)
    first_page = text[pages[0].start:pages[0].end]
    assert first_page.startswith("Trace-based Just-in-Time")
    assert "4.2 Blacklisting with Nesting" in text


def test_two_columns_are_read_column_by_column() -> None:
    text = words(import_path(PDF / "text" / "latex-two-column-lorem.pdf").text)
    # page 1: the left column ends "... Vivamus viverra fermentum felis. Donec nonummy",
    # the right one starts "pellentesque ante. Phasellus adipiscing semper elit."
    left_end = text.index("Vivamus viverra fermentum felis. Donec nonummy")
    right_start = text.index("pellentesque ante. Phasellus adipiscing semper elit.")
    assert 0 < right_start - left_end < 100


def test_footnotes_written_first_are_read_after_their_column() -> None:
    text = words(import_path(PDF / "text" / "federal-register-2020-17221.pdf").text)
    body = text.index("stabilizer trim 3 commands contributing to the accident")
    footnote = text.index("Preliminary KNKT.18.10.35.04 Aircraft Accident Investigation Report")
    assert body < footnote


def test_metadata_title_and_author_when_meaningful() -> None:
    gao = import_path(PDF / "text" / "gao-23-106826-cybersecurity.pdf")
    assert gao.title.startswith("GAO-23-106826, Cybersecurity")
    assert gao.author == "U.S. Government Accountability Office, http://www.gao.gov"
    assert import_path(PDF / "text" / "google-docs-example.pdf").title == "PDF Example Document"
    # metadata Title 'Binder1.pdf' is a file name: the first heading of page 1 instead
    assert import_path(PDF / "text" / "siege-of-vicksburg-ocr.pdf").title == "THE SIEGE OF VICKSBURG. 49"
    # '10811.exe' is no title either
    assert import_path(PDF / "text" / "scotus-transcript-p1.pdf").title != "10811.exe"
    assert _meaningful("Microsoft Word - report.doc") is None
    assert _meaningful("untitled") is None
    assert _meaningful("A Real Title") == "A Real Title"


def test_scripts() -> None:
    arabic = import_path(PDF / "text" / "arabic-cid-truetype.pdf").text
    # pdftotext gives the presentation forms; the text layer's letters are the same words
    assert words(arabic).count(unicodedata.normalize("NFKC", "اﻧﻮاع اﳋﻄﻮط اﻟﻌﺮﺑﻴﺔ")) == 4
    hello = words(import_path(PDF / "text" / "multilang-hello-world.pdf").text)
    assert "English: Hello World" in hello
    korean = words(import_path(PDF / "text" / "korean-card-leaflet.pdf").text)
    assert "발급월+1개월까지는 전월 이용금액 40만원 미만 시에도 제공" in korean
    japanese = import_path(PDF / "text" / "japanese-tex-notes.pdf").text
    assert "マーケットモデルは" in japanese
    # vertical writing: the columns are there (their order: test_vertical_writing_is_read_right_to_left)
    assert "宇宙塵をたべ、または空気や塩水を呼吸しながら" in import_path(PDF / "text" / "miyazawa-haru-to-shura-jo-vertical.pdf").text


# Miyazawa's preface in two tiers (段) on a landscape page, as `pdftotext -layout` lays it out
# (each column a row: the upper tier on the left, the lower on the right), read tier by tier,
# each column top to bottom, the columns right to left; the vertical brackets as horizontal ones.
UPPER_TIER = """序 わたくしといふ現象は 假定された有機交流電燈の ひとつの青い照明です （あらゆる透明な幽霊の複合体）
風景やみんなといっしょに せはしくせはしく明滅しながら いかにもたしかにともりつづける 因果交流電燈の
ひとつの青い照明です （ひかりはたもち、その電燈は失はれ） これらは二十二箇月の 過去とかんずる方角から
紙と鑛質インクをつらね （すべてわたくしと明滅し みんなが同時に感ずるもの） ここまでたもちつゞけられた
かげとひかりのひとくさりづつ そのとほりの心象スケッチです これらについて人や銀河や修羅や海膽は
宇宙塵をたべ、または空気や塩水を呼吸しながら それぞれ新鮮な本体論もかんがへませうが
それらも畢竟こゝろのひとつの風物です たゞたしかに記録されたこれらのけしきは 記録されたそのとほりのこのけしきで
それが虚無ならば虚無自身がこのとほりで ある程度まではみんなに共通いたします
（すべてがわたくしの中のみんなであるやうに みんなのおのおののなかのすべてですから）""".split()
LOWER_TIER = """けれどもこれら新世代沖積世の 巨大に明るい時間の集積のなかで 正しくうつされた筈のこれらのことばが
わづかその一點にも均しい明暗のうちに （あるひは修羅の十億年） すでにはやくもその組立や質を變じ
しかもわたくしも印刷者も それを変らないとして感ずることは 傾向としてはあり得ます けだしわれわれがわれわれの感官や
風景や人物をかんずるやうに そしてたゞ共通に感ずるだけであるやうに 記録や歴史、あるひは地史といふものも
それのいろいろの論料といっしょに （因果の時空的制約のもとに） われわれがかんじてゐるのに過ぎません
おそらくこれから二千年もたったころは それ相當のちがった地質學が流用され 相當した證據もまた次次過去から現出し
みんなは二千年ぐらゐ前には 青ぞらいっぱいの無色な孔雀が居たとおもひ 新進の大學士たちは気圏のいちばんの上層
きらびやかな氷窒素のあたりから すてきな化石を發堀したり あるひは白堊紀砂岩の層面に 透明な人類の巨大な足跡を
発見するかもしれません すべてこれらの命題は 心象や時間それ自身の性質として 第四次延長のなかで主張されます""".split()


def test_vertical_writing_is_read_right_to_left_tier_by_tier() -> None:
    article = import_path(PDF / "text" / "miyazawa-haru-to-shura-jo-vertical.pdf")
    assert article.text.split("\n") == [*UPPER_TIER, *LOWER_TIER, "大正十三年一月廿日 宮澤賢治"]
    # the pages' character map still finds each column on the page: right of the next one
    layout = article.extra["pdf"]
    first = layout_rects(layout, article.text, "わたくしといふ現象は")
    second = layout_rects(layout, article.text, "假定された有機交流電燈の")
    assert first.x0 > second.x1


def layout_rects(pages: object, text: str, quote: str) -> object:
    start = text.index(quote)
    layout = PdfLayout(PDF / "text" / "miyazawa-haru-to-shura-jo-vertical.pdf", pages.pages)  # type: ignore[attr-defined]
    try:
        rects = layout.rects(start, start + len(quote))
    finally:
        layout.close()
    assert rects
    return rects[0]


def test_rotated_page_size_is_as_shown(reader_home: Path) -> None:
    article = import_path(PDF / "text" / "rotated-page-90.pdf")
    page = article.extra["pdf"].pages[0]
    assert (round(page.width), round(page.height)) == (842, 595)
    assert "Hello World" in article.text


def test_owner_password_files_open() -> None:
    assert "asdfzxcv" in import_path(PDF / "text" / "qpdf-r6-owner-password.pdf").text
    assert "LayoutParser" in import_path(PDF / "text" / "layoutparser-copy-protected.pdf").text


@pytest.mark.parametrize(
    "name,problem",
    [
        ("no-text/huckleberry-finn-p22-scan.pdf", "has no text layer (its pages are scanned images), so its words cannot be read"),
        ("no-text/epson-scan-wikipedia-page.pdf", "has no text layer"),
        ("locked/libreoffice-writer-password.pdf", "is encrypted with a password"),
        ("locked/pdfplumber-password-example.pdf", "is encrypted with a password"),
        ("damaged/header-and-eof-only.pdf", "is a damaged or truncated PDF document"),
        ("damaged/poppler-742-0-fuzzed.pdf", "is a damaged or truncated PDF document"),
        ("damaged/tracemonkey-truncated-half.pdf", "is a damaged or truncated PDF document"),
    ],
)
def test_refusals_name_the_file_and_the_problem(name: str, problem: str) -> None:
    with pytest.raises(ImportFailed) as info:
        import_path(PDF / name)
    assert str(info.value).startswith(f"'{PDF / name}' {problem}")
    assert str(info.value).count(".") >= 1 and "\n" not in str(info.value)


def test_not_a_pdf_and_empty(tmp_path: Path) -> None:
    fake = tmp_path / "paper.pdf"
    fake.write_text("<html><body>a login page saved as a PDF</body></html>")
    with pytest.raises(ImportFailed, match=r"paper.pdf' is not a PDF file"):
        import_path(fake)
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(ImportFailed, match=r"empty.pdf' is empty\."):
        import_path(empty)


def test_runs_count_utf16_code_units_outside_the_bmp() -> None:
    # no file in ../shared/pdf has text outside the BMP, so the map is checked directly:
    # "a😀b" stands at PDFium indices 0, 1-2 (a surrogate pair), 3; "ﬁ" gives two letters at 4.
    runs: list[tuple[int, int, int]] = []
    _append_runs(runs, [("a", 0), ("😀", 1), ("b", 3), ("f", 4), ("i", 4)], 10)
    page = PdfPage(1, 10, 15, 100.0, 100.0, tuple(runs))
    assert code_units("😀") == 2 and code_units("a") == 1
    assert [page.index_at(o) for o in range(10, 15)] == [0, 1, 3, 4, 4]
    assert page.index_span(10, 13) == (0, 4)  # a, both units of the emoji, b
    assert page.index_span(11, 12) == (1, 2)
    assert page.offset_at(3) == 12 and page.offset_at(1) == 11
    layout = PdfLayout(Path("unused.pdf"), (page,))
    assert layout.page_number_at(12) == 1


def test_rectangles_match_poppler(tracemonkey, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "t.pdf"
    path.write_bytes(tracemonkey.extra["pdf"].data)
    layout = PdfLayout(path, tracemonkey.extra["pdf"].pages)
    text = tracemonkey.text
    start = text.index("compilation technique for dynamically-typed")
    rects = layout.rects(start, start + len("compilation technique"))
    layout.close()
    # pdftotext -bbox: "compilation" 88.39,391.82 .. "technique" 169.45,399.84 on page 1
    assert len(rects) == 1
    r = rects[0]
    assert r.page == 1
    assert abs(r.x0 - 88.39) < 1.5 and abs(r.x1 - 169.45) < 1.5
    assert abs(r.y0 - 391.82) < 2 and abs(r.y1 - 399.84) < 2
