"""The window driven as a reader would: import, highlight, annotate, tag, undo, reopen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence, QTextCursor

from reader.core.document import Document
from reader.core.library import Library
from reader.ui.main_window import MainWindow

from .conftest import WindowFactory, add_document


def phrase_range(window: MainWindow, phrase: str) -> tuple[int, int]:
    start = window.view.text.index(phrase)
    return start, start + len(phrase)


def select(window: MainWindow, phrase: str) -> tuple[int, int]:
    start, end = phrase_range(window, phrase)
    window.view.setFocus()
    window.view.select_offsets(start, end)
    return start, end


def painted(window: MainWindow, offset: int) -> bool:
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(window.view.to_qt(offset) + 1)
    return cursor.charFormat().background().style() != Qt.BrushStyle.NoBrush


def click_offset(qtbot: object, window: MainWindow, offset: int) -> None:
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(window.view.to_qt(offset))
    rect = window.view.cursorRect(cursor)
    point = QPoint(rect.x() + 3, rect.center().y())
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point)  # type: ignore[attr-defined]


def test_note_and_tags_are_kept_after_closing_and_reopening(
    qtbot: object, open_window: WindowFactory, library: Library, sample_id: int
) -> None:
    window = open_window(library)
    window.open_article(sample_id)
    select(window, "ammunition depots")
    qtbot.keyClick(window.view, Qt.Key.Key_N)  # type: ignore[attr-defined]
    qtbot.waitUntil(window.editor.isVisible)  # type: ignore[attr-defined]
    qtbot.keyClicks(window.editor.note, "Supply lines matter")  # type: ignore[attr-defined]
    window.editor.tags.setText("logistics, war")
    window.editor.close()  # closing saves what was typed
    [h] = library.highlights(sample_id)
    assert h.note == "Supply lines matter" and set(h.tags) == {"logistics", "war"}

    qtbot.keyClicks(window.sidebar.tags.field, "research")  # type: ignore[attr-defined]
    qtbot.keyClick(window.sidebar.tags.field, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    assert library.article_tags(sample_id) == ("research",)
    qtbot.waitUntil(lambda: window.sidebar.tags.flow.count() == 1)  # type: ignore[attr-defined]

    window.view.setFocus()
    qtbot.keySequence(window, QKeySequence("Ctrl+N")) if hasattr(qtbot, "keySequence") else window.act_new_note.trigger()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: bool(window.sidebar.notes.cards) and window.sidebar.notes.cards[-1].editing)  # type: ignore[attr-defined]
    card = window.sidebar.notes.cards[-1]
    qtbot.keyClicks(card.editor, "**Bold** thought")  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: [n.body for n in library.notes(sample_id)] == ["**Bold** thought"], timeout=3000)  # type: ignore[attr-defined]

    open_window.close(window)
    again = open_window()  # a new Library and window on the same READER_HOME
    again.open_article(sample_id)
    assert [h.note for h in again.sidebar.highlight_model.rows] == ["Supply lines matter"]
    assert [c.body for c in again.sidebar.notes.cards] == ["**Bold** thought"]
    assert "Bold thought" in again.sidebar.notes.cards[0].viewer.toPlainText()  # rendered Markdown
    assert again.sidebar.tags.flow.itemAt(0).widget().text().startswith("#research")
    assert again.sidebar.tabs.tabText(0) == "Highlights (1)"


def test_deleting_an_article_and_undoing_it(qtbot: object, window: MainWindow, library: Library, sample_id: int) -> None:
    other = add_document(library, "Second article", Document.from_paragraphs(["Something else to read."]))
    qtbot.waitUntil(lambda: window.library_panel.model.rowCount() == 2)  # type: ignore[attr-defined]
    window.library_panel.select(sample_id)
    assert window.view.article_id == sample_id
    window.library_panel.view.setFocus()
    qtbot.keyClick(window.library_panel.view, Qt.Key.Key_Delete)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: window.library_panel.model.rowCount() == 1)  # type: ignore[attr-defined]
    assert [a.id for a in library.list_articles()] == [other]
    assert window.view.article_id == other
    window.act_undo.trigger()
    qtbot.waitUntil(lambda: window.library_panel.model.rowCount() == 2)  # type: ignore[attr-defined]
    assert {a.id for a in library.list_articles()} == {sample_id, other}


def test_emoji_offsets_are_exact(qtbot: object, window: MainWindow, library: Library) -> None:
    text = "Party 😀🎉 highlighted words after emoji, and 𝔪𝔬𝔯𝔢 beyond."
    aid = add_document(library, "Emoji", Document.from_paragraphs(["Intro 👩‍👩‍👧 line", text]))
    window.open_article(aid)
    # select as the user does, on what Qt shows
    found = window.view.document().find("highlighted words")
    window.view.setTextCursor(found)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_2)  # type: ignore[attr-defined]
    [h] = library.highlights(aid)
    canonical = library.get(aid).text
    assert canonical[h.start:h.end] == h.exact == "highlighted words"
    found = window.view.document().find("𝔪𝔬𝔯𝔢")
    window.view.setTextCursor(found)
    qtbot.keyClick(window.view, Qt.Key.Key_4)  # type: ignore[attr-defined]
    pink = [x for x in library.highlights(aid) if x.color == "pink"]
    assert [canonical[p.start:p.end] for p in pink] == ["𝔪𝔬𝔯𝔢"]


def test_keys_j_k_scroll_and_n_p_jump_between_highlights(
    qtbot: object, window: MainWindow, library: Library
) -> None:
    doc = Document.from_paragraphs([f"Paragraph {i}. " + "filler words " * 40 for i in range(80)])
    aid = add_document(library, "Long", doc)
    text = doc.text
    for i in (10, 40, 70):
        s = text.index(f"Paragraph {i}.")
        library.add_highlight(aid, s, s + 12)
    window.open_article(aid)
    window.view.setFocus()
    bar = window.view.verticalScrollBar()
    qtbot.waitUntil(lambda: not window.view._restoring)  # type: ignore[attr-defined]
    before = bar.value()
    qtbot.keyClick(window.view, Qt.Key.Key_J)  # type: ignore[attr-defined]
    assert bar.value() > before
    qtbot.keyClick(window.view, Qt.Key.Key_K)  # type: ignore[attr-defined]
    assert bar.value() == before
    qtbot.keyClick(window.view, Qt.Key.Key_N)  # type: ignore[attr-defined]
    first = window.view.offset_at_top()
    qtbot.keyClick(window.view, Qt.Key.Key_N)  # type: ignore[attr-defined]
    assert window.view.offset_at_top() > first
    qtbot.keyClick(window.view, Qt.Key.Key_P)  # type: ignore[attr-defined]
    assert window.view.textCursor().position() == window.view.to_qt(text.index("Paragraph 10."))


def test_reading_position_is_saved_and_restored(qtbot: object, open_window: WindowFactory, library: Library) -> None:
    doc = Document.from_paragraphs([f"Section {i}. " + "more words here " * 30 for i in range(120)])
    aid = add_document(library, "Long read", doc)
    window = open_window(library)
    window.open_article(aid)
    qtbot.waitUntil(lambda: not window.view._restoring)  # type: ignore[attr-defined]
    window.view.scroll_to_offset(doc.text.index("Section 60."), top=True)
    qtbot.waitUntil(lambda: library.get(aid).reading_position > 0, timeout=3000)  # type: ignore[attr-defined]
    saved = library.get(aid).reading_position
    assert doc.text.index("Section 59.") <= saved <= doc.text.index("Section 61.")
    assert library.get(aid).reading_state == "reading"
    share = int(window.progress_label.text().split("%")[0])
    assert 35 <= share <= 65 and "min left" in window.progress_label.text()
    open_window.close(window)
    again = open_window()
    assert again.view.article_id == aid  # the last article reopens
    qtbot.waitUntil(lambda: not again.view._restoring)  # type: ignore[attr-defined]
    assert abs(again.view.offset_at_top() - saved) < 600


def test_export_writes_the_articles_highlights_as_markdown(
    qtbot: object, window: MainWindow, library: Library, sample_id: int, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    library.highlight_quote(sample_id, "Storm Shadow and SCALP missiles", note="allied help")
    target = tmp_path / "out.md"
    monkeypatch.setattr("reader.ui.main_window.QFileDialog.getSaveFileName", lambda *a, **k: (str(target), ""))
    window.open_article(sample_id)
    assert window.act_export.isVisible()
    window.act_export.trigger()
    written = target.read_text(encoding="utf-8")
    assert "Storm Shadow and SCALP missiles" in written and "allied help" in written
    assert "Exported" in window.status.text()


def test_hostile_html_shows_as_text_and_loads_nothing(
    qtbot: object, window: MainWindow, library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "hostile.html"
    page.write_text(
        "<html><head><title>Hostile page</title><script>alert('x')</script>"
        "<link rel=stylesheet href='http://evil.example/s.css'></head><body><article>"
        "<h1>Hostile page</h1><p onclick='steal()'>Plain words "
        "<a href='javascript:alert(1)'>bad link</a> and <a href='https://example.org/ok'>good link</a>.</p>"
        "<img src='http://evil.example/track.png' alt='tracking pixel'>"
        "<p>More text so the article has a body worth reading, with a second sentence.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    asked: list[str] = []
    monkeypatch.setattr(window.view, "loadResource", lambda kind, url: asked.append(url.toString()))
    window.import_sources([str(page)])
    qtbot.waitUntil(lambda: "Plain words" in window.view.text, timeout=10_000)  # type: ignore[attr-defined]
    shown = window.view.document().toPlainText()
    assert "alert" not in shown and "steal" not in shown
    block = window.view.document().begin()
    hrefs = set()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            assert not fmt.isImageFormat()
            if fmt.isAnchor():
                hrefs.add(fmt.anchorHref())
            it += 1
        block = block.next()
    assert "javascript:alert(1)" not in hrefs
    qtbot.wait(50)  # type: ignore[attr-defined]
    assert asked == []
