"""Fetching articles over HTTP from a local server on 127.0.0.1 (never anything else)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from reader.core.errors import ImportFailed
from reader.core.importers import import_url
from reader.core.importers.url import fetch_url
from tests.core.importers.epub_factory import simple_book

ARTICLE = (
    "<html><head><title>Lighthouse keepers return</title><meta name='author' content='Sam Reed'></head>"
    "<body><nav>Home News</nav><article><h1>Lighthouse keepers return</h1>"
    + "".join(
        f"<p>Paragraph {i}: the lighthouse on the north cape will again have a keeper living on site, "
        f"the trust said, after a decade of automatic operation and two winters of storm damage.</p>"
        for i in range(6)
    )
    + "<p>See <a href='/more'>more stories</a>.</p></article></body></html>"
).encode()


class Handler(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        path = self.path
        if path == "/slow":
            time.sleep(1.0)
        if path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(2000):
                    self.wfile.write(b"<p>" + b"x" * 100 + b"</p>")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        status, headers, body = self.routes.get(path, (404, {"Content-Type": "text/plain"}, b"not here"))
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    html = {"Content-Type": "text/html; charset=utf-8"}
    Handler.routes = {
        "/article.html": (200, html, ARTICLE),
        "/r1": (302, {"Location": "/r2"}, b""),
        "/r2": (301, {"Location": f"{base}/article.html"}, b""),
        "/loop": (302, {"Location": "/loop"}, b""),
        "/to-file": (302, {"Location": "file:///etc/passwd"}, b""),
        "/to-ftp": (307, {"Location": "ftp://127.0.0.1/x"}, b""),
        "/to-data": (302, {"Location": "data:text/html,<script>alert(1)</script>"}, b""),
        "/error": (500, {"Content-Type": "text/plain"}, b"boom"),
        "/image.png": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n"),
        "/doc.pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4"),
        "/notes.txt": (200, {"Content-Type": "text/plain; charset=utf-8"},
                       b"Field notes\n\nThe tide came in early today.\n\nWe left at noon.\n"),
        "/notes.md": (200, {"Content-Type": "text/markdown"}, b"# Notes\n\nSome *notes*.\n"),
        "/book": (200, {"Content-Type": "application/epub+zip"}, simple_book()),
        "/latin": (200, {"Content-Type": "text/html; charset=iso-8859-1"},
                   "<html><body><p>Caf\u00e9 cr\u00e8me \u00e0 la gare.</p></body></html>".encode("latin-1")),
        "/huge": (200, {"Content-Type": "text/html", "Content-Length": str(60 * 1024 * 1024)}, b""),
        "/slow": (200, html, ARTICLE),
        "/empty": (200, html, b""),
    }
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def failure(url: str, **options: object) -> str:
    with pytest.raises(ImportFailed) as info:
        fetch_url(url, **options)  # type: ignore[arg-type]
    message = str(info.value)
    assert message.startswith(f"'{url}' ") and message.endswith("."), message
    assert message.count(". ") == 0, message  # one sentence
    return message


def test_html_article(server: str) -> None:
    article = fetch_url(f"{server}/article.html")
    assert article.title == "Lighthouse keepers return"
    assert article.author == "Sam Reed"
    assert article.url == f"{server}/article.html"
    assert "Paragraph 5: the lighthouse" in article.text
    assert "Home News" not in article.text
    link = next(s for b in article.document.blocks for s in b.spans if s.kind == "link")
    assert link.href == f"{server}/more"


def test_import_url_is_the_same_entry_point(server: str) -> None:
    assert import_url(f"{server}/article.html").title == "Lighthouse keepers return"


def test_redirect_chain_ends_at_the_final_address(server: str) -> None:
    article = fetch_url(f"{server}/r1")
    assert article.url == f"{server}/article.html"
    assert article.title == "Lighthouse keepers return"


def test_redirect_loop_is_refused(server: str) -> None:
    assert "redirects more than 3 times" in failure(f"{server}/loop", max_redirects=3)


@pytest.mark.parametrize("route,target", [("/to-file", "file:"), ("/to-ftp", "ftp:"), ("/to-data", "data:")])
def test_redirect_to_another_scheme_is_refused(server: str, route: str, target: str) -> None:
    message = failure(f"{server}{route}")
    assert message == f"'{server}{route}' redirects to a {target} address, which Reader does not follow."


@pytest.mark.parametrize("route,answer", [("/missing", "404 Not Found"), ("/error", "500 Internal Server Error")])
def test_http_errors(server: str, route: str, answer: str) -> None:
    assert failure(f"{server}{route}") == f"'{server}{route}' answered {answer}."


@pytest.mark.parametrize("route,mime", [("/image.png", "image/png")])
def test_non_articles_are_refused(server: str, route: str, mime: str) -> None:
    assert failure(f"{server}{route}") == f"'{server}{route}' is not an article ({mime})."


def test_a_pdf_is_read_as_one_and_a_broken_one_refused_as_such(server: str) -> None:
    # PDFs are imported since issue 14 (tests/test_cli_pdf.py adds real ones from a URL); this
    # one is only a header, so the PDF importer refuses it in its own words.
    assert failure(f"{server}/doc.pdf") == f"'{server}/doc.pdf' is a damaged or truncated PDF document: it cannot be read."


def test_declared_too_large(server: str) -> None:
    assert failure(f"{server}/huge") == f"'{server}/huge' is larger than 50 MB."


def test_streamed_body_stops_past_the_limit(server: str) -> None:
    started = time.monotonic()
    message = failure(f"{server}/drip", max_bytes=20_000)
    assert message == f"'{server}/drip' is larger than 0 MB." or "larger than" in message
    assert time.monotonic() - started < 5


def test_slow_server_times_out(server: str) -> None:
    started = time.monotonic()
    assert "did not answer within 0.2 seconds" in failure(f"{server}/slow", timeout=0.2)
    assert time.monotonic() - started < 1.0


def test_connection_refused() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert "refused the connection" in failure(f"http://127.0.0.1:{port}/x")


def test_unknown_host(monkeypatch: pytest.MonkeyPatch) -> None:
    # No real lookup leaves the machine: name resolution itself is made to fail.
    def no_such_host(*args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    assert "the host name 'no-such-host.invalid' is not known" in failure("http://no-such-host.invalid/a")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "javascript:alert(1)", "data:text/html,hi", "http://"])
def test_bad_addresses_are_refused_before_any_request(url: str) -> None:
    failure(url)


def test_plain_text_markdown_and_epub_by_content_type(server: str) -> None:
    text = fetch_url(f"{server}/notes.txt")
    assert text.format == "text" and text.title == "Field notes"
    md = fetch_url(f"{server}/notes.md")
    assert md.format == "markdown" and md.title == "Notes" and md.text == "Some notes."
    book = fetch_url(f"{server}/book")
    assert book.format == "epub" and book.title == "A Test Book"


def test_charset_from_the_header(server: str) -> None:
    assert fetch_url(f"{server}/latin").text == "Café crème à la gare."


def test_empty_page(server: str) -> None:
    assert "empty" in failure(f"{server}/empty")


def test_progress_is_reported_and_cancel_stops_the_download(server: str) -> None:
    seen: list[tuple[int, int | None]] = []
    fetch_url(f"{server}/article.html", progress=lambda received, total: seen.append((received, total)))
    assert seen and seen[-1] == (len(ARTICLE), len(ARTICLE))
    with pytest.raises(ImportFailed, match=r"^Fetching '.*/drip' was cancelled\.$"):
        fetch_url(f"{server}/drip", cancelled=lambda: True)
