"""The endpoint in this process, with doors that fail: the library's troubles are 503, not the page's fault."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reader.core.capture.door import DoorClosed
from reader.core.capture.forms import PageRequest
from reader.core.capture.server import CaptureServer, ServerThread
from reader.core.errors import StorageError
from tests.core.capture.pages import article_html
from tests.core.capture.serve_process import post_json, request

TOKEN = "t" * 43


class FailingDoor:
    def __init__(self, error: Exception):
        self.error = error

    def save_page(self, page: PageRequest) -> None:
        raise self.error


@pytest.fixture
def serve_with() -> Iterator:  # type: ignore[type-arg]
    threads: list[ServerThread] = []

    def start(error: Exception) -> int:
        server = CaptureServer(0, FailingDoor(error), TOKEN)  # type: ignore[arg-type]
        thread = ServerThread(server)
        thread.start()
        threads.append(thread)
        return server.port

    yield start
    for thread in threads:
        thread.stop()


@pytest.mark.parametrize("error", [StorageError("The library at 'x' is busy in another program; try again."),
                                   DoorClosed()])
def test_a_busy_or_closing_library_is_503_and_the_server_keeps_answering(serve_with, error: Exception) -> None:  # type: ignore[no-untyped-def]
    port = serve_with(error)
    answer = post_json(port, TOKEN, {"url": "https://rail.example/busy", "html": article_html()})
    assert answer.status == 503
    assert answer.json() == {"error": str(error)}
    assert request(port, "GET", "/api/v1/ping").status == 200


def test_an_unexpected_error_is_500_in_one_sentence(serve_with, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    port = serve_with(RuntimeError("boom"))
    answer = post_json(port, TOKEN, {"url": "https://rail.example/bug", "html": article_html()})
    assert answer.status == 500
    assert answer.json() == {"error": "Reader could not save the page (RuntimeError)."}
    assert request(port, "GET", "/api/v1/ping").status == 200
