"""How fast ``Library.batch()`` writes many highlights into one big article (what a
Kindle import onto a book or a JSON restore does), and single notes beside it.

The change-counter triggers must not read the article's row for every highlight (its
text spans hundreds of overflow pages): 2,000 highlights on a 1 MB article should take a
fraction of a second.

    .venv/bin/python benchmarks/batch_bench.py [--count N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    from reader.core.document import Document
    from reader.core.importers import ImportedArticle
    from reader.core.library import Library

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    args = parser.parse_args(argv)
    words = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu " * 20).split()
    paras = [" ".join(words[i % 7:i % 7 + 150]) + f" p{i}." for i in range(1200)]  # about 1 MB
    with tempfile.TemporaryDirectory(prefix="reader-bench-") as tmp, Library(Path(tmp), search=False) as lib:
        imported = ImportedArticle(title="Big", document=Document.from_paragraphs(paras), format="text")
        aid = lib.add_imported(imported).article_id
        text = lib.get(aid).text
        start = time.perf_counter()
        with lib.batch() as batch:
            for i in range(args.count):
                s = (i * 431) % (len(text) - 100)
                batch.add_highlight(aid, start=s, end=s + 40, exact=text[s:s + 40], note=f"note {i}", tags=["t"])
        elapsed = time.perf_counter() - start
        print(f"{args.count} highlights on a {len(text) / 1e6:.1f} M-character article in one batch:"
              f" {elapsed:.2f} s ({args.count / elapsed:.0f}/s)")
        start = time.perf_counter()
        for i in range(100):
            lib.add_note(aid, f"note {i}")
        print(f"100 notes, one transaction each: {time.perf_counter() - start:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
