"""The sidebar: highlights in text order that jump to their passage, and orphans apart."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from reader.core.document import Document
from reader.core.library import Library
from reader.ui.main_window import MainWindow

from .conftest import add_document


def test_sidebar_click_scrolls_to_the_highlight_and_flashes_it(
    qtbot: object, window: MainWindow, library: Library
) -> None:
    doc = Document.from_paragraphs([f"Part {i}. " + "calm words to read " * 25 for i in range(60)])
    aid = add_document(library, "Parts", doc)
    start = doc.text.index("Part 50.")
    library.add_highlight(aid, start, start + 8, color="purple", note="far down")
    window.open_article(aid)
    qtbot.waitUntil(lambda: not window.view._restoring)  # type: ignore[attr-defined]
    view = window.sidebar.highlight_view
    rect = view.visualRect(window.sidebar.highlight_model.index(0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # type: ignore[attr-defined]
    assert window.view.flashed() == [(start, start + 8)]
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(window.view.to_qt(start))
    assert window.view.viewport().rect().contains(window.view.cursorRect(cursor).center())


def test_orphaned_highlights_have_their_own_section_and_can_be_deleted(
    qtbot: object, window: MainWindow, library: Library
) -> None:
    from reader.core.importers import ImportedArticle

    def version(text: str) -> ImportedArticle:
        return ImportedArticle(title="Changing", document=Document.from_paragraphs([text, "A second paragraph."]),
                               format="text")

    aid = library.add_imported(version("The original sentence about lighthouses and fog."), source_key="k").article_id
    start = library.get(aid).text.index("lighthouses")
    library.add_highlight(aid, start, start + len("lighthouses and fog"), color="green")
    library.add_imported(version("Entirely different words now stand here."), source_key="k")
    [orphan] = library.highlights(aid)
    assert orphan.orphaned
    window.open_article(aid)
    assert window.sidebar.orphan_view.isVisible() and window.sidebar.orphan_title.isVisible()
    assert window.sidebar.highlight_model.rowCount() == 0 and window.sidebar.orphan_model.rowCount() == 1
    rect = window.sidebar.orphan_view.visualRect(window.sidebar.orphan_model.index(0))
    qtbot.mouseClick(window.sidebar.orphan_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # type: ignore[attr-defined]
    qtbot.waitUntil(window.editor.isVisible)  # type: ignore[attr-defined]
    qtbot.mouseClick(window.editor.delete_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert library.highlights(aid) == []
    qtbot.waitUntil(lambda: not window.sidebar.orphan_view.isVisible())  # type: ignore[attr-defined]
