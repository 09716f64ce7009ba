"""Every path Reader uses, in one place. ``READER_HOME`` overrides the data directory."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "Reader"
APP_AUTHOR = "reader-desktop"


def data_dir() -> Path:
    """Where the database, the index and the settings live (not created here)."""
    override = os.environ.get("READER_HOME")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, APP_AUTHOR, roaming=False)


def database_path(home: Path | None = None) -> Path:
    return (home or data_dir()) / "library.sqlite3"


def index_dir(home: Path | None = None) -> Path:
    return (home or data_dir()) / "index"


def backups_dir(home: Path | None = None) -> Path:
    return (home or data_dir()) / "backups"


def settings_path(home: Path | None = None) -> Path:
    return (home or data_dir()) / "settings.ini"


def lock_path(home: Path | None = None) -> Path:
    return (home or data_dir()) / "reader.lock"
