"""The window's layout stays as the reader left it: focus mode, theme switches, the sidebar toggle."""

from __future__ import annotations

from PySide6.QtCore import Qt

from reader.ui.main_window import MainWindow


def settle(qtbot: object) -> None:
    qtbot.wait(30)  # type: ignore[attr-defined]  # layouts apply on the next turns of the event loop


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
