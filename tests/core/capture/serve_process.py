"""``reader serve`` as a real subprocess, and plain HTTP clients to talk to it (http.client, raw sockets)."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from reader.core.library import Library

READY_SECONDS = 60  # the first start on a busy machine imports a lot


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServeProcess:
    """``python -m reader serve`` on ``home``; its stderr is collected line by line."""

    def __init__(self, home: Path, port: int | None = None, *, env: dict[str, str] | None = None,
                 args: list[str] | None = None):
        self.home = home
        self.port = port
        full_env = {**os.environ, "READER_HOME": str(home), **(env or {})}
        full_env.pop("READER_DEBUG", None)
        command = [sys.executable, "-m", "reader", "serve"]
        if args is not None:
            command += args
        elif port is not None:
            command += ["--port", str(port)]
        self.proc = subprocess.Popen(command, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))

    @property
    def stderr(self) -> str:
        return "\n".join(self.lines)

    def wait_ready(self) -> ServeProcess:
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            for line in self.lines:
                if line.startswith("listening on http://127.0.0.1:"):
                    self.port = int(line.rsplit(":", 1)[1])
                    return self
            if self.proc.poll() is not None:
                self._reader.join(5)
                raise AssertionError(f"reader serve exited with {self.proc.returncode}: {self.stderr}")
            time.sleep(0.05)
        raise AssertionError(f"reader serve did not say it was listening: {self.stderr}")

    def wait_exit(self, timeout: float) -> int:
        code = self.proc.wait(timeout)
        self._reader.join(5)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        if self.proc.stderr is not None:
            self.proc.stderr.close()
        return code

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.wait_exit(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.wait_exit(10)
            raise

    @property
    def token(self) -> str:
        return (self.home / "capture-token").read_text().strip()

    def count(self) -> int:
        with Library(self.home, search=False) as library:
            return library.count()


class Answer:
    def __init__(self, status: int, headers: dict[str, str], body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self) -> str:
        return f"Answer({self.status}, {self.body[:200]!r})"


def request(port: int, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None,
            *, host: str | None = None) -> Answer:
    """One request on a new connection; ``host`` replaces the Host header http.client would send."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest(method, path, skip_host=host is not None, skip_accept_encoding=True)
        if host is not None:
            conn.putheader("Host", host)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        data = response.read()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
    finally:
        conn.close()


def post_json(port: int, token: str | None, payload: Any, path: str = "/api/v1/pages",
              headers: dict[str, str] | None = None, **kwargs: Any) -> Answer:
    all_headers = {"Content-Type": "application/json"}
    if token is not None:
        all_headers["Authorization"] = f"Bearer {token}"
    all_headers.update(headers or {})
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode("utf-8")
    return request(port, "POST", path, body, all_headers, **kwargs)


def multipart(fields: dict[str, tuple[str | None, bytes, str | None]], boundary: str = "----ReaderTestBoundary7MA4YWxk") -> tuple[str, bytes]:
    """A multipart/form-data body as a browser's FormData sends it: name -> (filename, bytes, type)."""
    parts = []
    for name, (filename, data, ctype) in fields.items():
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        head = f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
        if ctype:
            head += f"Content-Type: {ctype}\r\n"
        parts.append(head.encode() + b"\r\n" + data + b"\r\n")
    return f"multipart/form-data; boundary={boundary}", b"".join(parts) + f"--{boundary}--\r\n".encode()


def _complete(data: bytes) -> bool:
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep:
        return False
    lengths = [int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")]
    return bool(lengths) and len(rest) >= lengths[0]


def raw_exchange(port: int, head: bytes, body_part: bytes = b"", timeout: float = 10) -> tuple[int, bytes, float]:
    """Send raw bytes and read one answer; returns (status, the answer, seconds until it was whole)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        start = time.monotonic()
        sock.sendall(head + body_part)
        data = b""
        while not _complete(data):
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            data += chunk
        took = time.monotonic() - start
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return status, data, took
