"""Fixtures for the window tests: a library in READER_HOME, a window on it, and no Qt warnings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QtMsgType

from reader.core.document import Block, Document, Span
from reader.core.importers import ImportedArticle
from reader.core.library import Library
from reader.ui import app as ui_app
from reader.ui.main_window import MainWindow

# Messages of the offscreen platform itself, not of our code.
IGNORED_QT_MESSAGES = ("This plugin does not support",)  # propagateSizeHints(), raise(), …


@pytest.fixture(autouse=True)
def fail_on_qt_warnings(qtlog: object) -> Iterator[None]:
    yield
    bad = [
        r.message
        for r in qtlog.records  # type: ignore[attr-defined]
        if r.type in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)
        and not any(s in r.message for s in IGNORED_QT_MESSAGES)
    ]
    assert not bad, f"Qt warnings: {bad}"


@pytest.fixture
def library(qapp: object) -> Iterator[Library]:
    ui_app.ensure_application()
    lib = Library(auto_index=False)
    yield lib
    lib.close()


class WindowFactory:
    """Opens windows on READER_HOME the way ``app.run`` does; closes them at the end."""

    def __init__(self, qtbot: object):
        self.qtbot = qtbot
        self.opened: list[tuple[MainWindow, Library]] = []

    def __call__(
        self, library: Library | None = None, *, first_start: bool = False, size: tuple[int, int] | None = (1280, 820)
    ) -> MainWindow:
        own = library is None
        lib = library or Library(auto_index=False)
        settings = ui_app.open_settings()
        if not first_start:
            settings.setValue(ui_app.FIRST_RUN_KEY, True)
        window = ui_app.create_window(lib, settings)
        self.qtbot.addWidget(window)  # type: ignore[attr-defined]
        if size is not None:
            window.resize(*size)
        window.show()
        self.qtbot.waitExposed(window)  # type: ignore[attr-defined]
        self.qtbot.waitUntil(lambda: window.ready)  # type: ignore[attr-defined]  # the first article is open
        window.activateWindow()
        self.opened.append((window, lib if own else None))  # type: ignore[arg-type]
        return window

    def close(self, window: MainWindow) -> None:
        for i, (w, lib) in enumerate(self.opened):
            if w is window:
                w.close()
                if lib is not None:
                    lib.close()
                del self.opened[i]
                return


@pytest.fixture
def open_window(qtbot: object, library: Library) -> Iterator[WindowFactory]:
    factory = WindowFactory(qtbot)
    yield factory
    for window, lib in list(factory.opened):
        window.close()
        if lib is not None:
            lib.close()


@pytest.fixture
def window(open_window: WindowFactory, library: Library) -> MainWindow:
    return open_window(library)


def add_document(library: Library, title: str, blocks: list[Block] | Document, **meta: object) -> int:
    document = blocks if isinstance(blocks, Document) else Document(tuple(blocks))
    imported = ImportedArticle(title=title, document=document, format="text", **meta)  # type: ignore[arg-type]
    return library.add_imported(imported).article_id


def rich_document() -> Document:
    """Every block and span kind, emoji and other non-BMP text, a code block with line breaks."""
    return Document(
        (
            Block("heading", "A heading with 😀🎉", level=1),
            Block("paragraph", "Plain words, emphasis, strong and a link here.",
                  spans=(Span("emphasis", 13, 21), Span("strong", 23, 29), Span("link", 36, 40, "https://example.org/x"))),
            Block("quote", "A quoted 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 line.", level=1),
            Block("list_item", "first item", level=1, marker="•"),
            Block("list_item", "second item 👩‍👩‍👧", level=1, marker="•"),
            Block("list_item", "numbered", level=1, marker="3."),
            Block("code", "def f():\n    return '🎉'\n\nend", spans=()),
            Block("image", "A diagram of the route", src="https://example.org/i.png"),
            Block("paragraph", "Non\u00a0breaking and a tab\there, then the end."),
        )
    )


@pytest.fixture
def sample_id(library: Library, sample_path: Path) -> int:
    return library.add(sample_path).article_id
