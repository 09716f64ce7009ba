"""Where capture listens and which folder it watches.

The port comes from ``--port``, else ``READER_CAPTURE_PORT``, else :data:`DEFAULT_PORT`. The inbox
folder is ``<data folder>/inbox`` unless the user chose another one (the window's settings),
which is kept in ``<data folder>/capture.json`` so ``reader serve`` sees the same choice.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from reader.core import paths
from reader.core.errors import InvalidInput

# Below Linux's ephemeral range (32768+), so an outgoing connection never happens to hold it,
# and apart from ports other readers' tools use (AnkiConnect 8765, Zotero 23119).
DEFAULT_PORT = 27183
PORT_ENV = "READER_CAPTURE_PORT"
SETTINGS_FILE = "capture.json"
TOKEN_FILE = "capture-token"


def parse_port(value: str | int, where: str = "the port") -> int:
    """A TCP port from user input (0 means "any free port"), or one sentence saying what is wrong."""
    try:
        port = int(str(value).strip())
    except ValueError:
        raise InvalidInput(f"{where} '{value}' is not a number.") from None
    if not 0 <= port <= 65535:
        raise InvalidInput(f"{where} '{value}' is not a port number (0 to 65535).")
    return port


def resolve_port(given: int | None = None, env: dict[str, str] | None = None) -> int:
    if given is not None:
        return parse_port(given)
    value = (os.environ if env is None else env).get(PORT_ENV, "").strip()
    if value:
        return parse_port(value, PORT_ENV)
    return DEFAULT_PORT


def token_path(home: Path | None = None) -> Path:
    return (home or paths.data_dir()) / TOKEN_FILE


def default_inbox(home: Path | None = None) -> Path:
    return (home or paths.data_dir()) / "inbox"


def _settings_path(home: Path | None) -> Path:
    return (home or paths.data_dir()) / SETTINGS_FILE


def _read_settings(home: Path | None) -> dict[str, object]:
    try:
        data = json.loads(_settings_path(home).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # missing or damaged: the defaults serve, and the next save rewrites it
    return data if isinstance(data, dict) else {}


def inbox_folder(home: Path | None = None) -> Path:
    """The folder the inbox watcher takes files from."""
    chosen = _read_settings(home).get("inbox")
    if isinstance(chosen, str) and chosen.strip():
        return Path(chosen).expanduser()
    return default_inbox(home)


def set_inbox_folder(folder: Path | str | None, home: Path | None = None) -> Path:
    """Remember another inbox folder (``None`` goes back to the default); returns the folder now used."""
    settings = _read_settings(home)
    if folder is None or not str(folder).strip():
        settings.pop("inbox", None)
    else:
        settings["inbox"] = str(Path(folder).expanduser().resolve())
    target = _settings_path(home)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    # Written whole, then renamed: a crash never leaves half a settings file.
    partial.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, target)
    return inbox_folder(home)
