"""What stamping a change costs (issue 14): ``Library.add_highlight``, ``add_note`` and ``tag``
on the 300-page PDF's article (megabytes of text and document) beside a small article.

    .venv/bin/python benchmarks/change_stamp_bench.py [--pages 300] [--count 50]

A highlight, note or tag stamps its article for search; the stamp must cost the same
whatever the article's size. The small article is the reference measured in the same run
(the machine is shared).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))


def timed(action, count: int) -> str:
    times = []
    for n in range(count):
        t = time.perf_counter()
        action(n)
        times.append((time.perf_counter() - t) * 1000)
    return f"median {statistics.median(times):.2f} ms, max {max(times):.2f} ms"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--count", type=int, default=50)
    args = parser.parse_args()
    from pdf_bench import make_pdf

    with tempfile.TemporaryDirectory(prefix="reader-stamp-bench-") as tmp:
        home = Path(tmp) / "home"
        os.environ["READER_HOME"] = str(home)
        big = Path(tmp) / f"paper-{args.pages}.pdf"
        make_pdf(big, args.pages)
        small = Path(tmp) / "small.txt"
        small.write_text("A small article.\n\n" + "Some words to highlight here. " * 40, encoding="utf-8")

        from reader.core.library import Library

        library = Library(home, auto_index=False)
        big_id = library.add(big).article_id
        small_id = library.add(small).article_id
        for label, aid in (("300-page PDF", big_id), ("small article", small_id)):
            text = library.get(aid).text
            words = [i for i in range(1, len(text) - 20) if text[i - 1] == " " and text[i] != " "][:args.count]
            print(f"{label} ({len(text):,} characters), {args.count} each:")
            print("  add_highlight " + timed(lambda n, a=aid, w=words: library.add_highlight(a, w[n], w[n] + 4),
                                             args.count))
            print("  add_note      " + timed(lambda n, a=aid: library.add_note(a, f"note {n}"), args.count))
            print("  tag           " + timed(lambda n, a=aid: library.tag(a, f"tag{n}"), args.count))
        library.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
