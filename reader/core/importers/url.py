"""Fetch an article from the web (http and https only, at every redirect).

Redirects are followed by hand so that each hop's scheme is checked: a page that
redirects to ``file:``, ``ftp:`` or ``data:`` is refused. The body is streamed and the
fetch stops as soon as it passes the size limit. The content type picks the importer; a PDF
(``application/pdf``, or bytes that start ``%PDF-``) is imported as a PDF, with its file kept;
anything else that is not an article (an image, an archive) is refused before its body is read.
"""

from __future__ import annotations

import codecs
import time
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import httpx

from reader.core.errors import ImportFailed
from reader.core.importers import MAX_IMPORT_BYTES, ImportedArticle, describe, import_bytes

USER_AGENT = "Reader/0.1 (desktop article reader; +https://example.invalid/reader)"
REDIRECT_CODES = {301, 302, 303, 307, 308}

_FORMATS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "application/epub+zip": "epub",
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
}
_SUFFIX_FORMATS = {".pdf": "pdf", ".epub": "epub", ".md": "markdown", ".markdown": "markdown", ".txt": "text",
                   ".html": "html", ".htm": "html"}
_DNS_HINTS = ("name or service not known", "nodename nor servname", "getaddrinfo failed",
              "temporary failure in name resolution", "no address associated", "name resolution")


def _check_web_address(url: str, shown: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError:
        raise ImportFailed(f"{shown} is not a valid web address.") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ImportFailed(f"{shown} is not a web address: only http and https addresses can be imported.")
    if not parts.hostname:
        raise ImportFailed(f"{shown} is not a valid web address: it names no host.")


def _mb(limit: int) -> str:
    return f"{limit / 2**20:.0f} MB"


def _format_for(content_type: str, url: str, shown: str) -> str | None:
    """The importer for a response; None means 'look at the bytes'."""
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime in _FORMATS:
        return _FORMATS[mime]
    suffix = "." + urlsplit(url).path.rsplit(".", 1)[-1].lower() if "." in urlsplit(url).path else ""
    if not mime or mime in ("application/octet-stream", "binary/octet-stream"):
        return _SUFFIX_FORMATS.get(suffix)
    if mime.startswith("text/"):  # text/x-rst, text/csv...: readable as plain text
        return "text"
    raise ImportFailed(f"{shown} is not an article ({mime}).")


def _charset(content_type: str) -> str | None:
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            try:
                return codecs.lookup(value.strip().strip("\"'")).name
            except LookupError:
                return None
    return None


def _other_scheme(shown: str, target: str) -> ImportFailed:
    # Only the scheme is named: the rest of a hostile target (data:<script>...) is not echoed.
    scheme = urlsplit(target).scheme.lower() or "unknown"
    return ImportFailed(f"{shown} redirects to a {scheme}: address, which Reader does not follow.")


def _connect_error(exc: Exception, shown: str, host: str) -> ImportFailed:
    text = str(exc).lower()
    if any(hint in text for hint in _DNS_HINTS):
        return ImportFailed(f"{shown} cannot be reached: the host name '{host}' is not known.")
    if "refused" in text:
        return ImportFailed(f"{shown} cannot be reached: the server refused the connection.")
    return ImportFailed(f"{shown} cannot be reached: {str(exc) or type(exc).__name__}.")


def fetch_url(
    url: str,
    *,
    timeout: float = 15.0,
    max_bytes: int = MAX_IMPORT_BYTES,
    max_redirects: int = 5,
    progress: Callable[[int, int | None], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportedArticle:
    """Download ``url`` and import it; every failure is one :class:`ImportFailed` sentence.

    ``progress(received, total)`` is called as the body arrives (``total`` is None when the
    server does not say); ``cancelled()`` is asked between chunks and stops the download.
    """
    url = url.strip()
    shown = describe(url)
    _check_web_address(url, shown)
    deadline = time.monotonic() + timeout * 4  # per-operation timeouts, plus a bound on the whole
    current = url

    def refuse_other_schemes(response: httpx.Response) -> None:
        # httpx prepares the next request of a redirect even when it will not follow it,
        # and chokes on some targets (data:...); so the target is judged here, first.
        location = response.headers.get("location")
        if response.status_code in REDIRECT_CODES and location:
            target = urljoin(str(response.request.url), location.strip())
            if urlsplit(target).scheme.lower() not in ("http", "https"):
                response.close()
                raise _other_scheme(shown, target)

    try:
        with httpx.Client(
            follow_redirects=False,
            event_hooks={"response": [refuse_other_schemes]},
            timeout=timeout,
            headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,text/plain,text/markdown,application/epub+zip;q=0.9,application/pdf;q=0.8,*/*;q=0.1"},
        ) as client:
            for _hop in range(max_redirects + 1):
                host = urlsplit(current).hostname or current
                try:
                    with client.stream("GET", current) as response:
                        if response.status_code in REDIRECT_CODES and response.headers.get("location"):
                            target = urljoin(str(response.url), response.headers["location"].strip())
                            if urlsplit(target).scheme.lower() not in ("http", "https"):
                                raise _other_scheme(shown, target)
                            current = target
                            continue
                        if response.status_code >= 400:
                            reason = response.reason_phrase or "an error"
                            raise ImportFailed(f"{shown} answered {response.status_code} {reason}.")
                        content_type = response.headers.get("content-type", "")
                        fmt = _format_for(content_type, current, shown)
                        declared = response.headers.get("content-length", "")
                        if declared.isdigit() and int(declared) > max_bytes:
                            raise ImportFailed(f"{shown} is larger than {_mb(max_bytes)}.")
                        chunks: list[bytes] = []
                        received = 0
                        total = int(declared) if declared.isdigit() else None
                        for chunk in response.iter_bytes():
                            if cancelled is not None and cancelled():
                                raise ImportFailed(f"Fetching {shown} was cancelled.")
                            received += len(chunk)
                            if progress is not None:
                                progress(received, total)
                            if received > max_bytes:
                                raise ImportFailed(f"{shown} is larger than {_mb(max_bytes)}.")
                            if time.monotonic() > deadline:
                                raise ImportFailed(f"{shown} did not finish answering within {timeout * 4:g} seconds.")
                            chunks.append(chunk)
                        final_url = str(response.url)
                except httpx.TimeoutException:
                    raise ImportFailed(f"{shown} did not answer within {timeout:g} seconds.") from None
                except httpx.ConnectError as exc:
                    raise _connect_error(exc, shown, host) from None
                break
            else:
                raise ImportFailed(f"{shown} redirects more than {max_redirects} times.")
    except ImportFailed:
        raise
    except httpx.InvalidURL:
        raise ImportFailed(f"{shown} is not a valid web address.") from None
    except httpx.UnsupportedProtocol:
        raise ImportFailed(f"{shown} is not a web address: only http and https addresses can be imported.") from None
    except httpx.TooManyRedirects:
        raise ImportFailed(f"{shown} redirects more than {max_redirects} times.") from None
    except httpx.HTTPError as exc:
        raise ImportFailed(f"{shown} could not be fetched: {str(exc) or type(exc).__name__}.") from None

    data = b"".join(chunks)
    if fmt == "text" and data.lstrip()[:5] == b"%PDF-":
        fmt = "pdf"  # a PDF served as text/plain (no server sniffs for us); None sniffs by itself
    charset = _charset(content_type)
    if charset and fmt in ("html", "text", "markdown") and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # The server said which encoding; believe it when the bytes agree.
        try:
            data = data.decode(charset).encode("utf-8")
        except (UnicodeDecodeError, LookupError):
            pass
    if not data.strip():
        raise ImportFailed(f"{shown} answered with an empty page.")
    # Messages name the address the user gave; links resolve against where we ended up.
    return import_bytes(data, url, url=final_url, fmt=fmt)
