"""The page as a new reader meets it: selection colour, word snapping, the popup's place, no
text cursor, the title once, and a deleted annotated article that offers Undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPalette, QTextCursor
from PySide6.QtWidgets import QApplication, QMessageBox

from reader.core.document import Block, Document
from reader.core.library import Library
from reader.ui import theme as themes
from reader.ui.main_window import MainWindow

from .conftest import add_document


def point_of(window: MainWindow, offset: int) -> QPoint:
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(window.view.to_qt(offset))
    rect = window.view.cursorRect(cursor)
    return QPoint(rect.x() + 1, rect.center().y())


def drag(qtbot: object, window: MainWindow, start: int, end: int,
         modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """Press at ``start``, move with the button held, release at ``end``, as a hand does."""
    viewport = window.view.viewport()
    left = Qt.MouseButton.LeftButton

    def send(kind: QEvent.Type, offset: int, button: Qt.MouseButton, buttons: Qt.MouseButton) -> None:
        local = QPointF(point_of(window, offset))
        event = QMouseEvent(kind, local, QPointF(viewport.mapToGlobal(local)), button, buttons, modifier)
        QApplication.sendEvent(viewport, event)

    send(QEvent.Type.MouseButtonPress, start, left, left)
    send(QEvent.Type.MouseMove, (start + end) // 2, Qt.MouseButton.NoButton, left)
    send(QEvent.Type.MouseMove, end, Qt.MouseButton.NoButton, left)
    send(QEvent.Type.MouseButtonRelease, end, left, Qt.MouseButton.NoButton)


def distance(a: QColor, b: QColor) -> float:
    return float(((a.red() - b.red()) ** 2 + (a.green() - b.green()) ** 2 + (a.blue() - b.blue()) ** 2) ** 0.5)


@pytest.mark.parametrize("theme", themes.THEMES)
def test_the_selection_looks_unlike_every_highlight_colour(window: MainWindow, sample_id: int, theme: str) -> None:
    window.theme_actions[theme].trigger()
    shown = window.view.viewport().palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)
    for name in themes.HIGHLIGHT_NAMES:
        assert distance(shown, themes.highlight_color(theme, name)) > 90, (theme, name)
    window.theme_actions["light"].trigger()


def test_a_dragged_selection_snaps_to_whole_words_and_alt_keeps_it_exact(
    qtbot: object, window: MainWindow, sample_id: int
) -> None:
    window.open_article(sample_id)
    text = window.view.text
    start = text.index("long-range missiles to attack")
    window.view.scroll_to_offset(start)
    phrase_end = start + len("long-range missiles to attack")
    drag(qtbot, window, start + 3, phrase_end - 3)  # from inside "long" to inside "attack"
    assert window.view.selection_offsets() == (start, phrase_end)
    window.view.setTextCursor(QTextCursor(window.view.document()))  # a press inside a selection drags the text
    drag(qtbot, window, start + 3, phrase_end - 3, Qt.KeyboardModifier.AltModifier)
    assert window.view.selection_offsets() == (start + 3, phrase_end - 3)


def test_the_selection_popup_stays_inside_the_article(qtbot: object, window: MainWindow, library: Library) -> None:
    aid = add_document(library, "Edges", Document.from_paragraphs(["Leftmost words begin this line of text, and more follow."]))
    window.open_article(aid)
    window.resize(800, 600)  # a narrow window: the column's margin is small
    window.act_sidebar.trigger()
    qtbot.wait(30)  # type: ignore[attr-defined]
    window.view.setFocus()
    drag(qtbot, window, 0, 8)
    qtbot.waitUntil(window.selection_popup.isVisible)  # type: ignore[attr-defined]
    viewport = window.view.viewport()
    pane = viewport.rect().translated(viewport.mapToGlobal(QPoint(0, 0)))
    popup = window.selection_popup.geometry()
    assert popup.left() >= pane.left() and popup.top() >= pane.top(), (pane, popup)  # not over the library list
    if pane.width() >= popup.width():
        assert pane.contains(popup), (pane, popup)


def test_no_text_cursor_blinks_in_the_page(qtbot: object, window: MainWindow, sample_id: int) -> None:
    window.open_article(sample_id)
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(window, 10))  # type: ignore[attr-defined]
    assert window.view.cursorWidth() == 0


def test_a_leading_heading_equal_to_the_title_is_shown_once(qtbot: object, window: MainWindow, library: Library) -> None:
    aid = add_document(library, "The Harbour at Dawn", [
        Block("heading", "The Harbour at Dawn", level=1),
        Block("paragraph", "Gulls, nets and the first ferry."),
    ])
    window.open_article(aid)
    assert not window.header.title.isVisible() and window.header.byline.isVisible()
    assert window.view.document().toPlainText().count("The Harbour at Dawn") == 1
    window.view.verticalScrollBar().setValue(window.view.verticalScrollBar().maximum())
    window.header.set_compact(True)  # scrolled into the text: the running title shows it
    assert window.header.title.isVisible()
    other = add_document(library, "Another title", Document.from_paragraphs(["No heading here."]))
    window.open_article(other)
    window.header.set_compact(False)
    assert window.header.title.isVisible() and window.header.title.text() == "Another title"


def test_deleting_an_annotated_article_offers_undo_in_a_bar(
    qtbot: object, window: MainWindow, library: Library, sample_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: pytest.fail(f"unexpected message {a}"))
    plain = add_document(library, "Plain", Document.from_paragraphs(["Nothing marked here."]))
    library.add_highlight(sample_id, 10, 30)
    qtbot.waitUntil(lambda: window.library_panel.model.rowCount() == 2)  # type: ignore[attr-defined]
    title = library.get(sample_id).title
    window.open_article(plain)
    window.library_panel.view.setFocus()
    qtbot.keyClick(window.library_panel.view, Qt.Key.Key_Delete)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: window.library_panel.model.rowCount() == 1)  # type: ignore[attr-defined]
    assert not window.undo_bar.isVisible()  # nothing of the reader's was lost
    window.act_undo.trigger()
    qtbot.waitUntil(lambda: window.library_panel.model.rowCount() == 2)  # type: ignore[attr-defined]
    window.open_article(sample_id)
    window.library_panel.view.setFocus()
    qtbot.keyClick(window.library_panel.view, Qt.Key.Key_Delete)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: window.library_panel.model.rowCount() == 1)  # type: ignore[attr-defined]
    assert window.undo_bar.isVisible()
    short = title if len(title) <= 60 else title[:59] + "…"
    assert window.undo_bar.label.text() == f"Deleted '{short}' — Undo"
    qtbot.mouseClick(window.undo_bar.undo_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: window.view.article_id == sample_id)  # type: ignore[attr-defined]
    assert window.library_panel.model.rowCount() == 2 and not window.undo_bar.isVisible()
    assert len(library.highlights(sample_id)) == 1


def test_a_jump_leaves_no_line_cut_under_the_header(qtbot: object, window: MainWindow, sample_id: int) -> None:
    window.open_article(sample_id)
    text = window.view.text
    for word in ("Kursk region in western", "HIMARS", "Storm Shadow", "Zelensky"):
        start = text.index(word)
        window.view.reveal(start, start + len(word))
        qtbot.wait(10)  # type: ignore[attr-defined]
        if window.view.verticalScrollBar().value() in (0, window.view.verticalScrollBar().maximum()):
            continue  # at the very top or bottom the page cannot move further
        window.header.set_compact(True)
        cursor = QTextCursor(window.view.document())
        cursor.setPosition(window.view.to_qt(window.view.offset_at_top()))
        assert window.view.cursorRect(cursor).top() >= 0, word  # the top line is whole, below the header
