"""``reader serve`` as a subprocess on a free port: every case of the capture contract (issue 15).

One server for the module; each test sends its own urls, and every refusal is checked to
answer with its status and one sentence, add nothing, and leave the server answering.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reader.core.library import Library
from tests.core.capture.pages import article_html
from tests.core.capture.serve_process import (
    Answer,
    ServeProcess,
    free_port,
    multipart,
    post_json,
    raw_exchange,
    request,
)

MIB = 1024 * 1024


@pytest.fixture(scope="module")
def serve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    home = tmp_path_factory.mktemp("serve-home")
    process = ServeProcess(home, free_port()).wait_ready()
    yield process
    process.stop()


def assert_refused(serve: ServeProcess, answer: Answer, status: int, before: int) -> str:
    """The status, a JSON body with one sentence, nothing added, and the server still answers."""
    assert answer.status == status, answer
    assert answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    assert set(body) == {"error"}
    message = body["error"]
    assert message.endswith(".") and message.count(". ") == 0 and "\n" not in message, message
    assert not any(h.startswith("access-control-") for h in answer.headers), answer.headers
    assert serve.count() == before
    assert request(serve.port, "GET", "/api/v1/ping").status == 200
    return message


def page(url: str, **extra: object) -> dict[str, object]:
    return {"url": url, "html": article_html(), **extra}


# -- what is allowed ----------------------------------------------------------------------------
def test_ping_needs_no_token_and_tells_nothing_of_the_library(serve: ServeProcess) -> None:
    answer = request(serve.port, "GET", "/api/v1/ping")
    assert answer.status == 200
    body = answer.json()
    assert body["app"] == "reader"
    assert set(body) <= {"app", "version", "api"}


def test_a_page_is_saved_as_reader_add_saves_the_same_html_file(serve: ServeProcess, tmp_path: Path) -> None:
    url = "https://rail.example/news/night-trains"
    answer = post_json(serve.port, serve.token, page(url, tags=["Trains", "travel"]))
    assert answer.status == 201, answer
    body = answer.json()
    assert body["title"] == "Night trains return to the Alps"
    with Library(serve.home, search=False) as library:
        article = library.get(body["id"])
        captured = (article.title, article.url, article.site, article.text, sorted(article.tags))
    # The same page through `reader add page.html`, in a library of its own.
    file = tmp_path / "night-trains.html"
    file.write_text(article_html(), encoding="utf-8")
    with Library(tmp_path / "other", search=False) as other:
        added = other.get(other.add(file).article_id)
    assert captured[0] == added.title
    assert captured[1] == url
    assert captured[2] == added.site == "Rail Weekly"
    assert captured[3] == added.text
    assert "alert" not in captured[3] and "cookie" not in captured[3]
    assert captured[4] == ["Trains", "travel"]


def test_a_given_title_replaces_the_pages_own(serve: ServeProcess) -> None:
    answer = post_json(serve.port, serve.token, page("https://rail.example/titled", title="My own title"))
    assert answer.status == 201
    assert answer.json()["title"] == "My own title"
    with Library(serve.home, search=False) as library:
        assert library.get(answer.json()["id"]).title == "My own title"


def test_the_same_url_again_updates_that_article(serve: ServeProcess) -> None:
    url = "https://rail.example/updated"
    first = post_json(serve.port, serve.token, page(url))
    assert first.status == 201
    count = serve.count()
    again = post_json(serve.port, serve.token, {"url": url, "html": article_html(marker="couchette"), "tags": ["later"]})
    assert again.status == 200, again
    assert again.json()["id"] == first.json()["id"]
    assert serve.count() == count
    with Library(serve.home, search=False) as library:
        article = library.get(first.json()["id"])
        assert "couchette" in article.text and "sleeper" not in article.text
        assert "later" in article.tags


def test_singlefile_upload_saves_the_page_and_updates_it_the_second_time(serve: ServeProcess) -> None:
    url = "https://rail.example/singlefile"
    # As SingleFile's REST Form API sends it: FormData with the file and the url, a Bearer token.
    response = httpx.post(
        f"http://127.0.0.1:{serve.port}/api/v1/singlefile",
        headers={"Authorization": f"Bearer {serve.token}", "Accept": "multipart/form-data"},
        files={"file": ("SingleFile.html", article_html().encode("utf-8"), "text/html")},
        data={"url": url},
    )
    assert response.status_code == 201, response.text
    first = response.json()
    assert first["title"] == "Night trains return to the Alps"
    ctype, body = multipart({"url": (None, url.encode(), None),
                             "file": ("SingleFile.html", article_html(marker="couchette").encode(), "text/html")})
    again = request(serve.port, "POST", "/api/v1/singlefile", body,
                    {"Authorization": f"Bearer {serve.token}", "Content-Type": ctype})
    assert again.status == 200, again
    assert again.json()["id"] == first["id"]
    with Library(serve.home, search=False) as library:
        article = library.get(first["id"])
        assert article.url == url and "couchette" in article.text


@pytest.mark.parametrize("origin", ["chrome-extension://abcdefghijklmnop", "moz-extension://0b1c-77",
                                    "safari-web-extension://ABC-123"])
def test_a_browser_extension_may_capture_and_hears_cors_for_itself(serve: ServeProcess, origin: str) -> None:
    url = f"https://rail.example/ext/{origin.split(':')[0]}"
    answer = post_json(serve.port, serve.token, page(url), headers={"Origin": origin})
    assert answer.status == 201, answer
    assert answer.headers["access-control-allow-origin"] == origin
    preflight = request(serve.port, "OPTIONS", "/api/v1/pages", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert preflight.status == 204
    assert preflight.headers["access-control-allow-origin"] == origin
    assert "Authorization" in preflight.headers["access-control-allow-headers"]
    private = request(serve.port, "OPTIONS", "/api/v1/singlefile", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Private-Network": "true"})
    assert private.status == 204 and private.headers["access-control-allow-private-network"] == "true"


def test_localhost_by_name_is_the_same_server(serve: ServeProcess) -> None:
    assert request(serve.port, "GET", "/api/v1/ping", host=f"localhost:{serve.port}").status == 200
    answer = post_json(serve.port, serve.token, page("https://rail.example/localhost"), host=f"localhost:{serve.port}")
    assert answer.status == 201


# -- refusals -----------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/api/v1/pages", "/api/v1/singlefile"])
@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token-0000000000000000000", "Basic dXNlcjpwYXNz", "Bearer"])
def test_no_or_wrong_token_is_401(serve: ServeProcess, path: str, authorization: str | None) -> None:
    before = serve.count()
    headers = {"Content-Type": "application/json"}
    if path.endswith("singlefile"):
        ctype, body = multipart({"url": (None, b"https://rail.example/no-token", None),
                                 "file": ("SingleFile.html", article_html().encode(), "text/html")})
        headers["Content-Type"] = ctype
    else:
        body = json.dumps(page("https://rail.example/no-token")).encode()
    if authorization is not None:
        headers["Authorization"] = authorization
    answer = request(serve.port, "POST", path, body, headers)
    message = assert_refused(serve, answer, 401, before)
    assert "token" in message


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1:1", "localhost",
                                  "127.0.0.1.nip.io:{port}", "[::1]:{port}"])
def test_a_foreign_host_header_is_403(serve: ServeProcess, host: str) -> None:
    """DNS rebinding: a page on evil.example resolved to 127.0.0.1 sends its own name as Host."""
    before = serve.count()
    host = host.format(port=serve.port)
    answer = post_json(serve.port, serve.token, page("https://rail.example/rebinding"), host=host)
    assert "Host" in assert_refused(serve, answer, 403, before)
    assert request(serve.port, "GET", "/api/v1/ping", host=host).status == 403


def test_a_missing_host_header_is_403(serve: ServeProcess) -> None:
    status, data, _ = raw_exchange(serve.port, b"GET /api/v1/ping HTTP/1.0\r\n\r\n")
    assert status == 403, data
    assert json.loads(data.partition(b"\r\n\r\n")[2])["error"].startswith("The request has no Host header")


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://127.0.0.1:8000", "file://",
                                    "chrome-extension-evil.example"])
def test_a_web_origin_is_403_without_cors_headers(serve: ServeProcess, origin: str) -> None:
    before = serve.count()
    answer = post_json(serve.port, serve.token, page("https://rail.example/web-origin"), headers={"Origin": origin})
    assert "origin" in assert_refused(serve, answer, 403, before)
    preflight = request(serve.port, "OPTIONS", "/api/v1/pages", headers={
        "Origin": origin, "Access-Control-Request-Private-Network": "true"})
    assert preflight.status == 403
    assert not any(h.startswith("access-control-") for h in preflight.headers)
    assert request(serve.port, "GET", "/api/v1/ping", headers={"Origin": origin}).status == 403


@pytest.mark.parametrize("ctype", ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
                                   "multipart/form-data; boundary=x", None])
def test_pages_takes_json_only_415(serve: ServeProcess, ctype: str | None) -> None:
    before = serve.count()
    headers = {"Authorization": f"Bearer {serve.token}"}
    if ctype is not None:
        headers["Content-Type"] = ctype
    body = json.dumps(page("https://rail.example/plain")).encode()
    answer = request(serve.port, "POST", "/api/v1/pages", body, headers)
    assert "application/json" in assert_refused(serve, answer, 415, before)


def test_singlefile_takes_a_multipart_form_only_415(serve: ServeProcess) -> None:
    before = serve.count()
    answer = post_json(serve.port, serve.token, page("https://rail.example/sf-json"), path="/api/v1/singlefile")
    assert_refused(serve, answer, 415, before)


@pytest.mark.parametrize("path", ["/api/v1/pages", "/api/v1/singlefile"])
def test_an_oversize_content_length_is_413_before_the_body_is_read(serve: ServeProcess, path: str) -> None:
    before = serve.count()
    ctype = "application/json" if path.endswith("pages") else "multipart/form-data; boundary=b"
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{serve.port}\r\nAuthorization: Bearer {serve.token}\r\n"
        f"Content-Type: {ctype}\r\nContent-Length: {50 * MIB + 1}\r\n\r\n"
    ).encode()
    # Headers and a first 64 KiB only: an answer that waited for 50 MiB would never come.
    status, data, took = raw_exchange(serve.port, head, b"{" + b" " * 65535)
    assert status == 413, data
    assert took < 5
    body = json.loads(data.partition(b"\r\n\r\n")[2])
    assert "too large" in body["error"] and "50 MB" in body["error"]
    assert serve.count() == before
    assert request(serve.port, "GET", "/api/v1/ping").status == 200


def test_curl_style_expect_continue_is_refused_before_the_body_is_sent(serve: ServeProcess) -> None:
    head = (
        f"POST /api/v1/pages HTTP/1.1\r\nHost: 127.0.0.1:{serve.port}\r\nAuthorization: Bearer {serve.token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {60 * MIB}\r\nExpect: 100-continue\r\n\r\n"
    ).encode()
    status, data, _ = raw_exchange(serve.port, head)
    assert status == 413, data


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe{}", "not valid JSON"),
        (b'["https://rail.example/x", "<p>hi</p>"]', "JSON object"),
        (json.dumps({"html": "<p>hello</p>"}).encode(), "no 'url'"),
        (json.dumps({"url": "https://rail.example/no-html"}).encode(), "no 'html'"),
        (json.dumps({"url": "https://rail.example/blank", "html": "   "}).encode(), "no 'html'"),
        (json.dumps({"url": "ftp://rail.example/x", "html": "<p>hi</p>"}).encode(), "not an http(s) address"),
        (json.dumps({"url": "javascript:alert(1)", "html": "<p>hi</p>"}).encode(), "not an http(s) address"),
        (json.dumps({"url": "file:///etc/passwd", "html": "<p>hi</p>"}).encode(), "not an http(s) address"),
        (json.dumps({"url": "https://", "html": "<p>hi</p>"}).encode(), "not an http(s) address"),
        (json.dumps({"url": "https://[::1/x", "html": "<p>hi</p>"}).encode(), "not an http(s) address"),
        (json.dumps({"url": "https://rail.example/a b", "html": "<p>hi</p>"}).encode(), "spaces or control"),
        (json.dumps({"url": "https://rail.example/t", "html": "<p>hi</p>", "tags": "one"}).encode(), "list of strings"),
        (json.dumps({"url": "https://rail.example/t", "html": "<p>hi</p>", "title": 7}).encode(), "'title'"),
    ],
)
def test_a_malformed_page_is_400(serve: ServeProcess, payload: bytes, words: str) -> None:
    before = serve.count()
    message = assert_refused(serve, post_json(serve.port, serve.token, payload), 400, before)
    assert words in message


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"file": ("SingleFile.html", b"<p>hello there</p>", "text/html")}, "no 'url'"),
        ({"url": (None, b"https://rail.example/sf-nofile", None)}, "no 'file'"),
        ({"url": (None, b"ftp://rail.example/x", None), "file": ("a.html", b"<p>x</p>", "text/html")}, "http(s)"),
    ],
)
def test_a_singlefile_form_without_url_or_file_is_400(serve: ServeProcess, fields: dict, words: str) -> None:
    before = serve.count()
    ctype, body = multipart(fields)
    answer = request(serve.port, "POST", "/api/v1/singlefile", body,
                     {"Authorization": f"Bearer {serve.token}", "Content-Type": ctype})
    assert words in assert_refused(serve, answer, 400, before)


def test_a_body_without_content_length_is_411(serve: ServeProcess) -> None:
    before = serve.count()
    head = (f"POST /api/v1/pages HTTP/1.1\r\nHost: 127.0.0.1:{serve.port}\r\nAuthorization: Bearer {serve.token}\r\n"
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").encode()
    status, data, _ = raw_exchange(serve.port, head, b"5\r\n{}   \r\n0\r\n\r\n")
    assert status == 411, data
    head = (f"POST /api/v1/pages HTTP/1.1\r\nHost: 127.0.0.1:{serve.port}\r\nAuthorization: Bearer {serve.token}\r\n"
            "Content-Type: application/json\r\n\r\n").encode()
    status, data, _ = raw_exchange(serve.port, head)
    assert status == 411, data
    assert serve.count() == before


def test_the_same_new_url_sent_five_times_at_once_is_one_article(serve: ServeProcess) -> None:
    url = "https://rail.example/at-once"
    before = serve.count()
    answers: list[Answer] = []
    threads = [threading.Thread(target=lambda: answers.append(post_json(serve.port, serve.token, page(url))))
               for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(a.status for a in answers) == [200, 200, 200, 200, 201]
    assert len({a.json()["id"] for a in answers}) == 1
    assert serve.count() == before + 1


def test_a_page_without_an_article_is_422(serve: ServeProcess) -> None:
    before = serve.count()
    answer = post_json(serve.port, serve.token, {"url": "https://rail.example/empty", "html": "<html><body></body></html>"})
    assert "no readable text" in assert_refused(serve, answer, 422, before)


def test_unknown_paths_and_methods_are_refused_in_json(serve: ServeProcess) -> None:
    before = serve.count()
    assert_refused(serve, request(serve.port, "GET", "/api/v1/articles"), 404, before)
    assert_refused(serve, request(serve.port, "GET", "/"), 404, before)
    answer = request(serve.port, "GET", "/api/v1/pages")
    assert_refused(serve, answer, 405, before)
    assert answer.headers["allow"] == "POST"
    assert_refused(serve, request(serve.port, "POST", "/api/v1/ping", b"", {}), 405, before)


def test_a_client_that_hangs_up_mid_body_adds_nothing_and_leaves_no_traceback(serve: ServeProcess) -> None:
    import socket

    before = serve.count()
    head = (f"POST /api/v1/pages HTTP/1.1\r\nHost: 127.0.0.1:{serve.port}\r\nAuthorization: Bearer {serve.token}\r\n"
            "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", serve.port)) as sock:
        sock.sendall(head + b'{"url": "https://rail.example/half", "html": "<p>')
    assert request(serve.port, "GET", "/api/v1/ping").status == 200
    assert serve.count() == before
    assert "Traceback" not in serve.stderr


def test_a_malformed_request_line_is_refused_in_json(serve: ServeProcess) -> None:
    import socket

    with socket.create_connection(("127.0.0.1", serve.port), timeout=10) as sock:
        sock.sendall(b"GARBAGE\r\n\r\n")  # no version: http.server answers as HTTP/0.9, a body alone
        data = sock.recv(65536)
    assert json.loads(data)["error"] == "Bad request syntax ('GARBAGE')."
    status, data, _ = raw_exchange(serve.port, f"PATCH /api/v1/pages HTTP/1.1\r\nHost: 127.0.0.1:{serve.port}\r\n\r\n".encode())
    assert status == 501 and b'"error"' in data
    assert request(serve.port, "GET", "/api/v1/ping").status == 200


def test_a_keep_alive_connection_survives_a_refusal(serve: ServeProcess) -> None:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", serve.port, timeout=30)
    try:
        conn.request("POST", "/api/v1/pages", body=b'{"url": 1}', headers={"Content-Type": "application/json"})
        refused = conn.getresponse()
        assert refused.status == 401 and "token" in json.loads(refused.read())["error"]
        conn.request("GET", "/api/v1/ping")
        response = conn.getresponse()
        assert response.status == 200 and json.loads(response.read())["app"] == "reader"
    finally:
        conn.close()
