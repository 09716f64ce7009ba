"""Request bodies -> the page to save: JSON for scripts and extensions, a multipart form for SingleFile.

Both give a :class:`PageRequest`; anything malformed raises :class:`BadRequest` with one sentence
(HTTP 400). The multipart form is read by the standard library's MIME parser (``email``), which
keeps the file's bytes exactly as sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from urllib.parse import urlsplit

from reader.core.errors import InvalidInput
from reader.core.importers import is_url
from reader.core.library import normalize_tag

MAX_URL_CHARS = 8192


class BadRequest(ValueError):
    """The body cannot be read as a page to save (HTTP 400)."""


@dataclass(frozen=True)
class PageRequest:
    url: str
    html: bytes
    title: str | None = None
    tags: tuple[str, ...] = field(default=())


def check_url(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadRequest("The request has no 'url'; send the address of the page.")
    url = value.strip()
    if len(url) > MAX_URL_CHARS:
        raise BadRequest(f"The 'url' is longer than {MAX_URL_CHARS} characters.")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise BadRequest(f"The url '{url[:80]}' has spaces or control characters in it.")
    try:
        host = urlsplit(url).hostname
    except ValueError:  # a broken [IPv6] address
        host = None
    if not is_url(url) or not host:
        raise BadRequest(f"The url '{url[:80]}' is not an http(s) address.")
    return url


def page_from_json(body: bytes) -> PageRequest:
    """``{"url": ..., "html": ..., "title": optional, "tags": optional list}``."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object with 'url' and 'html'.")
    url = check_url(data.get("url"))
    html = data.get("html")
    if not isinstance(html, str) or not html.strip():
        raise BadRequest("The request has no 'html'; send the page's HTML as a string.")
    title = data.get("title")
    if title is not None and not isinstance(title, str):
        raise BadRequest("The 'title' must be a string.")
    tags = data.get("tags", [])
    if tags is None:
        tags = []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise BadRequest("The 'tags' must be a list of strings.")
    try:
        tag_names = tuple(normalize_tag(t) for t in tags)
    except InvalidInput as exc:
        raise BadRequest(str(exc)) from None
    # surrogatepass: a lone surrogate escaped in the JSON must not stop the page at encoding.
    return PageRequest(url, html.encode("utf-8", "surrogatepass"), (title or "").strip() or None, tag_names)


def _parse_multipart(content_type: str, body: bytes) -> EmailMessage:
    head = b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\n\r\n"
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    if not message.is_multipart() or not message.get_boundary():
        raise BadRequest("The body is not a multipart form with a boundary.")
    return message  # type: ignore[return-value]


def page_from_form(content_type: str, body: bytes) -> PageRequest:
    """SingleFile's "REST Form API" upload: fields ``url`` (the address) and ``file`` (the saved page)."""
    fields: dict[str, bytes] = {}
    for part in _parse_multipart(content_type, body).iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str) and name not in fields:
            payload = part.get_payload(decode=True)
            fields[name] = payload if isinstance(payload, bytes) else b""
    raw_url = fields.get("url")
    try:
        url_text = raw_url.decode("utf-8").strip() if raw_url is not None else None
    except UnicodeDecodeError:
        raise BadRequest("The 'url' field is not UTF-8 text.") from None
    url = check_url(url_text)
    html = fields.get("file")
    if html is None or not html.strip():
        raise BadRequest("The form has no 'file' field with the saved page.")
    return PageRequest(url, html)
