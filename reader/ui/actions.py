"""Every command of the window, registered in one place: its text, keys, icon and menu.

A new feature adds its command with one call, e.g.
``window.commands.add("review", "Review", window.show_review, ["Ctrl+R"], menu="view")``;
the action gets its key, its place in the menu (which shows the key) and a name for tests.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QLineEdit, QMenu, QSizePolicy, QToolBar, QWidget

from reader.ui import theme as themes

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow

MENUS = (("file", "&File"), ("edit", "&Edit"), ("view", "&View"), ("help", "&Help"))


class WindowActions:
    """The window's actions by name, and its menus by name ("file", "edit", "view", "help")."""

    def __init__(self, window: MainWindow):
        self.window = window
        self.by_name: dict[str, QAction] = {}
        self.menus: dict[str, QMenu] = {}
        for key, title in MENUS:
            self.menus[key] = window.menuBar().addMenu(title)

    def add(self, name: str, text: str, slot: Callable[[], Any], shortcuts: Sequence[Any] = (), *, tip: str = "",
            icon: str | None = None, menu: str | None = None, checkable: bool = False) -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(name)
        if shortcuts:
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        if icon:
            action.setIcon(themes.icon(icon))
        action.setCheckable(checkable)
        action.triggered.connect(lambda _=False: slot())
        self.window.addAction(action)  # its keys work wherever the focus is in the window
        if menu:
            self.menus[menu].addAction(action)
        self.by_name[name] = action
        return action

    def separator(self, menu: str) -> None:
        self.menus[menu].addSeparator()

    def __getitem__(self, name: str) -> QAction:
        return self.by_name[name]


def build_actions(window: MainWindow) -> WindowActions:
    """The standard commands, in menu order; the window keeps the ones it refers to as ``act_*``."""
    w = window
    acts = WindowActions(w)
    a = acts.add
    w.act_open = a("open", "Open…", w.imports.open_files, [QKeySequence.StandardKey.Open], tip="Open files (Ctrl+O)",
                   icon="open", menu="file")
    w.act_import_folder = a("import_folder", "Import folder…", w.imports.import_folder,
                            tip="Import every article in a folder", menu="file")
    w.act_paste = a("paste_dialog", "Paste URL or text…", w.imports.paste_dialog, tip="Add a web address or some text",
                    icon="paste", menu="file")
    w.act_paste_key = a("paste_clipboard", "Add from clipboard", w.imports.paste_clipboard,
                        [QKeySequence.StandardKey.Paste], tip="Add the copied address, text or files (Ctrl+V)",
                        menu="file")
    w.act_export = a("export_highlights", "Export highlights…", w.export_article,
                     tip="Export this article's highlights and notes", menu="file")
    acts.separator("file")
    w.act_quit = a("quit", "Quit", w.close, ["Ctrl+Q"], menu="file")
    w.act_undo = a("undo", "Undo", w.undo, [QKeySequence.StandardKey.Undo], menu="edit")
    acts.separator("edit")
    w.act_find = a("find_in_article", "Find in article", w.find_bar.open_bar, [QKeySequence.StandardKey.Find],
                   icon="find", menu="edit")
    w.act_search = a("search_archive", "Search archive", lambda: w.searches.focus_field(), ["Ctrl+K", "Ctrl+Shift+F"],
                     icon="search", menu="edit")
    w.act_new_note = a("new_note", "New note", w.new_note, ["Ctrl+N"], menu="edit")
    acts.menus["edit"].aboutToShow.connect(w.update_undo_action)
    w.theme_group = QActionGroup(w)
    w.theme_actions = {}
    for name in themes.THEMES:
        action = a(f"theme_{name}", name.capitalize(), lambda n=name: w.apply_theme(n), menu="view", checkable=True)
        w.theme_group.addAction(action)
        w.theme_actions[name] = action
    acts.separator("view")
    w.act_bigger = a("larger_text", "Larger text", lambda: w.change_font(1), ["Ctrl+=", "Ctrl++"], menu="view")
    w.act_smaller = a("smaller_text", "Smaller text", lambda: w.change_font(-1), ["Ctrl+-"], menu="view")
    w.act_reset_font = a("default_text_size", "Default text size", lambda: w.set_font_size(themes.DEFAULT_FONT_SIZE),
                         ["Ctrl+0"], menu="view")
    acts.separator("view")
    w.act_sidebar = a("show_sidebar", "Show sidebar", w.toggle_sidebar, ["Ctrl+Shift+B"], icon="sidebar", menu="view",
                      checkable=True)
    w.act_sidebar.setChecked(True)
    w.act_focus = a("focus_mode", "Focus mode", w.toggle_focus_mode, ["F11"], icon="focus", menu="view",
                    checkable=True)
    w.act_shortcuts = a("keyboard_shortcuts", "Keyboard shortcuts", w.show_shortcuts, ["F1"], menu="help")
    w.act_about = a("about_reader", "About Reader", w.show_about, menu="help")
    return acts


def build_toolbar(window: MainWindow) -> tuple[QToolBar, QLineEdit]:
    """Open and paste on the left, the archive search in the middle, find/focus/sidebar on the right."""
    bar = QToolBar("Main", window)
    bar.setObjectName("mainToolbar")
    bar.setMovable(False)
    bar.setFloatable(False)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    bar.addAction(window.act_open)
    bar.addAction(window.act_paste)
    bar.addWidget(_spacer(bar))
    field = QLineEdit(bar)
    field.setObjectName("searchField")
    field.setPlaceholderText("Search archive  (Ctrl+K)")
    field.setClearButtonEnabled(True)
    field.setMinimumWidth(280)
    field.setMaximumWidth(420)
    bar.addWidget(field)
    bar.addWidget(_spacer(bar))
    bar.addAction(window.act_find)
    bar.addAction(window.act_focus)
    bar.addAction(window.act_sidebar)
    window.addToolBar(bar)
    return bar, field


def _spacer(parent: QWidget) -> QWidget:
    spacer = QWidget(parent)
    spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    return spacer
