"""Errors in the window: a ReaderError from any widget is a message; an unexpected one is logged and told."""

from __future__ import annotations

import logging
import sys

import pytest
from PySide6.QtWidgets import QMessageBox

from reader.core.errors import StorageError
from reader.ui.errors import FAILED, attempt, install_excepthook
from reader.ui.main_window import MainWindow


def test_attempt_shows_a_reader_error_and_returns_failed(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, title, text, *a: shown.append((title, text)))

    def full() -> None:
        raise StorageError("The library could not be written: the disk is full.")

    assert attempt(window.sidebar, "Could not save", full) is FAILED
    assert shown == [("Could not save", "The library could not be written: the disk is full.")]
    assert attempt(window.sidebar, "", full, status=True) is FAILED
    assert window.status.text() == "The library could not be written: the disk is full."
    assert attempt(window, "", lambda: 3) == 3


def test_an_unexpected_error_is_logged_and_told(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, title, text, *a: shown.append((title, text)))
    restore = install_excepthook(window)
    try:
        try:
            raise ZeroDivisionError("division by zero")
        except ZeroDivisionError as exc:
            with caplog.at_level(logging.ERROR, logger="reader.ui"):
                sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        restore()
    assert shown and shown[0][0] == "Something went wrong"
    assert "ZeroDivisionError: division by zero" in shown[0][1] and "keeps running" in shown[0][1]
    assert any(r.exc_info and r.exc_info[0] is ZeroDivisionError for r in caplog.records)
    assert window.isVisible()
