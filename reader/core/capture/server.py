"""The capture endpoint: HTTP on 127.0.0.1, a thread per request (stdlib ``http.server``).

Routes (see the README's "Saving from the browser"):

- ``GET  /api/v1/ping``        -> 200 ``{"app": "reader", ...}``, no token, no library data;
- ``POST /api/v1/pages``       -> JSON ``{"url", "html", "title"?, "tags"?}``;
- ``POST /api/v1/singlefile``  -> SingleFile's multipart form, fields ``url`` and ``file``.

A save answers 201 ``{"id", "title"}`` (200 when the url was saved before). Every refusal is
``{"error": "one sentence"}`` with its status. The checks in :mod:`.checks` run on the headers
alone, before any of the body is read; a refused request's body is drained when small (the
connection stays usable) and otherwise the connection is closed after the answer.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from reader import __version__
from reader.core.capture import checks, forms
from reader.core.capture.checks import Refusal
from reader.core.capture.door import CaptureDoor
from reader.core.errors import ImportFailed, ReaderError

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
API = "/api/v1"
ROUTES = {f"{API}/ping": "GET", f"{API}/pages": "POST", f"{API}/singlefile": "POST"}
DRAIN_LIMIT = 1024 * 1024  # a refused body this small is read and dropped; a larger one closes
LINGER_SECONDS = 2.0


class PortInUse(ReaderError):
    def __init__(self, port: int):
        super().__init__(
            f"Port {port} on {HOST} is already in use (is Reader's window or another 'reader serve' running?);"
            " choose another with --port or READER_CAPTURE_PORT."
        )
        self.port = port


class CaptureServer(ThreadingHTTPServer):
    daemon_threads = True  # an idle keep-alive connection must not hold up shutdown
    allow_reuse_address = True  # restart at once after a stop (TIME_WAIT), never share a live port
    allow_reuse_port = False

    def __init__(self, port: int, door: CaptureDoor, token: str):
        self.door = door
        self.token = token
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        try:
            super().__init__((HOST, port), CaptureHandler)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUse(port) from None
            raise ReaderError(f"Reader cannot listen on {HOST}:{port}: {exc.strerror or exc}.") from None

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def finish_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        try:
            super().finish_request(request, client_address)
        finally:
            with self._connections_lock:
                self._connections.discard(request)

    def close_connections(self) -> None:
        """End the open keep-alive connections too, so nothing answers once we have stopped."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    @property
    def address(self) -> str:
        return f"http://{HOST}:{self.port}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        # socketserver would print a traceback on stderr; a client that hung up is not news.
        log.debug("a capture connection failed", exc_info=True)


class CaptureHandler(BaseHTTPRequestHandler):
    server: CaptureServer
    protocol_version = "HTTP/1.1"  # keep-alive; every answer carries a Content-Length
    server_version = "Reader"
    timeout = 30  # a client that stops sending mid-body frees its thread
    _body_read = False

    def version_string(self) -> str:
        return self.server_version  # not the Python version: nothing to fingerprint

    # -- the request's life -------------------------------------------------------------
    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_OPTIONS(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def parse_request(self) -> bool:
        self._body_read = False  # one handler serves every request of a keep-alive connection
        return super().parse_request()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own refusals (a malformed request line, too many headers) in our JSON shape."""
        text = (message or self.responses.get(code, ("The request was refused",))[0]).rstrip(".")
        data = json.dumps({"error": f"{text}."}).encode("utf-8")
        self.close_connection = True
        self.send_response(code, message)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        if getattr(self, "command", None) != "HEAD":
            self.wfile.write(data)

    def handle_expect_100(self) -> bool:
        # curl asks before sending a large body: refuse now rather than receive 50 MB first.
        refusal = self._precheck()
        if refusal is not None:
            self._send_refusal(refusal)
            return False
        return super().handle_expect_100()

    def _handle(self) -> None:
        refusal = self._precheck()
        if refusal is not None:
            self._send_refusal(refusal)
            return
        if self.command == "OPTIONS":  # an extension's preflight; its origin passed the check
            self._send_json(204, None)
            return
        if self._path() == f"{API}/ping":
            self._send_json(200, {"app": "reader", "version": __version__, "api": 1})
            return
        length = checks.body_length(self.headers)
        assert isinstance(length, int)  # _precheck refused everything else
        try:
            body = self.rfile.read(length)
        except OSError:  # the client stopped sending for `timeout` seconds, or went away
            body = b""
        self._body_read = True
        if len(body) < length:
            self.close_connection = True
            return  # the client went away mid-body; nobody is left to answer
        try:
            if self._path() == f"{API}/pages":
                page = forms.page_from_json(body)
            else:
                page = forms.page_from_form(self.headers.get("Content-Type", ""), body)
        except forms.BadRequest as exc:
            self._send_refusal(Refusal(400, str(exc)))
            return
        except Exception:  # whatever a hostile form does to the MIME parser, it is the form's fault
            log.debug("an unreadable body", exc_info=True)
            self._send_refusal(Refusal(400, "The body could not be read as a page to save."))
            return
        try:
            captured = self.server.door.save_page(page)
        except ImportFailed as exc:  # the page holds no article Reader can read
            self._send_refusal(Refusal(422, str(exc)))
            return
        except ReaderError as exc:  # shutting down, or the library is busy or full: try again later
            self._send_refusal(Refusal(503, str(exc)))
            return
        except Exception as exc:  # a bug: one sentence to the client, details in the log
            log.exception("capture of %s failed", page.url)
            self._send_refusal(Refusal(500, f"Reader could not save the page ({type(exc).__name__})."))
            return
        status = 201 if captured.status == "added" else 200
        self._send_json(status, {"id": captured.article_id, "title": captured.title, "status": captured.status})

    def _path(self) -> str:
        return self.path.split("?", 1)[0].split("#", 1)[0]

    def _precheck(self) -> Refusal | None:
        """Everything that can be judged from the request line and headers, in order."""
        refusal = checks.check_host(self.headers.get("Host"), self.server.port) or checks.check_origin(
            self.headers.get_all("Origin") or []
        )
        if refusal is not None:
            return refusal
        path = self._path()
        method = ROUTES.get(path)
        if method is None:
            return Refusal(404, f"There is nothing at {path[:80]}; the capture API is under {API}/.")
        if self.command == "OPTIONS":
            return None
        if self.command != method:
            return Refusal(405, f"{path} takes {method}, not {self.command[:10]}.")
        if method == "GET":
            return None
        refusal = checks.check_token(self.headers.get("Authorization"), self.server.token)
        if refusal is not None:
            return refusal
        length = checks.body_length(self.headers)
        if isinstance(length, Refusal):
            return length
        expected = "application/json" if path == f"{API}/pages" else "multipart/form-data"
        return checks.check_content_type(self.headers.get("Content-Type"), expected)

    # -- answers ------------------------------------------------------------------------
    def _send_refusal(self, refusal: Refusal) -> None:
        log.info("refused %s %s: %d %s", self.command, self._path()[:80], refusal.status, refusal.message)
        keep_open = self._drain_body()
        self._send_json(refusal.status, {"error": refusal.message}, close=not keep_open)
        if not keep_open:
            self._linger()

    def _send_json(self, status: int, payload: dict[str, Any] | None, *, close: bool = False) -> None:
        data = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        if payload is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if status == 405:
            self.send_header("Allow", ROUTES.get(self._path(), "GET"))
        origin = self.headers.get("Origin")
        # Only an extension hears CORS headers; a web page gets none (and a 403 before this).
        if checks.is_extension_origin(origin):
            self.send_header("Access-Control-Allow-Origin", origin.strip())  # type: ignore[union-attr]
            self.send_header("Vary", "Origin")
            if self.command == "OPTIONS":
                self.send_header("Access-Control-Allow-Methods", "GET, POST")
                self.send_header("Access-Control-Allow-Headers", "Authorization, Content-Type")
                self.send_header("Access-Control-Max-Age", "600")
                if self.headers.get("Access-Control-Request-Private-Network", "").lower() == "true":
                    # Chrome's Private Network Access asks before a page-like context reaches loopback.
                    self.send_header("Access-Control-Allow-Private-Network", "true")
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if data and self.command != "HEAD":
            self.wfile.write(data)
        self.wfile.flush()

    def _drain_body(self) -> bool:
        """Read and drop a small unread body so the connection stays usable; False to close it."""
        if self._body_read:
            return True
        if "Transfer-Encoding" in self.headers:
            return False
        if "Content-Length" not in self.headers:
            return True  # no body: nothing to drain
        length = checks.body_length(self.headers)
        if isinstance(length, Refusal) or length > DRAIN_LIMIT or self.headers.get("Expect", "").lower() == "100-continue":
            return False
        try:
            self._body_read = len(self.rfile.read(length)) == length
        except OSError:
            return False
        return self._body_read

    def _linger(self) -> None:
        """Half-close, then read what the client still sends for a moment before closing.

        Closing a socket with unread data makes the kernel send a reset, which can destroy the
        answer before the client reads it; a client that sent headers for 60 MB must still
        see its 413.
        """
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + LINGER_SECONDS
            self.connection.settimeout(0.25)
            while time.monotonic() < deadline:
                try:
                    if not self.connection.recv(65536):
                        break
                except TimeoutError:
                    continue

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        log.debug("%s - %s", self.address_string(), format % args)


class ServerThread:
    """A :class:`CaptureServer` answering on a thread of its own until ``stop()``."""

    def __init__(self, server: CaptureServer):
        self.server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="reader-capture-http", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.server.close_connections()
        self._thread.join(timeout=5)
