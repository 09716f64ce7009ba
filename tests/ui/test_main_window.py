"""The window's layout stays as the reader left it: focus mode, theme switches, the sidebar toggle."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QSize, Qt
from PySide6.QtWidgets import QMessageBox, QScrollArea, QToolButton, QWidget

from reader.core.library import Library
from reader.ui.main_window import MainWindow
from tests.ui.conftest import WindowFactory


def settle(qtbot: object) -> None:
    qtbot.wait(30)  # type: ignore[attr-defined]  # layouts apply on the next turns of the event loop


class WidthsLaidOut(QObject):
    """Every width a widget is laid out at while shown: what the window shows, frame by frame."""

    def __init__(self, widget: QWidget):
        super().__init__(widget)
        self.widths: list[int] = []
        widget.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and obj.isVisible() and event.size().width() > 0:  # type: ignore[attr-defined]
            self.widths.append(event.size().width())  # type: ignore[attr-defined]
        return False


@pytest.fixture
def annotated(open_window: WindowFactory, library: Library, sample_path: Path) -> MainWindow:
    """The sample with highlights and a note, open, its Notes tab showing (where "Delete" was cut)."""
    article_id = library.add(sample_path).article_id
    for start in (10, 60, 120, 200):
        library.add_highlight(article_id, start, start + 12)
    library.add_note(article_id, "Follow up on the **ATACMS** timeline.")
    return open_on_notes(open_window, library)


def open_on_notes(open_window: WindowFactory, library: Library) -> MainWindow:
    window = open_window(library)
    tabs = window.sidebar.tabs
    assert tabs.tabText(0) == "Highlights (4)" and tabs.tabText(1) == "Notes (1)"
    bar = tabs.tabBar()
    open_window.qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())  # type: ignore[attr-defined]
    assert tabs.currentWidget() is window.sidebar.notes
    return window


def assert_sidebar_whole(window: MainWindow, settled: bool = True) -> None:
    """Both tab labels whole, no scroll arrows, the note's Delete button whole, no sideways scrollbar."""
    bar = window.sidebar.tabs.tabBar()
    for i in range(bar.count()):
        rect = bar.tabRect(i)
        assert rect.left() >= 0 and rect.right() < bar.width(), (bar.tabText(i), rect, bar.width())
        assert rect.width() >= bar.tabSizeHint(i).width(), bar.tabText(i)
    assert not any(b.isVisible() for b in bar.findChildren(QToolButton)), "the tab labels scroll"
    notes = window.sidebar.notes.findChild(QScrollArea)
    assert notes.horizontalScrollBar().maximum() == 0, "the notes are cut, to be scrolled sideways"
    if settled:
        assert not notes.horizontalScrollBar().isVisible(), "a sideways scrollbar under the notes"
    delete = window.sidebar.notes.cards[0].delete_button
    assert delete.width() >= delete.sizeHint().width(), "Delete is cut"


def test_leaving_focus_mode_never_squeezes_the_sidebar(qtbot: object, annotated: MainWindow) -> None:
    window = annotated
    window.splitter.setSizes([260, 700, 300])
    settle(qtbot)
    sizes, size = window.splitter.sizes(), window.size()
    qtbot.keyClick(window.view, Qt.Key.Key_F11)  # type: ignore[attr-defined]
    settle(qtbot)
    laid_out = WidthsLaidOut(window.sidebar)
    qtbot.keyClick(window.view, Qt.Key.Key_F11)  # type: ignore[attr-defined]
    assert window.sidebar.width() == sizes[2]  # at once, not a turn of the event loop later
    assert_sidebar_whole(window, settled=False)
    settle(qtbot)
    assert set(laid_out.widths) <= {sizes[2]}, f"the sidebar was laid out at {laid_out.widths}"
    assert window.splitter.sizes() == sizes and window.size() == size
    assert_sidebar_whole(window)


def test_focus_mode_takes_the_size_the_window_manager_gives(qtbot: object, annotated: MainWindow) -> None:
    window = annotated
    window.resize(1600, 1000)  # maximised by the window manager
    settle(qtbot)
    sizes = window.splitter.sizes()
    qtbot.keyClick(window.view, Qt.Key.Key_F11)  # type: ignore[attr-defined]
    settle(qtbot)
    window.resize(1000, 700)  # and restored to its normal size while the reader reads
    settle(qtbot)
    assert window.size() == QSize(1000, 700)  # not held at the wide page's margins
    qtbot.keyClick(window.view, Qt.Key.Key_F11)  # type: ignore[attr-defined]
    settle(qtbot)
    assert window.size() == QSize(1000, 700)
    left, _, side = window.splitter.sizes()
    assert (left, side) == (sizes[0], sizes[2])  # the article gives back what the window lost
    assert_sidebar_whole(window)


def test_quitting_in_focus_mode_keeps_the_layout_for_the_next_start(
    qtbot: object, annotated: MainWindow, open_window: WindowFactory, library: Library
) -> None:
    window = annotated
    window.splitter.setSizes([260, 700, 300])
    settle(qtbot)
    sizes = window.splitter.sizes()
    qtbot.keyClick(window.view, Qt.Key.Key_F11)  # type: ignore[attr-defined]
    settle(qtbot)
    qtbot.keyClick(window.view, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)  # type: ignore[attr-defined]
    assert not window.isVisible()
    open_window.close(window)
    again = open_on_notes(open_window, library)
    settle(qtbot)
    assert not again.focus_mode
    assert again.splitter.sizes()[2] == sizes[2]  # the sidebar as it was, not squeezed
    assert all(abs(a - b) <= 8 for a, b in zip(again.splitter.sizes(), sizes))  # a new window settles by a few pixels
    assert_sidebar_whole(again)


def test_the_sidebar_keeps_its_labels_whole_when_dragged_narrow(qtbot: object, annotated: MainWindow) -> None:
    window = annotated
    settle(qtbot)
    handle = window.splitter.handle(2)
    start = handle.rect().center()
    # drag the sidebar's edge right, leaving it 170 pixels: less than its labels need, not a collapse
    moved = QPoint(start.x() + window.sidebar.width() - 170, start.y())
    qtbot.mousePress(handle, Qt.MouseButton.LeftButton, pos=start)  # type: ignore[attr-defined]
    qtbot.mouseMove(handle, moved)  # type: ignore[attr-defined]
    qtbot.mouseRelease(handle, Qt.MouseButton.LeftButton, pos=moved)  # type: ignore[attr-defined]
    settle(qtbot)
    assert window.sidebar.isVisible() and window.sidebar.width() < 300  # the drag did narrow it
    assert_sidebar_whole(window)


def test_focus_mode_twice_restores_the_exact_layout(qtbot: object, window: MainWindow, sample_id: int) -> None:
    window.splitter.setSizes([250, 700, 330])
    settle(qtbot)
    sizes, size = window.splitter.sizes(), window.size()
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_F11)  # type: ignore[attr-defined]
    settle(qtbot)
    assert not window.left.isVisible() and not window.sidebar.isVisible()
    qtbot.keyClick(window.view, Qt.Key.Key_F11)  # type: ignore[attr-defined]
    settle(qtbot)
    assert window.splitter.sizes() == sizes
    assert window.size() == size
    tabs = window.sidebar.tabs
    assert tabs.tabBar().tabRect(0).width() >= tabs.tabBar().tabSizeHint(0).width()  # "Highlights" not cut


def test_theme_switches_keep_the_panes_where_they_were(qtbot: object, window: MainWindow, sample_id: int) -> None:
    window.splitter.setSizes([260, 720, 300])
    settle(qtbot)
    sizes, size = window.splitter.sizes(), window.size()
    for name in ("dark", "sepia", "light"):
        window.theme_actions[name].trigger()
        settle(qtbot)
        assert window.splitter.sizes() == sizes, name
        assert window.size() == size


def test_hiding_and_showing_the_sidebar_keeps_the_window_size(qtbot: object, window: MainWindow, sample_id: int) -> None:
    window.splitter.setSizes([260, 720, 300])
    settle(qtbot)
    sizes, size = window.splitter.sizes(), window.size()
    qtbot.keyClick(window.view, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)  # type: ignore[attr-defined]
    settle(qtbot)
    assert not window.sidebar.isVisible() and window.size() == size
    qtbot.keyClick(window.view, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)  # type: ignore[attr-defined]
    settle(qtbot)
    assert window.sidebar.isVisible() and window.size() == size
    assert window.splitter.sizes() == sizes


def test_focus_mode_shows_only_the_article(qtbot: object, window: MainWindow, sample_id: int) -> None:
    window.act_focus.trigger()
    assert not window.left.isVisible() and not window.sidebar.isVisible() and not window.toolbar.isVisible()
    assert window.view.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # type: ignore[attr-defined]
    assert window.left.isVisible() and window.sidebar.isVisible() and window.toolbar.isVisible()


def test_help_lists_the_keyboard_shortcuts_and_about(
    qtbot: object, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QDialog, QTableWidget

    shown: list[QDialog] = []
    monkeypatch.setattr(QDialog, "exec", lambda self: shown.append(self) or 0)
    window.act_shortcuts.trigger()
    table = shown[0].findChild(QTableWidget, "shortcutsTable")
    keys = {table.item(r, 0).text() for r in range(table.rowCount())}
    assert {"Ctrl+F", "1 – 6", "Ctrl+Z", "F11"} <= keys
    about: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda _p, _t, text: about.append(text))
    window.act_about.trigger()
    assert "Reader" in about[0] and str(window.library.home) in about[0]
