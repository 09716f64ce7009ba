"""Who may knock: the checks every request passes before its body is read.

Each check returns ``None`` (let it through) or a :class:`Refusal` with the HTTP status and one
sentence. They defend a server that only this user's programs should reach:

- ``Host`` must name the loopback address and our port, so a web page that rebinds its own
  domain to 127.0.0.1 (DNS rebinding) is refused;
- an ``Origin``, when sent, must be a browser extension's; web pages (and ``null``, sent by
  sandboxed frames and ``file:`` pages) are refused, and scripts send none;
- writes need the token; their size is judged from ``Content-Length`` before anything is read;
- ``/api/v1/pages`` takes JSON only: ``text/plain`` and form posts are what a web page can send
  without the browser asking first (a "simple" cross-origin request).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from reader.core.capture import token as tokens
from reader.core.importers import MAX_IMPORT_BYTES, megabytes

MAX_BODY_BYTES = MAX_IMPORT_BYTES  # 50 MiB, as a file given to `reader add`
EXTENSION_SCHEMES = ("chrome-extension://", "moz-extension://", "safari-web-extension://")
LOOPBACK_NAMES = ("127.0.0.1", "localhost")


@dataclass(frozen=True)
class Refusal:
    status: int
    message: str


def check_host(host: str | None, port: int) -> Refusal | None:
    allowed = {f"{name}:{port}" for name in LOOPBACK_NAMES}
    if host is not None and host.strip().lower() in allowed:
        return None
    allowed_text = f"only 127.0.0.1:{port} or localhost:{port} may be used"
    if host is None:
        return Refusal(403, f"The request has no Host header; {allowed_text}.")
    return Refusal(403, f"The Host header '{host[:80]}' is refused; {allowed_text}.")


def check_origin(origins: list[str]) -> Refusal | None:
    """No Origin at all is a script and fine; any Origin must be a browser extension's."""
    for origin in origins:
        if not origin.strip().lower().startswith(EXTENSION_SCHEMES):
            return Refusal(403, f"The origin '{origin[:80]}' is refused; only browser extensions and local scripts may capture.")
    return None


def is_extension_origin(origin: str | None) -> bool:
    return bool(origin) and origin.strip().lower().startswith(EXTENSION_SCHEMES)  # type: ignore[union-attr]


def check_token(authorization: str | None, token: str) -> Refusal | None:
    if not authorization:
        return Refusal(401, "The request has no capture token; send 'Authorization: Bearer <token>' (see reader capture-token).")
    scheme, _, given = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not tokens.matches(given.strip(), token):
        return Refusal(401, "The capture token is wrong; 'reader capture-token' prints the right one.")
    return None


def body_length(headers: Mapping[str, str]) -> int | Refusal:
    """The announced body size, or a refusal when it is missing, malformed or too large."""
    if "chunked" in headers.get("Transfer-Encoding", "").lower():
        return Refusal(411, "Send the body with a Content-Length, not in chunks.")
    raw = headers.get("Content-Length")
    if raw is None:
        return Refusal(411, "The request has no Content-Length.")
    try:
        length = int(raw.strip())
    except ValueError:
        return Refusal(400, f"The Content-Length '{raw[:40]}' is not a number.")
    if length < 0:
        return Refusal(400, f"The Content-Length '{raw[:40]}' is negative.")
    if length > MAX_BODY_BYTES:
        return Refusal(413, f"The body is too large ({megabytes(length)}; the limit is {megabytes(MAX_BODY_BYTES)}).")
    return length


def media_type(content_type: str | None) -> str:
    """'application/json; charset=utf-8' -> 'application/json'."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def check_content_type(content_type: str | None, expected: str) -> Refusal | None:
    if media_type(content_type) == expected:
        return None
    got = media_type(content_type) or "no Content-Type"
    return Refusal(415, f"This address takes {expected}, not {got}.")
