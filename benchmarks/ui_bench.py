"""Window benchmarks (offscreen): start to first paint, open a big article, highlight.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/ui_bench.py [--articles 10000]

Targets: first paint with 10,000 articles <= 1.0 s; opening a 1 MB article with 1,000
highlights <= 300 ms; highlighting a selection until it is repainted <= 50 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

T0 = time.perf_counter()  # the child measures from here: before Qt is even imported

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

WORDS = (
    "the of and reader archive highlight article passage quiet margin column paragraph note tag search "
    "river mountain letter evening window lamp garden harbour signal winter summer market history"
).split()


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def build_library(home: Path, articles: int) -> tuple[int, list[tuple[int, int]]]:
    """A library of small articles plus one of 1 MB with 1,000 highlights; returns its id."""
    from reader.core.document import Block, Document
    from reader.core.importers import ImportedArticle
    from reader.core.library import Library

    rng = random.Random(7)
    with Library(home, search=False, auto_index=False) as lib:
        with lib.batch():  # one commit for the lot: generation is not measured
            for i in range(articles):
                doc = Document.from_paragraphs([sentence(rng, 25) for _ in range(6)])
                lib.add_imported(
                    ImportedArticle(title=f"{sentence(rng, 5)[:-1]} {i}", document=doc, format="text",
                                    site=rng.choice(["example.org", "news.example", None]))
                )
            blocks = []
            size = 0
            while size < 1_000_000:
                kind = rng.choice(["paragraph"] * 6 + ["heading", "quote", "list_item"])
                text = sentence(rng, 8 if kind == "heading" else 60)
                blocks.append(Block(kind, text, level=2 if kind == "heading" else (1 if kind != "paragraph" else 0),
                                    marker="•" if kind == "list_item" else None))
                size += len(text) + 1
            big = Document(tuple(blocks))
            big_id = lib.add_imported(ImportedArticle(title="One megabyte", document=big, format="text")).article_id
            text = big.text
            step = len(text) // 1000
            for k in range(1000):
                start = k * step + rng.randint(0, step // 2)
                lib.add_highlight(big_id, start, start + rng.randint(10, 120), color=rng.choice(["yellow", "green", "blue"]))
        free = [(text.index(" ", k * step + step - 300) + 1, 0) for k in range(20)]
        ranges = [(s, text.index(" ", s + 40)) for s, _ in free]
    return big_id, ranges


def child_first_paint(home: str) -> None:
    """Runs in a fresh process: time from process start to the window's first paint."""
    os.environ["READER_HOME"] = home
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from reader.core.library import Library
    from reader.ui import app as ui_app

    app = ui_app.ensure_application(["bench"])
    t_app = time.perf_counter()
    painted: list[float] = []

    class PaintSpy(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and not painted:
                painted.append(time.perf_counter())
            return False

    library = Library(auto_index=False, search=False)
    settings = ui_app.open_settings()
    settings.setValue(ui_app.FIRST_RUN_KEY, True)
    window = ui_app.create_window(library, settings)
    spy = PaintSpy()
    window.library_panel.view.viewport().installEventFilter(spy)
    window.resize(1280, 820)
    window.show()
    deadline = time.perf_counter() + 10
    while not painted and time.perf_counter() < deadline:
        app.processEvents()
    rows = window.library_panel.model.rowCount()
    while not window.ready:  # and then the last article, filled in after the first paint
        app.processEvents()
    t_article = time.perf_counter()
    print(f"{painted[0] - T0:.3f} {painted[0] - t_app:.3f} {rows} {t_article - T0:.3f}")
    window.close()
    library.close()
    QApplication.quit()


def measure_in_window(home: Path, big_id: int, ranges: list[tuple[int, int]]) -> tuple[list[float], list[float]]:
    os.environ["READER_HOME"] = str(home)
    from reader.core.library import Library
    from reader.ui import app as ui_app

    app = ui_app.ensure_application(["bench"])
    library = Library(home, auto_index=False, search=False)
    settings = ui_app.open_settings()
    settings.setValue(ui_app.FIRST_RUN_KEY, True)
    settings.remove("last_article")
    window = ui_app.create_window(library, settings)
    window.resize(1280, 820)
    window.show()
    while not window.ready:
        app.processEvents()
    other = window.library_panel.model.rows[-1].id
    opens = []
    for _ in range(5):
        window.open_article(other)
        app.processEvents()
        started = time.perf_counter()
        window.open_article(big_id)
        window.view.viewport().repaint()
        opens.append(time.perf_counter() - started)
    app.processEvents()
    highlights = []
    for start, end in ranges:
        window.view.scroll_to_offset(start)
        window.view.select_offsets(start, end)
        app.processEvents()
        started = time.perf_counter()
        window.highlight_selection("pink")
        window.view.viewport().repaint()
        highlights.append(time.perf_counter() - started)
    window.close()
    library.close()
    return opens, highlights


def verdict(value: float, target: float) -> str:
    return "ok" if value <= target else "SLOW"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--child-first-paint", metavar="HOME", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_first_paint:
        child_first_paint(args.child_first_paint)
        return 0
    with tempfile.TemporaryDirectory(prefix="reader-ui-bench-") as tmp:
        home = Path(tmp)
        started = time.perf_counter()
        big_id, ranges = build_library(home, args.articles)
        print(f"library: {args.articles} articles + one of 1 MB with 1,000 highlights "
              f"(built in {time.perf_counter() - started:.1f} s)")
        runs = []
        for _ in range(3):
            out = subprocess.run(
                [sys.executable, __file__, "--child-first-paint", str(home)],
                capture_output=True, text=True, check=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            ).stdout.split()
            runs.append((float(out[0]), float(out[1]), int(out[2]), float(out[3])))
        best = min(runs)
        print(f"start to first paint ({best[2]} articles listed): {best[0]:.3f} s from process start, "
              f"{best[1]:.3f} s after QApplication (best of 3)  target <= 1.0 s  {verdict(best[0], 1.0)}")
        print(f"  ...and the last article (1 MB, 1,000 highlights) shown at {best[3]:.3f} s")
        opens, highlights = measure_in_window(home, big_id, ranges)
        open_ms = statistics.median(opens) * 1000
        hl_ms = statistics.median(highlights) * 1000
        print(f"open a 1 MB article with 1,000 highlights: median {open_ms:.0f} ms (max {max(opens) * 1000:.0f})"
              f"  target <= 300 ms  {verdict(open_ms, 300)}")
        print(f"highlight a selection until repainted: median {hl_ms:.1f} ms (max {max(highlights) * 1000:.1f})"
              f"  target <= 50 ms  {verdict(hl_ms, 50)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
