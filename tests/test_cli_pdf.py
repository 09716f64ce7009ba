"""`reader` on PDFs, as issue 14 words the contract: add, show --json, highlight, search,
export (w3c, markdown, json -> import-library), delete, and the refusals."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from reader.cli import main

PDF = Path(__file__).resolve().parents[1].parent / "shared" / "pdf"
PAPER = PDF / "text" / "pdfjs-tracemonkey-pldi09.pdf"
TITLE = "Trace-based Just-in-Time Type Specialization for Dynamic Languages"
QUOTE = "alternative compilation technique for dynamically-typed languages"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def show(capsys: pytest.CaptureFixture[str], article_id: int) -> dict:  # type: ignore[type-arg]
    code, out, err = run(capsys, "show", str(article_id), "--json")
    assert (code, err) == (0, "")
    return json.loads(out)


def test_add_show_highlight_search_export(capsys: pytest.CaptureFixture[str], reader_home: Path) -> None:
    assert run(capsys, "add", str(PAPER)) == (0, f"added 1 {TITLE}\n", "")
    kept = list((reader_home / "pdf").glob("*.pdf"))
    assert [p.read_bytes() == PAPER.read_bytes() for p in kept] == [True]

    data = show(capsys, 1)
    assert data["format"] == "pdf"
    assert len(data["pages"]) == 14
    assert data["pages"][0] == {"number": 1, "start": 0, "end": data["pages"][0]["end"], "width": 612.0, "height": 792.0}
    for page in data["pages"]:
        assert 0 <= page["start"] <= page["end"] <= len(data["text"])

    code, out, err = run(capsys, "highlight", "1", "--quote", QUOTE, "--note", "the idea")
    assert code == 0, err
    h = show(capsys, 1)["highlights"][0]
    assert data["text"][h["start"]:h["end"]] == QUOTE
    assert h["page"] == 1
    # pdftotext -bbox, page 1: "al-" at x 283.6 y 381.9 ending the line, "ternative ... languages"
    # on the next line (y 391.8 .. 399.8), from x 54.0 to 293.1
    assert [r["page"] for r in h["rects"]] == [1, 1]
    first, second = h["rects"]
    assert abs(first["x0"] - 283.6) < 1.5 and abs(first["y0"] - 381.9) < 2
    assert abs(second["x0"] - 54.0) < 1.5 and abs(second["x1"] - 293.1) < 1.5 and abs(second["y1"] - 399.8) < 2
    for r in h["rects"]:
        assert r["x0"] < r["x1"] and r["y0"] < r["y1"]

    code, out, err = run(capsys, "search", '"compilation technique"', "--json")
    assert code == 0
    hits = json.loads(out)
    assert hits and hits[0]["id"] == 1
    hit = hits[0]  # its offsets point into the PDF's text, as for articles
    assert "compilation technique" in data["text"][hit["start"]:hit["end"]].lower()

    code, out, err = run(capsys, "export", "1", "--format", "w3c")
    selectors = json.loads(out)["first"]["items"][0]["target"]["selector"]
    assert {"type": "FragmentSelector", "conformsTo": "http://tools.ietf.org/rfc/rfc3778", "value": "page=1"} in selectors
    assert any(s["type"] == "TextQuoteSelector" and s["exact"] == QUOTE for s in selectors)
    code, out, err = run(capsys, "export", "1")
    assert "Page 1" in out and QUOTE in out


def test_json_export_brings_the_file_back(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    run(capsys, "add", str(PAPER))
    run(capsys, "highlight", "1", "--quote", QUOTE)
    before = show(capsys, 1)
    export = tmp_path / "library.json"
    assert run(capsys, "export", "--all", "--format", "json", "-o", str(export))[0] == 0
    other = tmp_path / "other-home"
    other.mkdir()
    monkeypatch.setenv("READER_HOME", str(other))
    assert run(capsys, "import-library", str(export))[0] == 0
    assert [p.read_bytes() == PAPER.read_bytes() for p in (other / "pdf").glob("*.pdf")] == [True]
    after = show(capsys, 1)
    assert after["pages"] == before["pages"]
    assert after["highlights"][0]["rects"] == before["highlights"][0]["rects"]


def test_delete_removes_the_kept_file(capsys: pytest.CaptureFixture[str], reader_home: Path) -> None:
    run(capsys, "add", str(PAPER))
    assert list((reader_home / "pdf").glob("*.pdf"))
    assert run(capsys, "delete", "1")[0] == 0
    assert not list((reader_home / "pdf").glob("*.pdf"))


REFUSED = {
    "no-text/huckleberry-finn-p22-scan.pdf": "has no text layer (its pages are scanned images), so its words cannot be read",
    "no-text/epson-scan-wikipedia-page.pdf": "has no text layer",
    "locked/libreoffice-writer-password.pdf": "is encrypted with a password",
    "locked/pdfplumber-password-example.pdf": "is encrypted with a password",
    "damaged/header-and-eof-only.pdf": "is a damaged or truncated PDF document",
    "damaged/poppler-742-0-fuzzed.pdf": "is a damaged or truncated PDF document",
    "damaged/tracemonkey-truncated-half.pdf": "is a damaged or truncated PDF document",
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refusals_in_a_real_process(name: str, reader_home: Path) -> None:
    path = PDF / name
    env = {**os.environ, "READER_HOME": str(reader_home)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run([sys.executable, "-m", "reader", "add", str(path)], capture_output=True, text=True,
                          env=env, timeout=30)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.startswith(f"reader: '{path}' {REFUSED[name]}")
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    peak_kb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    assert peak_kb < 600 * 1024
    proc = subprocess.run([sys.executable, "-m", "reader", "list"], capture_output=True, text=True, env=env, timeout=30)
    assert proc.stdout == ""  # nothing added
    assert not list((reader_home / "pdf").glob("*")) if (reader_home / "pdf").exists() else True


@pytest.mark.parametrize("name", sorted(p.name for p in (PDF / "text").glob("*.pdf")))
def test_every_text_file_adds(capsys: pytest.CaptureFixture[str], name: str) -> None:
    code, out, err = run(capsys, "add", str(PDF / "text" / name))
    assert (code, err) == (0, "")
    assert out.startswith("added 1 ") and len(out.strip()) > len("added 1 ")
    data = show(capsys, 1)
    assert data["format"] == "pdf" and data["pages"] and data["text"].strip()


class PdfHandler(BaseHTTPRequestHandler):
    """Serves the paper as a web server might: as application/pdf, as bytes of no declared type
    under a name without a suffix, and as text/plain."""

    types = {"/paper.pdf": "application/pdf", "/download?id=7": "application/octet-stream",
             "/as-text": "text/plain; charset=utf-8"}

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        body = PAPER.read_bytes()
        self.send_response(200 if self.path in self.types else 404)
        self.send_header("Content-Type", self.types.get(self.path, "text/plain"))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def pdf_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), PdfHandler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@pytest.mark.parametrize("route", ["/paper.pdf", "/download?id=7", "/as-text"])
def test_add_url_of_a_pdf(capsys: pytest.CaptureFixture[str], reader_home: Path, pdf_server: str, route: str) -> None:
    url = pdf_server + route
    assert run(capsys, "add", url) == (0, f"added 1 {TITLE}\n", "")
    assert [p.read_bytes() == PAPER.read_bytes() for p in (reader_home / "pdf").glob("*.pdf")] == [True]
    data = show(capsys, 1)
    assert (data["format"], len(data["pages"]), data["url"]) == ("pdf", 14, url)
    assert QUOTE in data["text"]
    code, _, err = run(capsys, "highlight", "1", "--quote", QUOTE)
    assert code == 0, err
    assert show(capsys, 1)["highlights"][0]["page"] == 1
