"""How fast a batch import is: 1,000 plain-text articles of ~5 KB through ``Library.add_many``.

The foundation's target is under 10 s for 1,000 articles without the search index.
With ``reader.core.search`` present, the same import is timed again with the index on.

    .venv/bin/python benchmarks/import_bench.py [--count N] [--size BYTES]
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 10.0
WORDS = (
    "the administration policy change missiles range territory forces border officials "
    "decision region army offensive soldiers units equipment logistics ammunition allies "
    "approval leaders consent message conflict course war targets value response fight"
).split()


def write_articles(folder: Path, count: int, size: int, seed: int = 1) -> list[Path]:
    rng = random.Random(seed)
    files = []
    for i in range(count):
        paragraphs, length = [], 0
        while length < size:
            sentence_count = rng.randint(3, 7)
            paragraph = " ".join(
                " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 16))).capitalize() + "."
                for _ in range(sentence_count)
            )
            paragraphs.append(paragraph)
            length += len(paragraph) + 1
        path = folder / f"article-{i:05d}.txt"
        path.write_text(f"Benchmark article {i} uniqueword{i}\n" + "\n".join(paragraphs) + "\n", encoding="utf-8")
        files.append(path)
    return files


def time_import(home: Path, files: list[Path], search: bool) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process): the gap is mostly waiting on fsync."""
    from reader.core.library import Library

    cpu = time.process_time()
    start = time.perf_counter()
    with Library(home, search=search) as lib:
        results = lib.add_many(files)
        failed = [r for r in results if isinstance(r, Exception)]
        if failed:
            raise SystemExit(f"{len(failed)} imports failed, first: {failed[0]}")
        if search:
            lib.index_catch_up()
    return time.perf_counter() - start, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--size", type=int, default=5000, help="bytes of text per article")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="reader-bench-") as tmp:
        root = Path(tmp)
        (root / "src").mkdir()
        files = write_articles(root / "src", args.count, args.size)
        total_kb = sum(f.stat().st_size for f in files) / 1024
        print(f"{args.count} plain-text articles, {total_kb / args.count:.1f} KB each")

        elapsed, cpu = time_import(root / "plain", files, search=False)
        verdict = "ok" if args.count != 1000 or elapsed < TARGET_SECONDS else f"SLOWER than {TARGET_SECONDS:.0f} s"
        print(f"add_many, no index:   {elapsed:6.2f} s  {args.count / elapsed:7.0f} articles/s  cpu {cpu:5.2f} s  ({verdict})")

        if importlib.util.find_spec("reader.core.search") is not None:
            elapsed, cpu = time_import(root / "indexed", files, search=True)
            print(f"add_many, with index: {elapsed:6.2f} s  {args.count / elapsed:7.0f} articles/s  cpu {cpu:5.2f} s")
        else:
            print("add_many, with index: skipped (reader.core.search is not there yet)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
