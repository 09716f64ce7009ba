"""The window driven as a reader would: import, highlight, annotate, tag, undo, reopen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication, QKeySequence, QTextCursor
from PySide6.QtWidgets import QMessageBox

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


def test_importing_a_file_runs_on_the_worker_and_opens_it(
    qtbot: object, window: MainWindow, library: Library, tmp_path: Path
) -> None:
    source = tmp_path / "garden.md"
    source.write_text("# Garden notes\n\nTomatoes want sun and patience.\n", encoding="utf-8")
    job = window.import_sources([str(source)])
    assert job is not None
    qtbot.waitUntil(lambda: window.view.article is not None and "Tomatoes" in window.view.text, timeout=10_000)  # type: ignore[attr-defined]
    assert [r.title for r in window.library_panel.model.rows] == ["Garden notes"]
    assert window.header.title.text() == "Garden notes"
    assert "Tomatoes want sun and patience." in window.view.document().toPlainText()


def test_highlight_with_key_1_and_with_the_popup(qtbot: object, window: MainWindow, library: Library, sample_id: int) -> None:
    window.open_article(sample_id)
    start, end = select(window, "long-range missiles to attack Russian territory")
    qtbot.keyClick(window.view, Qt.Key.Key_1)  # type: ignore[attr-defined]
    [h] = library.highlights(sample_id)
    assert (h.start, h.end, h.color) == (start, end, "yellow")
    assert h.exact == "long-range missiles to attack Russian territory"
    assert painted(window, start + 3) and not window.view.textCursor().hasSelection()
    qtbot.waitUntil(lambda: window.sidebar.highlight_model.rowCount() == 1)  # type: ignore[attr-defined]

    start2, end2 = select(window, "Kursk region in western Russia")
    qtbot.waitUntil(window.selection_popup.isVisible)  # type: ignore[attr-defined]
    qtbot.mouseClick(window.selection_popup.swatches["green"], Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    greens = [x for x in library.highlights(sample_id) if x.color == "green"]
    assert [(g.start, g.end) for g in greens] == [(start2, end2)]
    assert not window.selection_popup.isVisible()
    assert painted(window, start2 + 1)


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


def test_clicking_a_highlight_edits_it_and_delete_is_undone_by_ctrl_z(
    qtbot: object, window: MainWindow, library: Library, sample_id: int
) -> None:
    window.open_article(sample_id)
    start, end = select(window, "Storm Shadow and SCALP missiles")
    qtbot.keyClick(window.view, Qt.Key.Key_3)  # type: ignore[attr-defined]
    [h] = library.highlights(sample_id)
    click_offset(qtbot, window, start + 4)
    qtbot.waitUntil(window.editor.isVisible)  # type: ignore[attr-defined]
    assert window.editor.highlight_id == h.id and window.editor.swatches["blue"].isChecked()
    qtbot.mouseClick(window.editor.swatches["pink"], Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert library.get_highlight(h.id).color == "pink"
    qtbot.mouseClick(window.editor.delete_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert library.highlights(sample_id) == []
    qtbot.waitUntil(lambda: not painted(window, start + 4))  # type: ignore[attr-defined]
    assert "Ctrl+Z" in window.status.text()

    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # type: ignore[attr-defined]
    [back] = library.highlights(sample_id)
    assert (back.id, back.start, back.end, back.color) == (h.id, start, end, "pink")
    qtbot.waitUntil(lambda: painted(window, start + 4))  # type: ignore[attr-defined]
    assert window.sidebar.highlight_model.rowCount() == 1


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


def test_a_bad_file_dropped_shows_a_message_and_the_app_keeps_running(
    qtbot: object, window: MainWindow, library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, title, text, *a: shown.append((title, text)))
    bad = tmp_path / "broken.epub"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    good = tmp_path / "fine.txt"
    good.write_text("Fine title\n\nA perfectly readable article.\n", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(bad)), QUrl.fromLocalFile(str(good))])
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)  # type: ignore[attr-defined]
    assert "broken.epub" in shown[0][1]
    assert library.count() == 1 and window.isVisible()
    qtbot.waitUntil(lambda: "readable" in window.view.text)  # type: ignore[attr-defined]


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


def test_find_in_article_marks_matches_and_enter_moves_on(qtbot: object, window: MainWindow, sample_id: int) -> None:
    window.open_article(sample_id)
    window.act_find.trigger()
    assert window.find_bar.isVisible() and window.find_bar.field.hasFocus()
    qtbot.keyClicks(window.find_bar.field, "atacms")  # type: ignore[attr-defined]
    total = window.view.text.lower().count("atacms")
    qtbot.waitUntil(lambda: window.find_bar.count.text().endswith(f"of {total}"))  # type: ignore[attr-defined]
    first = window.find_bar.count.text()
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    assert window.find_bar.count.text() != first
    assert len(window.view.extraSelections()) == total
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Escape)  # type: ignore[attr-defined]
    assert not window.find_bar.isVisible() and window.view.extraSelections() == []


def test_library_filter_and_tag_filter(qtbot: object, window: MainWindow, library: Library) -> None:
    for i in range(5):
        add_document(library, f"Article {i}", Document.from_paragraphs([f"text {i}"]))
    aid = add_document(library, "Birds of the coast", Document.from_paragraphs(["gulls"]))
    library.tag(aid, "nature")
    qtbot.waitUntil(lambda: window.library_panel.model.rowCount() == 6)  # type: ignore[attr-defined]
    qtbot.keyClicks(window.library_panel.filter, "birds")  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: window.library_panel.model.rowCount() == 1)  # type: ignore[attr-defined]
    window.library_panel.filter.clear()
    qtbot.waitUntil(lambda: window.library_panel.model.rowCount() == 6)  # type: ignore[attr-defined]
    combo = window.library_panel.tag_combo
    combo.setCurrentIndex(combo.findData("nature"))
    combo.activated.emit(combo.currentIndex())
    assert [r.title for r in window.library_panel.model.rows] == ["Birds of the coast"]


def test_paste_text_outside_the_article_adds_it(qtbot: object, window: MainWindow, library: Library) -> None:
    QGuiApplication.clipboard().setText("Pasted heading\n\nA pasted paragraph worth keeping.")
    window.library_panel.view.setFocus()
    window.act_paste_key.trigger()
    qtbot.waitUntil(lambda: library.count() == 1)  # type: ignore[attr-defined]
    assert "worth keeping" in window.view.text
    # in the article (issue 13: paste works while reading) it adds too; in a text field it pastes there
    QGuiApplication.clipboard().setText("Another pasted paragraph.")
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: library.count() == 2)  # type: ignore[attr-defined]
    assert "Another pasted" in window.view.text
    window.library_panel.filter.setFocus()
    qtbot.keyClick(window.library_panel.filter, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)  # type: ignore[attr-defined]
    assert window.library_panel.filter.text() == "Another pasted paragraph."
    assert library.count() == 2


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


def test_focus_mode_shows_only_the_article(qtbot: object, window: MainWindow, sample_id: int) -> None:
    window.act_focus.trigger()
    assert not window.left.isVisible() and not window.sidebar.isVisible() and not window.toolbar.isVisible()
    assert window.view.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # type: ignore[attr-defined]
    assert window.left.isVisible() and window.sidebar.isVisible() and window.toolbar.isVisible()


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


def test_annotating_patches_the_list_row_without_requerying(
    qtbot: object, window: MainWindow, library: Library, sample_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    qtbot.waitUntil(lambda: window.library_panel.model.rowCount() == 1)  # type: ignore[attr-defined]
    window.open_article(sample_id)
    queries: list[object] = []
    real = library.list_articles
    monkeypatch.setattr(library, "list_articles", lambda **kw: queries.append(kw) or real(**kw))
    h = library.highlight_quote(sample_id, "Storm Shadow and SCALP missiles")
    library.update_highlight(h.id, note="a note")
    library.add_note(sample_id, "article note")
    library.tag(sample_id, "allies")
    qtbot.waitUntil(lambda: window.library_panel.model.rows[0].tags == ("allies",))  # type: ignore[attr-defined]
    row = window.library_panel.model.rows[0]
    assert row.highlight_count == 1
    assert queries == []


def test_a_note_can_be_deleted_and_brought_back(qtbot: object, window: MainWindow, library: Library, sample_id: int) -> None:
    library.add_note(sample_id, "Keep *this* thought")
    window.open_article(sample_id)
    [card] = window.sidebar.notes.cards
    assert card.when.text().startswith("Edited")
    qtbot.mouseClick(card.delete_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert library.notes(sample_id) == []
    qtbot.waitUntil(lambda: not window.sidebar.notes.cards)  # type: ignore[attr-defined]
    window.act_undo.trigger()
    qtbot.waitUntil(lambda: len(window.sidebar.notes.cards) == 1)  # type: ignore[attr-defined]
    assert window.sidebar.notes.cards[0].body == "Keep *this* thought"


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


def test_cancelling_an_import_keeps_what_was_imported(
    qtbot: object, window: MainWindow, library: Library, tmp_path: Path
) -> None:
    files = []
    for i in range(40):
        path = tmp_path / f"note-{i:02}.txt"
        path.write_text(f"Title {i}\n\nBody of note {i}.\n", encoding="utf-8")
        files.append(str(path))
    job = window.import_sources(files)
    assert job is not None
    job.cancel()  # what the progress dialog's Cancel button does
    qtbot.waitUntil(job.done.is_set, timeout=10_000)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "cancelled after" in window.status.text().lower() or "Nothing" in window.status.text())  # type: ignore[attr-defined]
    assert library.count() < 40
    assert window.library_panel.model.rowCount() == library.count()
    assert window.isVisible()


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


def test_the_paste_dialog_adds_text_with_its_title(
    qtbot: object, window: MainWindow, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.ui.dialogs import PasteDialog

    def accept(dialog: PasteDialog) -> int:
        dialog.name.setText("My pasted piece")
        dialog.edit.setPlainText("Some words I copied from somewhere, worth reading again later.")
        return 1

    monkeypatch.setattr(PasteDialog, "exec", accept)
    window.act_paste.trigger()
    qtbot.waitUntil(lambda: "worth reading again" in window.view.text)  # type: ignore[attr-defined]
    assert [a.title for a in library.list_articles()] == ["My pasted piece"]
