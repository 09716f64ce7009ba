"""The PDF page renderer: one document open for the life of the view, the most urgent pages
first, pages scrolled past never drawn, and images the view can paint without converting."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from reader.core.library import Library
from reader.core.pdf_layout import PDFIUM_LOCK
from reader.ui.main_window import MainWindow
from reader.ui.pdf_renderer import PageRenderer
from reader.ui.pdf_view import CACHE_PAGES

PAPER = Path(__file__).resolve().parents[2].parent / "shared" / "pdf" / "text" / "pdfjs-tracemonkey-pldi09.pdf"


@pytest.fixture
def renderer(qapp: object) -> Iterator[PageRenderer]:
    r = PageRenderer()
    yield r
    r.stop()


def long_pdf(tmp_path: Path, pages: int) -> str:
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(str(PAPER))
    out = pdfium.PdfDocument.new()
    while len(out) < pages:
        out.import_pages(source, list(range(min(len(source), pages - len(out)))))
    path = tmp_path / "long.pdf"
    out.save(str(path))
    out.close()
    source.close()
    return str(path)


def drawn_scale(view: object) -> float:
    return view._scale * view.devicePixelRatioF()  # type: ignore[attr-defined]


def test_the_document_is_opened_once_for_300_pages(qtbot: object, renderer: PageRenderer, tmp_path: Path) -> None:
    path = long_pdf(tmp_path, 300)
    got: list[int] = []
    renderer.rendered.connect(lambda p, index, scale, image: got.append(index) if not image.isNull() else None)
    for index in range(300):  # one page at a time, as a scroll asks for them
        with qtbot.waitSignal(renderer.rendered, timeout=5000):  # type: ignore[attr-defined]
            renderer.want(path, 0.05, [index])
    assert got == list(range(300))
    assert renderer.opens == 1  # it used to reopen the file every 40 pages, in the middle of a scroll


def test_a_new_wish_drops_the_pages_scrolled_past(qtbot: object, renderer: PageRenderer) -> None:
    got: list[int] = []
    renderer.rendered.connect(lambda p, index, scale, image: got.append(index))
    with PDFIUM_LOCK:  # the render thread waits here, so both wishes arrive before it draws much
        renderer.want(str(PAPER), 0.1, list(range(14)))
        renderer.want(str(PAPER), 0.1, [13, 12])
    qtbot.waitUntil(lambda: 12 in got, timeout=5000)  # type: ignore[attr-defined]
    qtbot.wait(100)  # type: ignore[attr-defined]
    # at most the page it had taken before the second wish, then the wished ones in order
    assert got[-2:] == [13, 12] and len(got) <= 3
    assert renderer.pending() == []


def test_pages_arrive_ready_to_paint(qtbot: object, renderer: PageRenderer) -> None:
    with qtbot.waitSignal(renderer.rendered, timeout=5000) as signal:  # type: ignore[attr-defined]
        renderer.want(str(PAPER), 1.0, [0])
    path, index, scale, image = signal.args
    assert (path, index, scale) == (str(PAPER), 0, 1.0)
    # the raster engine paints RGB32 as it is; the old RGB888 copy was converted on every paint
    assert image.format() == QImage.Format.Format_RGB32
    assert (image.width(), image.height()) == (612, 792)
    assert QColor(image.pixel(5, 5)).lightness() == 255
    dark = sum(1 for x in range(50, 560, 4) for y in range(60, 160, 4) if QColor(image.pixel(x, y)).lightness() < 100)
    assert dark > 30  # the title's letters


def test_closing_the_document_and_switching(qtbot: object, renderer: PageRenderer, tmp_path: Path) -> None:
    other = long_pdf(tmp_path, 3)
    with qtbot.waitSignal(renderer.rendered, timeout=5000):  # type: ignore[attr-defined]
        renderer.want(str(PAPER), 0.1, [0])
    with qtbot.waitSignal(renderer.rendered, timeout=5000) as signal:  # type: ignore[attr-defined]
        renderer.want(other, 0.1, [2])
    assert signal.args[0] == other and renderer.opens == 2
    renderer.close_document()
    qtbot.waitUntil(lambda: renderer._doc is None)  # type: ignore[attr-defined]


def test_view_wants_visible_pages_first_then_the_next_ones(qtbot: object, window: MainWindow, library: Library) -> None:
    article_id = library.add(PAPER).article_id
    window.open_article(article_id, at=0)
    view = window.pdf.view
    qtbot.waitUntil(lambda: (0, drawn_scale(view)) in view._images)  # type: ignore[attr-defined]
    scale = drawn_scale(view)
    bar = view.verticalScrollBar()
    bar.setValue(view._tops[6])  # type: ignore[attr-defined]
    visible = view.visible_pages()
    assert visible[0] == 6
    wanted = view.wanted_pages(visible, scale)
    assert wanted[: len(visible) + 2] == [*visible, visible[-1] + 1, visible[-1] + 2]
    bar.setValue(view._tops[4])  # type: ignore[attr-defined]  # scrolling up: the pages above come next
    visible = view.visible_pages()
    assert view.wanted_pages(visible, scale)[len(visible)] == 3
    # scrolling through every page keeps at most CACHE_PAGES drawn pages
    for index in range(14):
        bar.setValue(view._tops[index])  # type: ignore[attr-defined]
        view.viewport().repaint()
        qtbot.waitUntil(lambda index=index: (index, scale) in view._images, timeout=5000)  # type: ignore[attr-defined]
        assert len(view._images) <= CACHE_PAGES  # type: ignore[attr-defined]


def test_a_late_page_of_the_last_document_is_not_shown(qtbot: object, window: MainWindow, library: Library) -> None:
    article_id = library.add(PAPER).article_id
    window.open_article(article_id, at=0)
    view = window.pdf.view
    qtbot.waitUntil(lambda: (0, drawn_scale(view)) in view._images)  # type: ignore[attr-defined]
    scale = drawn_scale(view)
    view._images.clear()  # type: ignore[attr-defined]
    blank = QImage(10, 10, QImage.Format.Format_RGB32)
    view._page_rendered("/elsewhere/other.pdf", 0, scale, blank)  # type: ignore[attr-defined]
    assert (0, scale) not in view._images  # type: ignore[attr-defined]


def test_an_idle_render_thread_reopens_a_well_used_document(qtbot: object, renderer: PageRenderer,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import reader.ui.pdf_renderer as module

    monkeypatch.setattr(module, "RECYCLE_AFTER", 3)
    monkeypatch.setattr(module, "RECYCLE_IDLE", 0.2)
    for index in range(3):  # no reopening while pages are asked for...
        with qtbot.waitSignal(renderer.rendered, timeout=5000):  # type: ignore[attr-defined]
            renderer.want(str(PAPER), 0.05, [index])
    assert renderer.opens == 1
    # ...but once idle, PDFium's parsed fonts and objects are let go and the file is ready again
    qtbot.waitUntil(lambda: renderer.opens == 2, timeout=3000)  # type: ignore[attr-defined]
    with qtbot.waitSignal(renderer.rendered, timeout=5000):  # type: ignore[attr-defined]
        renderer.want(str(PAPER), 0.05, [5])
    assert renderer.opens == 2


def test_a_new_highlight_costs_its_own_rectangles_and_repaints_its_page(
        qtbot: object, window: MainWindow, library: Library) -> None:
    from PySide6.QtCore import QEvent, QObject, QRect

    article_id = library.add(PAPER).article_id
    text = library.get(article_id).text
    for quote in ("Dynamic languages such as JavaScript", "We present an", "trace trees", "speedups"):
        library.highlight_quote(article_id, quote, occurrence=1)
    window.open_article(article_id, at=0)
    view = window.pdf.view
    qtbot.waitUntil(lambda: (0, drawn_scale(view)) in view._images)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: len(view.highlights()) == 4)  # type: ignore[attr-defined]
    asked: list[tuple[int, int]] = []
    real_rects = view.layout_.rects

    def counting_rects(start: int, end: int) -> object:
        asked.append((start, end))
        return real_rects(start, end)

    view.layout_.rects = counting_rects  # type: ignore[method-assign]
    painted: list[QRect] = []

    class PaintSpy(QObject):
        def eventFilter(self, _obj: object, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                painted.append(event.rect())  # type: ignore[attr-defined]
            return False

    spy = PaintSpy()
    view.viewport().installEventFilter(spy)
    qtbot.wait(50)  # type: ignore[attr-defined]
    painted.clear()
    quote = "alternative compilation technique"
    start = text.index(quote)
    view.set_selection(start, start + len(quote))
    window.highlighting.highlight_range(start, start + len(quote), "blue")
    qtbot.wait(50)  # type: ignore[attr-defined]
    view.viewport().removeEventFilter(spy)
    # the selection's rectangles, which the highlight made from it reuses: not the other four's
    assert asked == [(start, start + len(quote))]
    assert len(view.highlights()) == 5 and [h.color for _, h in view._hl_rects[1]].count("blue") >= 1  # type: ignore[attr-defined]
    page = view.page_rect(0)
    assert painted and all(page.contains(r) for r in painted)  # the page, not the whole view
