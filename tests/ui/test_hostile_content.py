"""Hostile pages, imported and shown in the real window: nothing runs, nothing loads, no link
opens unasked, and the app keeps running.

Every file of :mod:`tests.hostile_corpus` (a web page per payload, Markdown with raw HTML,
an EPUB with a well-formed and a malformed chapter) goes through ``Library.add`` from a
temporary file and is opened in the window. Loads are watched three ways: the view's
``loadResource`` (wrapped on the class, and proven to see requests by a control image),
a canary HTTP server on 127.0.0.1 that the pages point at, and a canary file whose
``file:`` URL they carry (Python-level opens of it are audited). Clicks go through the
mouse on the page's own links, and through ``anchorClicked`` for addresses no importer
lets through, with ``QMessageBox`` and ``QDesktopServices.openUrl`` captured.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QTextCursor, QTextDocument
from PySide6.QtNetwork import QNetworkAccessManager
from PySide6.QtWidgets import QApplication, QMessageBox

from reader.core.document import Document
from reader.core.errors import ImportFailed
from reader.core.library import Library
from reader.ui.article_view import ArticleView
from reader.ui.main_window import MainWindow
from tests.hostile_corpus import ASK_FIRST, NEEDLES, NEVER_OPEN, hostile_files

SAFE_LINK_SCHEMES = {"http", "https", "mailto"}
SAFE_IMAGE_SCHEMES = {"http", "https", ""}  # "": a path inside an EPUB or a relative Markdown image, kept as text


# ---------------------------------------------------------------- watching for loads


class _Canary(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        self.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    do_POST = do_HEAD = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def canary_server() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on the loopback that counts every request (there must be none)."""
    hits: list[str] = []
    handler = type("Canary", (_Canary,), {"hits": hits})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()
    thread.join()


class FileAudit:
    """Python-level opens of the canary file (audit hooks cannot be removed: this one is armed per test)."""

    armed: Path | None = None
    opened: list[str] = []
    installed = False

    @classmethod
    def hook(cls, event: str, args: tuple[object, ...]) -> None:
        if event == "open" and cls.armed is not None and args and str(args[0]).endswith(cls.armed.name):
            cls.opened.append(str(args[0]))


@pytest.fixture
def canary_file(tmp_path: Path) -> Iterator[Path]:
    canary = tmp_path / "canary-secret.png"
    canary.write_bytes(b"\x89PNG\r\n\x1a\n canary, never to be read")
    if not FileAudit.installed:
        sys.addaudithook(FileAudit.hook)
        FileAudit.installed = True
    FileAudit.opened = []
    FileAudit.armed = canary
    yield canary
    FileAudit.armed = None


@dataclass
class Watch:
    """What the window asked for and what it tried to open."""

    resources: list[tuple[int, str, object]] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    informations: list[str] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)
    network: list[str] = field(default_factory=list)
    answer: QMessageBox.StandardButton = QMessageBox.StandardButton.Cancel


@pytest.fixture
def watch(monkeypatch: pytest.MonkeyPatch) -> Watch:
    seen = Watch()
    original = ArticleView.loadResource

    def load_resource(self: ArticleView, kind: int, url: QUrl) -> object:
        result = original(self, kind, url)
        seen.resources.append((int(kind), url.toString(), result))
        return result

    # On the class: Qt's virtual call finds it there whatever the instance holds.
    monkeypatch.setattr(ArticleView, "loadResource", load_resource)

    def question(_parent: object, _title: str, text: str, *args: object) -> QMessageBox.StandardButton:
        seen.questions.append(text)
        return seen.answer

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: seen.informations.append(text))
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: seen.informations.append(text))
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: seen.opened.append(url.toString()) or True)
    for method in ("get", "post", "put", "head", "sendCustomRequest", "deleteResource"):
        monkeypatch.setattr(QNetworkAccessManager, method,
                            lambda *a, _m=method: seen.network.append(f"{_m} {a[1:] if len(a) > 1 else ''}"))
    return seen


# ---------------------------------------------------------------- what the page holds


def document_problems(document: Document, canary: Path, check_text: bool = True) -> list[str]:
    """(a): no script text, no link other than http(s)/mailto, no image address that could load a file."""
    problems = []
    lowered = document.text.lower()
    for needle in NEEDLES + (canary.name.lower(),) if check_text else ():
        if needle in lowered:
            at = lowered.index(needle)
            problems.append(f"text shows {needle!r}: …{document.text[max(0, at - 30):at + 40]!r}…")
    for block in document.blocks:
        if block.src is not None:
            scheme = urlsplit(block.src).scheme.lower()
            if scheme not in SAFE_IMAGE_SCHEMES or "passwd" in block.src or canary.name in block.src:
                problems.append(f"image source {block.src!r}")
        for span in block.spans:
            if span.href is not None and urlsplit(span.href).scheme.lower() not in SAFE_LINK_SCHEMES:
                problems.append(f"link to {span.href!r}")
    return problems


def anchors(view: ArticleView) -> list[tuple[str, int]]:
    """Every link in the shown QTextDocument: (href, Qt position of its middle); images fail the test."""
    out = []
    block = view.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            fmt = fragment.charFormat()
            assert not fmt.isImageFormat(), f"an image was put in the page: {fmt.toImageFormat().name()}"
            if fmt.isAnchor() and fmt.anchorHref():
                out.append((fmt.anchorHref(), fragment.position() + fragment.length() // 2))
            it += 1
        block = block.next()
    return out


def click_at(qtbot: object, view: ArticleView, position: int) -> None:
    cursor = QTextCursor(view.document())
    cursor.setPosition(position)
    view.setTextCursor(cursor)
    view.ensureCursorVisible()
    rect = view.cursorRect(cursor)
    point = QPoint(rect.center().x() + 1, rect.center().y())
    assert view.anchorAt(point), "the click would miss the link"
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)  # type: ignore[attr-defined]


# ---------------------------------------------------------------- the test


def test_hostile_pages_run_nothing_load_nothing_and_open_no_link_unasked(
    qtbot: object,
    window: MainWindow,
    library: Library,
    tmp_path: Path,
    watch: Watch,
    canary_server: tuple[str, list[str]],
    canary_file: Path,
) -> None:
    host, hits = canary_server
    view = window.view

    # The watch sees what the view is asked to load: an image put in by hand is asked for.
    probe = QTextDocument(view)
    QTextCursor(probe).insertImage("reader-probe:control.png")
    view.setDocument(probe)
    probe.documentLayout().documentSize()
    view.viewport().repaint()
    assert any(url == "reader-probe:control.png" and result is None for _, url, result in watch.resources)
    view.clear_article()
    probe.deleteLater()
    qtbot.wait(1)  # type: ignore[attr-defined]  # the probe is gone before the real pages come
    watch.resources.clear()
    # And the view refuses every kind of resource, whatever its address.
    for kind in QTextDocument.ResourceType:
        for url in (f"{host}/direct.png", canary_file.as_uri(), "data:image/png;base64,iVBORw0KGgo=", "qrc:/x.png"):
            assert view.loadResource(kind.value, QUrl(url)) is None
    watch.resources.clear()

    files = hostile_files(host, canary_file.as_uri())
    failures: list[str] = []
    tried = blocked = links_clicked = refused = 0
    for item in files:
        tried += 1
        before = len(failures)
        path = tmp_path / item.name
        path.write_bytes(item.data)
        try:
            article_id = library.add(path).article_id
        except ImportFailed as refusal:  # refusing a page with nothing readable is blocking it too
            assert str(refusal).startswith(f"'{path}'"), str(refusal)
            refused += 1
            blocked += 1
            continue
        stored = library.get(article_id)
        problems = document_problems(stored.document, canary_file, check_text=not item.shows_addresses)
        failures += [f"{item.name} ({item.what}): {p}" for p in problems]
        assert window.open_article(article_id)
        assert view.article_id == article_id
        shown = view.document().toPlainText().lower()
        if not item.shows_addresses:
            failures += [f"{item.name}: the page shows {n!r}" for n in NEEDLES if n in shown]
        links = anchors(view)
        for href, _ in links:
            if QUrl(href).scheme().lower() not in SAFE_LINK_SCHEMES:
                failures.append(f"{item.name}: the page links to {href!r}")
        # (c) A click on each of the page's links asks first, showing the address; Cancel opens nothing.
        for href, position in links[:4]:
            asked = len(watch.questions)
            watch.answer = QMessageBox.StandardButton.Cancel
            click_at(qtbot, view, position)
            links_clicked += 1
            if len(watch.questions) != asked + 1 or href not in watch.questions[-1]:
                failures.append(f"{item.name}: clicking {href!r} did not ask first with the address shown")
            if watch.opened:
                failures.append(f"{item.name}: clicking {href!r} and cancelling opened {watch.opened}")
                watch.opened.clear()
        if len(failures) == before:
            blocked += 1

    # A confirmed click opens exactly the address that was shown.
    with_ok_link = next(f for f in files if b'href="https://ok.example/"' in f.data)
    window.open_article(library.add(tmp_path / with_ok_link.name).article_id)
    ok = [(h, p) for h, p in anchors(view) if h.startswith("https://ok.example/")]
    assert ok, "the page's one safe link is gone"
    watch.answer = QMessageBox.StandardButton.Open
    click_at(qtbot, view, ok[0][1])
    assert watch.questions and ok[0][0] in watch.questions[-1], "a confirmed link was not shown first"
    assert watch.opened == [ok[0][0]], f"a confirmed link opened {watch.opened}, not the address shown"
    watch.opened.clear()

    # Addresses no importer lets through, clicked anyway by the most trusting reader: never opened.
    watch.answer = QMessageBox.StandardButton.Open
    for url in NEVER_OPEN:
        tried += 1
        informed = len(watch.informations)
        view.anchorClicked.emit(QUrl(url))
        if watch.opened:
            failures.append(f"link {url!r} was opened: {watch.opened}")
            watch.opened.clear()
        elif len(watch.informations) != informed + 1:
            failures.append(f"link {url!r} was neither opened nor explained")
        else:
            blocked += 1
    for url in ASK_FIRST:
        tried += 1
        asked = len(watch.questions)
        watch.answer = QMessageBox.StandardButton.Cancel
        view.anchorClicked.emit(QUrl(url))
        cancelled_ok = len(watch.questions) == asked + 1 and url in watch.questions[-1] and not watch.opened
        watch.answer = QMessageBox.StandardButton.Open
        view.anchorClicked.emit(QUrl(url))
        if cancelled_ok and watch.opened == [url]:
            blocked += 1
        else:
            failures.append(f"link {url!r}: asked {watch.questions[asked:]}, opened {watch.opened}")
        watch.opened.clear()

    # (b) Nothing was loaded: no resource asked of the view, no request to the canary, no file read.
    qtbot.wait(200)  # type: ignore[attr-defined]  # anything queued gets its chance to misbehave
    print(f"hostile inputs: {tried} tried, {blocked} blocked ({len(files)} files, {refused} of them refused at "
          f"import; {links_clicked} links clicked; {len(NEVER_OPEN) + len(ASK_FIRST)} addresses)")
    assert watch.resources == [], f"the view was asked to load {watch.resources[:10]}"
    assert hits == [], f"the canary server was asked for {hits}"
    assert FileAudit.opened == [], f"the canary file was opened: {FileAudit.opened}"
    assert watch.network == [] and not QApplication.instance().findChildren(QNetworkAccessManager)
    assert not window.findChildren(QNetworkAccessManager)
    assert not failures, "\n".join(failures)
    assert blocked == tried

    # (d) The app keeps running: the window is up and an ordinary article still reads.
    plain = tmp_path / "plain.txt"
    plain.write_text("An ordinary article\n\nNothing to see here, just words after the storm.\n", encoding="utf-8")
    assert window.open_article(library.add(plain).article_id)
    assert "just words after the storm" in view.document().toPlainText()
    assert window.isVisible() and not QApplication.closingDown()
