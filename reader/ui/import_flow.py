"""Adding articles from the window: open, import a folder, paste, drop; imports run on a worker.

The messages say what happened in words ("Added 1 article", "Could not fetch <url>: ...").
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMimeData, QObject, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QPlainTextEdit, QProgressDialog, QTextEdit

from reader.core.errors import ReaderError
from reader.core.importers import EPUB_SUFFIXES, HTML_SUFFIXES, MARKDOWN_SUFFIXES, is_url
from reader.ui.dialogs import PasteDialog
from reader.ui.errors import FAILED, attempt
from reader.ui.workers import Job

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow

IMPORTABLE_SUFFIXES = {".txt", ".text"} | MARKDOWN_SUFFIXES | HTML_SUFFIXES | EPUB_SUFFIXES | {".pdf"}
OPEN_FILTER = "Articles (*.txt *.text *.md *.markdown *.html *.htm *.xhtml *.epub *.pdf);;All files (*)"


def expand_sources(paths: list[str]) -> list[str]:
    """Files as given; folders become the importable files inside them, sorted."""
    out: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                out.extend(
                    str(Path(root) / f) for f in sorted(files)
                    if not f.startswith(".") and Path(f).suffix.lower() in IMPORTABLE_SUFFIXES
                )
        else:
            out.append(raw)
    return out


def is_editing_text(widget: object) -> bool:
    """True for a text field the user types into (where Ctrl+V pastes into the field)."""
    if isinstance(widget, QLineEdit):
        return not widget.isReadOnly()
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        return not widget.isReadOnly()
    return False


def import_summary(results: list[Any], total: int, cancelled: bool) -> str:
    """One sentence: "Added 1 article.", "Added 2 articles, 1 already in the library.", ..."""
    done = [r for r in results if not isinstance(r, ReaderError)]
    counts = {status: sum(1 for r in done if r.status == status) for status in ("added", "updated")}
    same = len(done) - counts["added"] - counts["updated"]
    bits = []
    if counts["added"]:
        bits.append(f"added {_articles(counts['added'])}")
    if counts["updated"]:
        bits.append(f"updated {_articles(counts['updated'])}")
    if same:
        bits.append(f"{_articles(same)} already in the library")
    failed = len(results) - len(done)
    if failed:
        bits.append(f"{failed} not added")
    if cancelled and len(results) < total:
        bits.append(f"cancelled after {len(results)} of {total}")
    if not bits:
        return "Nothing was added."
    text = ", ".join(bits)
    return text[0].upper() + text[1:] + "."


def _articles(n: int) -> str:
    return f"{n} article{'s' if n != 1 else ''}"


class ImportFlow(QObject):
    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.library = window.library
        self.settings = window.settings

    def open_files(self) -> None:
        start = str(self.settings.value("last_dir", str(Path.home())))
        files, _ = QFileDialog.getOpenFileNames(self.window, "Open articles", start, OPEN_FILTER)
        if files:
            self.settings.setValue("last_dir", str(Path(files[0]).parent))
            self.import_sources(files)

    def import_folder(self) -> None:
        start = str(self.settings.value("last_dir", str(Path.home())))
        folder = QFileDialog.getExistingDirectory(self.window, "Import a folder", start)
        if folder:
            self.settings.setValue("last_dir", folder)
            sources = expand_sources([folder])
            if not sources:
                self.window.show_error("Nothing to import", f"'{folder}' holds no text, Markdown, HTML or EPUB files.")
                return
            self.import_sources(sources)

    def import_sources(self, sources: list[str]) -> Job | None:
        """Import files or URLs on a worker, with a progress dialog that can cancel."""
        sources = expand_sources(sources)
        if not sources:
            return None
        window = self.window
        dialog = QProgressDialog("Importing…", "Cancel", 0, len(sources), window)
        dialog.setWindowTitle("Importing")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setValue(0)

        def progress(done: int, total: int, name: str) -> None:
            dialog.setMaximum(max(total, 1))
            dialog.setValue(done)
            if name:
                dialog.setLabelText(f"Importing {Path(name).name if not is_url(name) else name}")

        def finished(results: list[Any]) -> None:
            dialog.close()
            dialog.deleteLater()
            self._finished(sources, results, job.cancelled)

        def failed(exc: BaseException) -> None:
            dialog.close()
            dialog.deleteLater()
            window.show_error("Import failed", str(exc) or exc.__class__.__name__)

        job = window.jobs.start(
            lambda progress, cancel: self.library.add_many(sources, progress=progress, cancel=cancel),
            finished=finished, failed=failed, progress=progress,
        )
        dialog.canceled.connect(job.cancel)
        what = sources[0] if len(sources) == 1 and is_url(sources[0]) else _items(len(sources))
        window.show_status(f"Adding {what}…", sticky=True)
        return job

    def _finished(self, sources: list[str], results: list[Any], cancelled: bool) -> None:
        window = self.window
        errors = [(s, r) for s, r in zip(sources, results) if isinstance(r, ReaderError)]
        done = [r for r in results if not isinstance(r, ReaderError)]
        summary = import_summary(results, len(sources), cancelled)
        if len(errors) == 1 and not done:
            summary = _failure(*errors[0])
        window.show_status(summary)
        if done:
            added = [r for r in done if r.status == "added"]
            window.open_article((added or done)[-1].article_id)
        if errors:
            shown = "\n\n".join(_failure(source, exc) for source, exc in errors[:12])
            if len(errors) > 12:
                shown += f"\n\n…and {len(errors) - 12} more."
            if len(errors) > 1:
                title = f"{len(errors)} items were not added"
            else:
                source = errors[0][0]
                title = f"Could not fetch {short(source)}" if is_url(source) else "This file was not imported"
            window.show_error(title, shown)
        if done:
            window.searches.start_index_catch_up()

    def paste_clipboard(self) -> None:
        """Ctrl+V anywhere in the window adds what was copied, except in a field being edited."""
        focus = QApplication.focusWidget()
        if is_editing_text(focus):
            focus.paste()  # type: ignore[union-attr]  # the window's shortcut took the key from the field
            return
        self.add_mime(QGuiApplication.clipboard().mimeData())

    def add_mime(self, mime: QMimeData | None) -> bool:
        """Files, addresses or text from the clipboard or a drop; False if there was nothing."""
        if mime is not None and mime.hasUrls():
            sources = [u.toLocalFile() if u.isLocalFile() else u.toString() for u in mime.urls()]
            sources = [s for s in sources if s and (is_url(s) or not s.startswith(("file:", "data:")))]
            if sources:
                self.import_sources(sources)
                return True
        text = mime.text().strip() if mime is not None and mime.hasText() else ""
        if not text:
            self.window.show_status("The clipboard holds no text or address to add.")
            return False
        self.add_text_or_url(text)
        return True

    def paste_dialog(self) -> None:
        dialog = PasteDialog(self.window)
        if dialog.exec() and dialog.text().strip():
            self.add_text_or_url(dialog.text().strip(), title=dialog.title())

    def add_text_or_url(self, text: str, title: str = "") -> None:
        if is_url(text) and len(text.split()) == 1:
            self.import_sources([text])
            return
        result = attempt(self.window, "Could not add the pasted text", self.library.add_text, text,
                         name=title or "Pasted text")
        if result is FAILED:
            return
        self.window.show_status(f"Added 1 article: “{short(result.title)}”.")
        self.window.open_article(result.article_id)


def _items(n: int) -> str:
    return f"{n} item{'s' if n != 1 else ''}"


def _failure(source: str, exc: BaseException) -> str:
    """The core's sentence; for an address, "Could not fetch <url>: <why>"."""
    text = str(exc)
    if not is_url(source):
        return text
    named = f"'{source}'"
    why = text.split(": ", 1)[1] if text.startswith(named) and ": " in text else text
    return f"Could not fetch {source}: {why}"


def short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
