"""Reader's own files (icons, themes, the first-start sample, the .desktop entry), found the
same way from a checkout and from an installed wheel.

They live in the top-level ``resources/`` folder of the repository. The wheel carries that
folder as the package data of ``reader.resources`` (``setup.py`` maps it), read here through
:mod:`importlib.resources`; a checkout (``make run``, the tests, an editable install) has no
such package and reads the folder itself. Nothing else in Reader knows where they are.
"""

from __future__ import annotations

import atexit
import importlib.resources
from contextlib import ExitStack
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path

PACKAGE = "reader.resources"
SAMPLE_ARTICLE = ("samples", "atacms-news.txt")

_extracted = ExitStack()
atexit.register(_extracted.close)


@cache
def root() -> Traversable:
    """The folder of resources: the installed package data, else the checkout's ``resources/``."""
    try:
        return importlib.resources.files(PACKAGE)
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[2] / "resources"


def read_text(*parts: str) -> str:
    """The text of a resource (``read_text("themes", "dark.qss")``); OSError when missing."""
    return _find(parts).read_text(encoding="utf-8")


@cache
def path(*parts: str) -> Path:
    """A file-system path to a resource, for APIs that want one (Qt icons, ``Library.add``).

    From a zipped install the file is extracted once, for the life of the process.
    """
    return _extracted.enter_context(importlib.resources.as_file(_find(parts)))


def sample_article_path() -> Path:
    """The article a new user finds in the window on first start."""
    return path(*SAMPLE_ARTICLE)


def _find(parts: tuple[str, ...]) -> Traversable:
    node = root()
    for part in parts:
        node = node / part
    return node
