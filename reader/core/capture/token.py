"""The capture token: the secret a browser extension or script sends as ``Authorization: Bearer``.

256 random bits from :mod:`secrets`, made on first use and kept in ``<data folder>/capture-token``
with mode 0600, so only the user (and the programs they run) can read it. The file appears
whole or not at all: it is written under a temporary name and linked into place, which also
lets two processes starting at once agree on one token.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import secrets
import stat
from pathlib import Path

from reader.core.capture import config
from reader.core.errors import DataDirError

TOKEN_BYTES = 32  # 256 bits; the contract asks for at least 128
_MIN_CHARS = 22  # what 128 bits take in URL-safe base64: a shorter file is not ours


def _valid(token: str) -> bool:
    return len(token) >= _MIN_CHARS and all(c.isalnum() or c in "-_" for c in token)


def _read(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        return ""
    return text


def _tighten(path: Path) -> None:
    """Keep the file private even if someone widened its mode."""
    try:
        if stat.S_IMODE(path.stat().st_mode) != 0o600:
            os.chmod(path, 0o600)
    except OSError:
        pass


def load_or_create(home: Path | None = None) -> str:
    """The token of this data folder, made now if there is none (or the file is damaged)."""
    path = config.token_path(home)
    token = _read(path)
    if token is not None and _valid(token):
        _tighten(path)
        return token
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return _create(path, replace=token is not None)
    except OSError as exc:
        raise DataDirError(f"The capture token file '{path}' cannot be written: {exc.strerror or exc}.") from None


def _create(path: Path, *, replace: bool) -> str:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        if hasattr(os, "fchmod"):  # the umask only ever narrows 0600; say it exactly anyway
            os.fchmod(fd, 0o600)
        os.write(fd, (token + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        if replace:
            os.replace(partial, path)  # a damaged file: ours to overwrite
            return token
        try:
            os.link(partial, path)  # fails if another process made the token meanwhile
        except FileExistsError:
            other = _read(path)
            if other and _valid(other):
                return other
            os.replace(partial, path)
        return token
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)


def matches(given: str, token: str) -> bool:
    """Compare in constant time, so response timing says nothing about the token."""
    return hmac.compare_digest(given.encode("utf-8", "replace"), token.encode("ascii"))
