"""Errors in the window, in one place.

Every call from a widget into ``Library`` goes through :func:`attempt`: a ``ReaderError``
(bad input, a full disk, an article deleted meanwhile) becomes one message in the window
and the app keeps running. Anything else that escapes a slot reaches the hook that
:func:`install_excepthook` sets: it is logged with its traceback and the user is told.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

from PySide6.QtWidgets import QMessageBox, QWidget

from reader.core.errors import ReaderError

log = logging.getLogger("reader.ui")
T = TypeVar("T")


class _Failed:
    """What :func:`attempt` returns when the call raised a ``ReaderError`` (already shown)."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "FAILED"


FAILED: Any = _Failed()


def show_error(widget: QWidget | None, title: str, message: str, *, status: bool = False) -> None:
    """Show ``message`` in the window holding ``widget`` (its status bar when ``status``)."""
    window = widget.window() if widget is not None else None
    if status and hasattr(window, "show_status"):
        window.show_status(message)  # type: ignore[union-attr]
    elif hasattr(window, "show_error"):
        window.show_error(title, message)  # type: ignore[union-attr]
    else:
        QMessageBox.warning(window, title, message)


def attempt(widget: QWidget | None, title: str, fn: Callable[..., T], *args: Any, status: bool = False,
            quiet: bool = False, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)``; on a ``ReaderError`` show it (unless ``quiet``) and return FAILED."""
    try:
        return fn(*args, **kwargs)
    except ReaderError as exc:
        if not quiet:
            show_error(widget, title, str(exc), status=status)
        return FAILED  # type: ignore[no-any-return]


def install_excepthook(window: QWidget) -> Callable[[], None]:
    """Log unexpected exceptions and tell the user in ``window``; returns the undo of this."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, exc, tb)
            return
        log.error("unexpected error in the window", exc_info=(kind, exc, tb))
        try:
            show_error(window, "Something went wrong",
                       f"{kind.__name__}: {exc}\n\nReader keeps running. The details are in the log.")
        except Exception:  # the window itself is broken: fall back to the default report
            previous(kind, exc, tb)

    sys.excepthook = hook

    def restore() -> None:
        if sys.excepthook is hook:
            sys.excepthook = previous

    return restore
