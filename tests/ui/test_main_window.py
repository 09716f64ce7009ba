"""The window's layout stays as the reader left it: focus mode, theme switches, the sidebar toggle."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

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
