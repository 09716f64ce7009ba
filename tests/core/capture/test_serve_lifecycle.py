"""``reader serve``'s life: where it listens, a taken port, SIGTERM and SIGINT, and the token."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from reader.core.capture import config
from reader.core.capture import token as tokens
from reader.core.library import Library
from tests.core.capture.pages import article_html
from tests.core.capture.serve_process import ServeProcess, free_port, post_json, request

REPO = Path(__file__).resolve().parents[3]


def test_serve_listens_where_told_makes_the_inbox_and_adds_nothing(tmp_path: Path) -> None:
    port = free_port()
    serve = ServeProcess(tmp_path, port).wait_ready()
    try:
        assert f"listening on http://127.0.0.1:{port}" in serve.lines
        for folder in ("inbox", "inbox/imported", "inbox/failed"):
            assert (tmp_path / folder).is_dir()
        assert serve.count() == 0  # no sample article, unlike the window's first start
        assert stat.S_IMODE((tmp_path / "capture-token").stat().st_mode) == 0o600
    finally:
        assert serve.stop() == 0


def test_the_port_comes_from_the_environment_when_not_given(tmp_path: Path) -> None:
    port = free_port()
    serve = ServeProcess(tmp_path, env={config.PORT_ENV: str(port)}, args=[]).wait_ready()
    try:
        assert serve.port == port
    finally:
        serve.stop()


def test_without_port_or_environment_the_default_is_the_one_the_readme_names() -> None:
    assert config.resolve_port(None, env={}) == config.DEFAULT_PORT
    assert config.resolve_port(None, env={config.PORT_ENV: "8123"}) == 8123
    assert config.resolve_port(9000, env={config.PORT_ENV: "8123"}) == 9000
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"{config.DEFAULT_PORT}" in readme.split("## Saving from the browser", 1)[1]


def _run_cli(home: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reader", *args], capture_output=True, text=True, timeout=60,
        env={**os.environ, "READER_HOME": str(home), **(env or {})},
    )


def test_a_port_in_use_is_one_sentence_and_exit_1(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _run_cli(tmp_path, "serve", "--port", str(port))
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("reader: ") and "in use" in line]
    assert len(lines) == 1 and f"Port {port} on 127.0.0.1 is already in use" in lines[0], result.stderr
    assert "Traceback" not in result.stderr and "listening" not in result.stderr


def test_a_second_serve_on_the_same_port_is_refused_and_the_first_keeps_answering(tmp_path: Path) -> None:
    first = ServeProcess(tmp_path / "one", free_port()).wait_ready()
    try:
        result = _run_cli(tmp_path / "two", "serve", "--port", str(first.port))
        assert result.returncode == 1 and "already in use" in result.stderr and "Traceback" not in result.stderr
        assert request(first.port, "GET", "/api/v1/ping").status == 200
    finally:
        first.stop()


@pytest.mark.parametrize("value", ["http", "70000", "-1"])
def test_a_bad_port_is_one_sentence(tmp_path: Path, value: str) -> None:
    result = _run_cli(tmp_path, "serve", "--port", value)
    assert result.returncode == 2 and "Traceback" not in result.stderr and value in result.stderr
    result = _run_cli(tmp_path, "serve", env={config.PORT_ENV: value})
    assert result.returncode == 1 and "READER_CAPTURE_PORT" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_serve_within_seconds_with_the_library_whole(tmp_path: Path, sig: int) -> None:
    serve = ServeProcess(tmp_path, free_port()).wait_ready()
    answer = post_json(serve.port, serve.token, {"url": "https://rail.example/before-stop", "html": article_html()})
    assert answer.status == 201
    (tmp_path / "inbox" / "late.txt").write_text("A note dropped just before the stop.\n", encoding="utf-8")
    code = serve.stop(sig, timeout=5)
    assert code == 0, serve.stderr
    assert "stopped." in serve.stderr and "Traceback" not in serve.stderr
    with socket.socket() as probe:  # nobody listens any more
        assert probe.connect_ex(("127.0.0.1", serve.port)) != 0
    with Library(tmp_path, search=False) as library:
        assert library.integrity_check() == "ok"
        assert [a.title for a in library.list_articles()][-1] == "Night trains return to the Alps"
    leftovers = [p.name for p in tmp_path.rglob("*") if p.name.endswith((".part", "-journal"))]
    assert leftovers == []


def test_sigterm_during_a_capture_saves_all_of_it_or_none_of_it(tmp_path: Path) -> None:
    serve = ServeProcess(tmp_path, free_port()).wait_ready()
    paragraphs = "".join(f"<p>Paragraph {i} of a very long page about trains.</p>" for i in range(4000))
    html = f"<html><head><title>A long page</title></head><body><article>{paragraphs}</article></body></html>"
    answers: list[object] = []

    def send() -> None:
        try:
            answers.append(post_json(serve.port, serve.token, {"url": "https://rail.example/long", "html": html}))
        except OSError as exc:  # the server may go before it answers; that is allowed
            answers.append(exc)

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    time.sleep(0.4)  # the page is being read or stored now
    assert serve.stop(signal.SIGTERM, timeout=10) == 0, serve.stderr
    sender.join(10)
    with Library(tmp_path, search=False) as library:
        assert library.integrity_check() == "ok"
        articles = library.list_articles()
        if articles:  # saved whole, never a part of it
            assert len(articles) == 1
            text = library.get(articles[0].id).text
            assert "Paragraph 0 of" in text and "Paragraph 3999 of" in text


def test_capture_token_prints_the_token_and_keeps_it_private(tmp_path: Path) -> None:
    first = _run_cli(tmp_path, "capture-token")
    assert first.returncode == 0, first.stderr
    token = first.stdout.strip()
    assert len(token) >= 43  # 256 bits in URL-safe base64; the contract asks for at least 128
    assert _run_cli(tmp_path, "capture-token").stdout.strip() == token
    path = tmp_path / "capture-token"
    assert path.read_text().strip() == token
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert _run_cli(tmp_path / "other", "capture-token").stdout.strip() != token


def test_the_token_file_is_made_private_even_under_a_loose_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        token = tokens.load_or_create(tmp_path)
    finally:
        os.umask(old)
    path = config.token_path(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    os.chmod(path, 0o644)  # someone widened it: the next use narrows it again
    assert tokens.load_or_create(tmp_path) == token
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_damaged_token_file_is_replaced_with_a_new_token(tmp_path: Path) -> None:
    path = config.token_path(tmp_path)
    path.write_text("short\n")
    token = tokens.load_or_create(tmp_path)
    assert token != "short" and len(token) >= 43
    assert path.read_text().strip() == token
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
