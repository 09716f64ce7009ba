"""How quickly capture answers: ``reader serve`` started for real, pages posted, inbox files dropped.

Prints the start time (until "listening on"), the median time to save a news-sized page
through POST /api/v1/pages (new and again) beside ``Library.add`` of the same
page as a file, a refusal's time, the time from a file landing
in the inbox to it resting in imported/ (the contract: within 5 s), and the SIGTERM stop.

    .venv/bin/python benchmarks/capture_bench.py [--pages N] [--kb KB]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.core.capture.pages import article_html  # noqa: E402
from tests.core.capture.serve_process import ServeProcess, free_port, post_json, request  # noqa: E402


def heavy_page(kb: int) -> str:
    """A news page as a browser holds it: the article amid ~``kb`` KB of menus, scripts and teasers."""
    furniture = "".join(
        f'<div class="teaser"><a href="/story/{i}">Teaser headline number {i}</a><span>2 min</span></div>'
        f"<script>track({i}, 'impression')</script>"
        for i in range(kb * 1024 // 110)
    )
    page = article_html()
    return page.replace("<footer>", f"<aside>{furniture}</aside><footer>")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--kb", type=int, default=300, help="size of the page around the article")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        start = time.monotonic()
        serve = ServeProcess(home, free_port()).wait_ready()
        print(f"start until listening: {time.monotonic() - start:.2f} s")
        try:
            html = heavy_page(args.kb)
            new, again = [], []
            for i in range(args.pages):
                url = f"https://bench.example/{i}"
                t = time.monotonic()
                assert post_json(serve.port, serve.token, {"url": url, "html": html, "tags": ["bench"]}).status == 201
                new.append(time.monotonic() - t)
                t = time.monotonic()
                assert post_json(serve.port, serve.token, {"url": url, "html": html}).status == 200
                again.append(time.monotonic() - t)
            print(f"save a page ({len(html.encode()) // 1024} KB), median of {args.pages}: "
                  f"new {statistics.median(new) * 1000:.0f} ms, same url again {statistics.median(again) * 1000:.0f} ms")
            # The reference, in the same run: the same page as a file through Library.add (`reader add`).
            from reader.core.library import Library

            page_file = home / "page.html"
            page_file.write_text(html, encoding="utf-8")
            with Library(home / "reference") as library:
                times = []
                for _ in range(5):
                    t = time.monotonic()
                    library.add(page_file)
                    times.append(time.monotonic() - t)
                    library.delete(library.list_articles()[0].id)
            print(f"reference, Library.add of the same page as a file: median {statistics.median(times) * 1000:.0f} ms")
            t = time.monotonic()
            assert post_json(serve.port, "wrong", {"url": "https://bench.example/x", "html": html}).status == 401
            assert request(serve.port, "GET", "/api/v1/ping").status == 200
            print(f"a refusal and a ping: {(time.monotonic() - t) * 1000:.0f} ms")
            waits = []
            for i in range(5):
                staging = home / f"staging-{i}.html"
                staging.write_text(article_html(f"Inbox page {i}"), encoding="utf-8")
                t = time.monotonic()
                staging.rename(home / "inbox" / f"page-{i}.html")
                while not (home / "inbox" / "imported" / f"page-{i}.html").exists():
                    time.sleep(0.02)
                waits.append(time.monotonic() - t)
            print(f"inbox file to imported/: median {statistics.median(waits):.2f} s, worst {max(waits):.2f} s (limit 5 s)")
        finally:
            t = time.monotonic()
            code = serve.stop()
            print(f"SIGTERM to exit: {time.monotonic() - t:.2f} s (exit status {code})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
