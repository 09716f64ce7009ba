"""Request bodies from anyone: whatever the bytes, a page to save or one 400 sentence."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.capture.forms import BadRequest, PageRequest, page_from_form, page_from_json
from tests.core.capture.serve_process import multipart

BOUNDARY_TYPE = "multipart/form-data; boundary=XyZ"


def _one_sentence_or_page(parse, *args) -> None:  # type: ignore[no-untyped-def]
    try:
        result = parse(*args)
    except BadRequest as exc:
        message = str(exc)
        assert message.endswith(".") and "\n" not in message
        return
    assert isinstance(result, PageRequest) and result.url.startswith(("http://", "https://")) and result.html.strip()


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_as_json(body: bytes) -> None:
    _one_sentence_or_page(page_from_json, body)


@settings(max_examples=300, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                        st.sampled_from(["url", "html", "title", "tags", "x"]), inner, max_size=5),
                    max_leaves=12))
def test_any_json_value(value: object) -> None:
    _one_sentence_or_page(page_from_json, json.dumps(value).encode())


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600), st.sampled_from([BOUNDARY_TYPE, "multipart/form-data", "multipart/mixed; boundary=a",
                                                  "multipart/form-data; boundary=\"a b\"", "text/html"]))
def test_any_bytes_as_a_form(body: bytes, ctype: str) -> None:
    _one_sentence_or_page(page_from_form, ctype, b"--XyZ\r\n" + body + b"\r\n--XyZ--\r\n")


def test_the_file_keeps_its_bytes_and_the_url_its_text() -> None:
    html = "<p>Crème brûlée\r\n\x00 and a lone \xff byte</p>".encode("latin-1")
    ctype, body = multipart({"url": (None, "https://café.example/ü?q=1".encode(), None),
                             "file": ("SingleFile.html", html, "text/html")})
    page = page_from_form(ctype, body)
    assert page.html == html and page.url == "https://café.example/ü?q=1"


@pytest.mark.parametrize("tags", [["", "ok"], ["x" * 101]])
def test_a_tag_the_library_would_refuse_is_400(tags: list[str]) -> None:
    with pytest.raises(BadRequest, match="tag"):
        page_from_json(json.dumps({"url": "https://a.example/", "html": "<p>x</p>", "tags": tags}).encode())
