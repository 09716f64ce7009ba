"""A PDF in the window: its pages, selection and highlight keys, the text view, search hits,
reading position, and the themes (screenshots are looked at, see docs/screenshots)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor

from reader.core.library import Library
from reader.ui.main_window import MainWindow

PDF = Path(__file__).resolve().parents[2].parent / "shared" / "pdf"
PAPER = PDF / "text" / "pdfjs-tracemonkey-pldi09.pdf"
QUOTE = "alternative compilation technique for dynamically-typed languages"


def open_pdf(qtbot: object, window: MainWindow, library: Library) -> int:
    article_id = library.add(PAPER).article_id
    window.open_article(article_id, at=0)
    view = window.pdf.view
    qtbot.waitUntil(lambda: 1 in {i + 1 for i, _ in view._images})  # type: ignore[attr-defined]
    return article_id


def test_pages_are_shown_and_painted(qtbot: object, window: MainWindow, library: Library) -> None:
    open_pdf(qtbot, window, library)
    view = window.pdf.view
    assert window.pdf.showing_pages and view.isVisible()
    assert view.visible_pages()[0] == 0
    # the page is fit to the view's width, and what is drawn is the page (white paper, black text)
    rect = view.page_rect(0)
    assert abs(rect.width() - (view.viewport().width() - 32)) <= 2
    image = view.viewport().grab().toImage()
    assert QColor(image.pixel(rect.x() + 5, rect.y() + 5)).lightness() > 240
    dark = sum(1 for x in range(rect.x(), rect.right(), 3) for y in range(rect.y(), rect.y() + 200, 3)
               if QColor(image.pixel(x, y)).lightness() < 100)
    assert dark > 50  # the title's letters


def test_mouse_selection_and_key_1_highlight_on_the_page(qtbot: object, window: MainWindow, library: Library) -> None:
    article_id = open_pdf(qtbot, window, library)
    view = window.pdf.view
    text = library.get(article_id).text
    start = text.index(QUOTE)
    rects = view.layout_.rects(start, start + len(QUOTE))
    first, last = rects[0], rects[-1]
    s = view._scale  # type: ignore[attr-defined]
    page = view.page_rect(0)
    press = QPoint(int(page.x() + (first.x0 + 1) * s), int(page.y() + (first.y0 + first.y1) / 2 * s))
    release = QPoint(int(page.x() + (last.x1 - 1) * s), int(page.y() + (last.y0 + last.y1) / 2 * s))
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=press)  # type: ignore[attr-defined]
    qtbot.mouseMove(view.viewport(), release)  # type: ignore[attr-defined]
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=release)  # type: ignore[attr-defined]
    sel_start, sel_end = view.selection_offsets()
    assert text[sel_start:sel_end] == QUOTE
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_2)  # type: ignore[attr-defined]
    highlights = library.highlights(article_id)
    assert [(h.exact, h.color) for h in highlights] == [(QUOTE, "green")]
    assert view.selection_offsets() == (0, 0)
    painted = view._hl_rects[1]  # type: ignore[attr-defined]
    assert [h.id for _, h in painted] == [highlights[0].id] * len(rects)
    # deleting it takes it off the page, and Ctrl+Z (undo) brings it back there
    window.delete_highlight(highlights[0].id)
    qtbot.waitUntil(lambda: not view._hl_rects.get(1))  # type: ignore[attr-defined]
    window.undo()
    qtbot.waitUntil(lambda: bool(view._hl_rects.get(1)))  # type: ignore[attr-defined]


def test_text_view_shows_the_same_highlights(qtbot: object, window: MainWindow, library: Library) -> None:
    article_id = open_pdf(qtbot, window, library)
    library.highlight_quote(article_id, QUOTE, color="pink")
    qtbot.waitUntil(lambda: bool(window.pdf.view._hl_rects.get(1)))  # type: ignore[attr-defined]
    window.pdf.toggle_action.trigger()
    assert not window.pdf.showing_pages and window.view.isVisible()
    assert [h.exact for h in window.view.highlights()] == [QUOTE]
    window.pdf.toggle_action.trigger()
    assert window.pdf.showing_pages


def test_search_hit_opens_the_page_and_flashes(qtbot: object, window: MainWindow, library: Library) -> None:
    article_id = open_pdf(qtbot, window, library)
    text = library.get(article_id).text
    start = text.index("4.2 Blacklisting with Nesting")
    window.open_article(article_id, at=start, flash=(start, start + 29))
    view = window.pdf.view
    page = view.layout_.page_at(start).number
    qtbot.waitUntil(lambda: bool(view._flash))  # type: ignore[attr-defined]
    assert page - 1 in view.visible_pages()
    assert {r.page for r in view._flash} == {page}  # type: ignore[attr-defined]


def test_reading_position_is_kept(qtbot: object, window: MainWindow, library: Library) -> None:
    article_id = open_pdf(qtbot, window, library)
    view = window.pdf.view
    view.verticalScrollBar().setValue(view._tops[5] + 10)  # type: ignore[attr-defined]
    view.flush_position()
    position = library.get(article_id).reading_position
    assert view.layout_.page_at(position).number == 6


def test_dark_theme_keeps_highlights_visible(qtbot: object, window: MainWindow, library: Library) -> None:
    article_id = open_pdf(qtbot, window, library)
    library.highlight_quote(article_id, QUOTE, color="yellow")
    window.apply_theme("dark")
    view = window.pdf.view
    qtbot.waitUntil(lambda: bool(view._hl_rects.get(1)))  # type: ignore[attr-defined]
    view.repaint()
    image = view.viewport().grab().toImage()
    r = view._hl_rects[1][-1][0]  # type: ignore[attr-defined]
    box = view._to_pixels(0, r)  # type: ignore[attr-defined]
    colour = QColor(image.pixel(int(box.x() + 2), int(box.center().y())))
    assert colour.red() > colour.blue() + 30  # yellow, dimmed with the page, still yellow


def test_the_hidden_text_view_is_laid_out_only_when_shown(qtbot: object, window: MainWindow, library: Library) -> None:
    # Qt lays a long document out step by step on the UI thread; for a 300-page PDF that held
    # the page view up by 100-200 ms at a time, for a text view nobody was looking at.
    open_pdf(qtbot, window, library)
    qtbot.wait(300)  # type: ignore[attr-defined]
    assert window.view.document().lastBlock().layout().lineCount() == 0
    window.apply_theme("dark")  # a new theme builds a new document: held as well
    qtbot.wait(300)  # type: ignore[attr-defined]
    assert window.pdf.text_layout_held()
    assert window.view.document().lastBlock().layout().lineCount() == 0
    window.pdf.toggle_action.trigger()
    qtbot.waitUntil(lambda: window.view.document().lastBlock().layout().lineCount() > 0)  # type: ignore[attr-defined]
    assert not window.pdf.text_layout_held()
    window.pdf.toggle_action.trigger()  # back to the pages: the text view is laid out already
    assert window.pdf.showing_pages and window.pdf.text_layout_held()
