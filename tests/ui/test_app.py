"""Starting the window: the sample on first start, settings remembered in the data dir."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from reader.core.library import Library
from reader.ui import app as ui_app
from reader.ui import theme as themes

from .conftest import WindowFactory


def test_first_start_imports_the_sample_once(open_window: WindowFactory, library: Library, reader_home: Path) -> None:
    window = open_window(library, first_start=True)
    assert library.count() == 1
    assert window.view.article is not None
    assert "Biden" in window.header.title.text()
    assert "ATACMS" in window.view.document().toPlainText()
    assert ui_app.open_settings().value(ui_app.FIRST_RUN_KEY, False, type=bool)
    assert (reader_home / "settings.ini").exists()
    library.delete(window.view.article_id)  # the user removes it: it must not come back
    open_window.close(window)
    again = open_window(first_start=True)
    assert again.library.count() == 0
    assert "empty" in again.view.document().toPlainText()


def test_first_start_never_adds_the_sample_to_a_library_in_use(open_window: WindowFactory, library: Library, tmp_path: Path) -> None:
    own = tmp_path / "mine.txt"
    own.write_text("My own article\n\nWith my own words.", encoding="utf-8")
    library.add(own)
    open_window(library, first_start=True)
    assert [a.title for a in library.list_articles()] == ["My own article"]


def test_theme_font_and_layout_are_remembered(open_window: WindowFactory, library: Library, sample_id: int) -> None:
    window = open_window(library)
    window.theme_actions["dark"].trigger()
    window.act_bigger.trigger()
    window.act_bigger.trigger()
    window.splitter.setSizes([220, 800, 260])
    window.act_sidebar.trigger()  # hide the sidebar
    window.resize(780, 600)  # within the offscreen screen (800x800): restoreGeometry clamps to it
    sizes = window.splitter.sizes()
    open_window.close(window)

    again = open_window(size=None)
    assert (again.width(), again.height()) == (780, 600)
    assert again.theme == "dark" and again.theme_actions["dark"].isChecked()
    assert again.view.font_size == themes.DEFAULT_FONT_SIZE + 2
    assert not again.sidebar.isVisible()
    assert abs(again.splitter.sizes()[0] - sizes[0]) <= 8  # the window settles by a few pixels
    app = QApplication.instance()
    assert app is not None and "#202226" in app.styleSheet()  # the dark window stylesheet
    again.theme_actions["light"].trigger()


def test_run_starts_and_quits(reader_home: Path) -> None:
    """``run`` in its own process, as the launcher calls it (an app that quit cannot be reused)."""
    code = (
        "import sys\n"
        "from PySide6.QtCore import QTimer\n"
        "from reader.ui import app as ui_app\n"
        "make = ui_app.ensure_application\n"
        "def ensure(argv=None):\n"
        "    a = make(argv)\n"
        "    QTimer.singleShot(700, a.quit)\n"
        "    return a\n"
        "ui_app.ensure_application = ensure\n"
        "sys.exit(ui_app.run(['reader']))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "READER_HOME": str(reader_home)}
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=repo, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    with Library(auto_index=False) as lib:
        assert [a.title for a in lib.list_articles()][0].startswith("Biden")  # the sample, on first start
    assert (reader_home / "settings.ini").exists()


def test_the_article_has_the_keyboard_at_start(open_window: WindowFactory, library: Library, sample_id: int) -> None:
    window = open_window(library)
    assert window.view.hasFocus()
