"""The status bar says how many articles wait to be indexed, with a bar, while the search
index is behind the library, and nothing once it has caught up."""

from __future__ import annotations

from reader.core.document import Document
from reader.core.importers import ImportedArticle
from reader.core.library import Library
from reader.ui.main_window import MainWindow


def test_the_status_bar_shows_indexing_progress_until_the_index_catches_up(
    qtbot: object, window: MainWindow, library: Library
) -> None:
    status = window.indexing
    window.jobs.wait()  # the window's own catch-up at start is done
    assert status.isHidden()
    # A big import by another program (`reader add` in a terminal): its indexer works on after.
    other = Library(auto_index=False)
    with other.batch():
        for i in range(80):
            other.add_imported(ImportedArticle(title=f"Field note {i}", format="text",
                                               document=Document.from_paragraphs([f"Tern colony count {i}."])))
    qtbot.waitUntil(lambda: not status.isHidden(), timeout=2500)  # type: ignore[attr-defined]
    assert status.label.text() == "Indexing 80 articles…"
    assert (status.bar.value(), status.bar.maximum()) == (0, 80)

    other.index.catch_up()
    other.close()
    qtbot.waitUntil(status.isHidden, timeout=2500)  # type: ignore[attr-defined]
    assert library.search("tern", limit=100).total == 80
