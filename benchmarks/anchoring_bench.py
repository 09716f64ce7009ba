"""Re-anchoring benchmark: how often highlights land right, wrong or orphaned, and how fast.

    .venv/bin/python benchmarks/anchoring_bench.py --n 200            # ~100 KB articles
    .venv/bin/python benchmarks/anchoring_bench.py --n 300 --chars 0  # the 5 KB base article

For every kind of edit (tests/core/anchoring_corpus.py) it makes ``--n`` cases, each one
highlight in an article and one edit of it, and re-anchors the highlight in the edited
text. "right" is the true new range (for a changed quote: overlapping it by at least 80%
of the union; for a deleted sentence: the orphan), "wrong" any other range. Each
highlight is timed as the best of ``--repeat`` runs of :func:`reanchor`, so that other
work on the machine does not count.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reader.core.anchoring import reanchor  # noqa: E402
from tests.core.anchoring_corpus import CATEGORIES, SMALL_EDITS, iter_cases, judge  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="cases per kind of edit (default 200)")
    parser.add_argument(
        "--chars", type=int, default=100_000,
        help="length of the generated articles; 0 for the base article alone (default 100000)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per highlight, best kept")
    args = parser.parse_args(argv)

    verdicts: dict[str, Counter[str]] = {category: Counter() for category in CATEGORIES}
    times: dict[str, list[float]] = {category: [] for category in CATEGORIES}
    methods: Counter[str] = Counter()
    lengths: set[int] = set()
    started = time.perf_counter()
    gc.disable()
    try:
        for case in iter_cases(args.n, seed=args.seed, article_chars=args.chars):
            lengths.add(len(case.new_text))
            best = float("inf")
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                anchor = reanchor(case.new_text, case.selector)
                best = min(best, time.perf_counter() - t0)
            times[case.category].append(best * 1000)
            verdicts[case.category][judge(case, None if anchor is None else (anchor.start, anchor.end))] += 1
            methods[anchor.method if anchor else "orphan"] += 1
    finally:
        gc.enable()

    every = sum(verdicts.values(), Counter())
    print(
        f"{every.total()} highlights, articles of {min(lengths):,}-{max(lengths):,} characters, "
        f"seed {args.seed}, {time.perf_counter() - started:.1f} s in all"
    )
    print("for sentence_deleted the orphan is the right answer\n")
    header = f"{'category':<17} | {'n':>4} | {'right':>5} | {'wrong':>5} | {'orphaned':>8} | {'median ms':>9} | {'p95 ms':>7}"
    print(header)
    print("-" * len(header))

    orphans = {c: verdicts[c]["right" if c == "sentence_deleted" else "orphaned"] for c in CATEGORIES}

    def row(name: str, verdict: Counter[str], ms: list[float], orphaned: int) -> str:
        return (
            f"{name:<17} | {verdict.total():>4} | {verdict['right']:>5} | {verdict['wrong']:>5} | "
            f"{orphaned:>8} | {statistics.median(ms):>9.2f} | {percentile(ms, 0.95):>7.2f}"
        )

    for category in CATEGORIES:
        print(row(category, verdicts[category], times[category], orphans[category]))
    print("-" * len(header))
    small = sum((verdicts[c] for c in SMALL_EDITS), Counter())
    small_ms = [t for c in SMALL_EDITS for t in times[c]]
    print(row("small edits", small, small_ms, sum(orphans[c] for c in SMALL_EDITS)))
    every_ms = [t for ms in times.values() for t in ms]
    print(row("total", every, every_ms, sum(orphans.values())))
    print(
        f"\ntotal: {every.total()} highlights, {every['right']} right "
        f"({every['right'] / every.total():.1%}), {every['wrong']} wrong; small edits "
        f"{small['right'] / small.total():.1%} right; {verdicts['sentence_deleted']['wrong']} placed "
        f"where the sentence was deleted; median {statistics.median(every_ms):.2f} ms, "
        f"p95 {percentile(every_ms, 0.95):.2f} ms per highlight"
    )
    print("methods: " + ", ".join(f"{m} {k}" for m, k in sorted(methods.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
