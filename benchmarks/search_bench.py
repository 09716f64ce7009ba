"""Search at archive scale as the user meets it, with SQLite FTS5 on the same documents beside it.

Generates N articles of ~5 KB as files on disk (Zipf-distributed vocabulary with English stop
words at the top, rare words, and a marker word in exactly N/10 of them), then:

1. imports them with ``reader add`` in calls of 500 files (subprocesses, as a user would);
2. waits until ``reader search MARKER`` finds all N/10 articles (a background indexer runs);
3. times fresh ``reader search`` processes (p50 / p95);
4. times ``Library.search(limit=10)`` in process, 20 queries per kind with snippets, and the
   same queries on FTS5 (porter unicode61, ``snippet()``) in the same run.

    .venv/bin/python benchmarks/search_bench.py             # N = 10,000
    .venv/bin/python benchmarks/search_bench.py --n 2000    # quicker
    .venv/bin/python benchmarks/search_bench.py --large     # N = 100,000 (slow)
    .venv/bin/python benchmarks/search_bench.py --whoosh DIR  # another Whoosh (e.g. an unpacked wheel) first on the path

The machine may be shared: compare the ratios to FTS5 in the same run, not absolute figures.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STOP = ("the of and to a in is that it for was on are as with be by this at from or an but not have "
        "they which one you were all we her she there their").split()
QUERIES_PER_KIND = 20            # each timed as the best of 3 runs
KINDS = ("rare word", "common word", "two words", "phrase", "title:word", "date range", "prefix*", "fuzzy~")


def make_vocab(rnd: random.Random, size: int) -> list[str]:
    cons, vows = "bcdfghjklmnprstvwz", "aeiou"
    words: set[str] = set()
    out: list[str] = list(STOP)
    while len(out) < size:
        n = rnd.randint(1, 4)
        w = "".join(rnd.choice(cons) + rnd.choice(vows) for _ in range(n)) + rnd.choice(
            ["", "", "s", "ing", "ed", "tion", "ly", "er", "ment"])
        if len(w) > 2 and w not in words:
            words.add(w)
            out.append(w)
    return out


class Corpus:
    def __init__(self, n: int, seed: int = 7):
        self.rnd = rnd = random.Random(seed)
        self.vocab = make_vocab(rnd, 30000)
        self.cum = list(itertools.accumulate(1.0 / (i + 1) ** 1.05 for i in range(len(self.vocab))))
        self.rare = [f"zx{rnd.choice('aeiou')}{i:05d}q" for i in range(n)]
        self.authors = [f"{rnd.choice(self.vocab[200:2000]).title()} {rnd.choice(self.vocab[200:2000]).title()}"
                        for _ in range(300)]
        self.sites = [f"{rnd.choice(self.vocab[300:3000])}.{rnd.choice(['com', 'org', 'net', 'io'])}" for _ in range(150)]
        self.tags = [rnd.choice(self.vocab[500:5000]) for _ in range(40)]
        self.n = n

    def words(self, k: int) -> list[str]:
        return self.rnd.choices(self.vocab, cum_weights=self.cum, k=k)

    def article(self, i: int) -> dict:
        rnd = self.rnd
        paras, size = [], 0
        while size < 5000:
            sentences = []
            for _ in range(rnd.randint(3, 6)):
                s = self.words(rnd.randint(8, 20))
                if rnd.random() < 0.08:
                    s[rnd.randrange(len(s))] = self.rare[rnd.randrange(self.n)]
                s[0] = s[0].capitalize()
                sentences.append(" ".join(s) + ".")
            p = " ".join(sentences)
            paras.append(p)
            size += len(p) + 1
        paras[rnd.randrange(len(paras))] += " " + self.rare[i]  # every rare word stands somewhere
        title = " ".join(self.words(rnd.randint(4, 8))).capitalize()
        site = rnd.choice(self.sites)
        published = datetime(2012, 1, 1) + timedelta(days=rnd.randrange(13 * 365))
        added = datetime(2018, 1, 1, tzinfo=UTC) + timedelta(minutes=rnd.randrange(8 * 365 * 24 * 60))
        return {
            "title": title, "paras": paras, "author": rnd.choice(self.authors), "site": site,
            "url": f"https://{site}/{'-'.join(title.lower().split()[:4])}-{i}",
            "published": published, "added": added,
            "tags": rnd.sample(self.tags, rnd.randint(1, 3)) if rnd.random() < 0.3 else [],
        }


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = min(len(values) - 1, max(0, int(round(p / 100 * len(values) + 0.5)) - 1))
    return values[k]


def query_sets(corpus: Corpus, texts: list[str], titles: list[str], rnd: random.Random) -> dict[str, list[tuple[str, str]]]:
    """20 queries per kind: (Whoosh query, FTS5 MATCH expression or a callable marker)."""
    mid = corpus.vocab[200:3000]
    common = [w for w in corpus.vocab[len(STOP):len(STOP) + 60]]
    sets: dict[str, list[tuple[str, str]]] = {k: [] for k in KINDS}
    for w in rnd.sample(corpus.rare, QUERIES_PER_KIND):
        sets["rare word"].append((w, w))
    for w in rnd.sample(common, QUERIES_PER_KIND):
        sets["common word"].append((w, w))
    for _ in range(QUERIES_PER_KIND):
        a, b = rnd.sample(mid[:800], 2)
        sets["two words"].append((f"{a} {b}", f"{a} {b}"))
    while len(sets["phrase"]) < QUERIES_PER_KIND:
        words = re.findall(r"\w+", rnd.choice(texts).lower())  # whole words: "zxo01234q" is one
        j = rnd.randrange(len(words) - 1)
        if words[j] in STOP or words[j + 1] in STOP:
            continue
        sets["phrase"].append((f'"{words[j]} {words[j + 1]}"', f'"{words[j]} {words[j + 1]}"'))
    while len(sets["title:word"]) < QUERIES_PER_KIND:
        w = rnd.choice(rnd.choice(titles).lower().split())
        if w not in STOP:
            sets["title:word"].append((f"title:{w}", f"title : {w}"))
    for _ in range(QUERIES_PER_KIND):
        w, year = rnd.choice(mid), rnd.randint(2018, 2025)
        sets["date range"].append((f"{w} added:[{year}-01-01 to now]", f"{w}\x00{year}-01-01"))
    for _ in range(QUERIES_PER_KIND):
        w = rnd.choice([m for m in mid if len(m) >= 5])
        sets["prefix*"].append((w[:4] + "*", w[:4] + "*"))
    for _ in range(QUERIES_PER_KIND):
        w = rnd.choice([m for m in mid if len(m) >= 5])
        k = rnd.randrange(1, len(w))
        typo = w[:k] + rnd.choice("aeiouxyz") + w[k + 1:]
        sets["fuzzy~"].append((typo + "~", typo))
    return sets


class Fts5:
    """The same documents in SQLite FTS5 (porter unicode61), with snippet()."""

    def __init__(self, path: Path, create: bool = True):
        self.conn = sqlite3.connect(path)
        self.terms: dict[str, list[str]] | None = None
        if not create:
            return
        self.conn.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='porter unicode61')")
        self.conn.execute("CREATE TABLE meta (id INTEGER PRIMARY KEY, added TEXT)")
        self.conn.execute("CREATE INDEX meta_added ON meta(added)")
        self.conn.execute("CREATE VIRTUAL TABLE vocab USING fts5vocab(docs, 'row')")

    def load(self, rows: list[tuple[int, str, str, str]]) -> float:
        t = time.perf_counter()
        with self.conn:
            self.conn.executemany("INSERT INTO docs (rowid, title, body) VALUES (?, ?, ?)", [(r[0], r[1], r[2]) for r in rows])
            self.conn.executemany("INSERT INTO meta (id, added) VALUES (?, ?)", [(r[0], r[3]) for r in rows])
        return time.perf_counter() - t

    def search(self, kind: str, expr: str) -> list:
        snippet = "snippet(docs, 1, '<b>', '</b>', '…', 24)"
        if kind == "date range":
            word, since = expr.split("\x00")
            # A join, so SQLite walks the word's matches and looks each date up by primary key
            # (``rowid IN (SELECT ...)`` made it test the whole date range per match).
            return self.conn.execute(
                f"SELECT docs.rowid, title, {snippet} FROM docs JOIN meta ON meta.id = docs.rowid"
                " WHERE docs MATCH ? AND meta.added >= ? ORDER BY rank LIMIT 10", (word, since)).fetchall()
        if kind == "fuzzy~":
            # FTS5 has no fuzzy match: expand against its vocabulary as an application would.
            from rapidfuzz import process
            from rapidfuzz.distance import OSA

            if self.terms is None:
                self.terms = {}
                for (term,) in self.conn.execute("SELECT term FROM vocab"):
                    self.terms.setdefault(term[0], []).append(term)
            cands = [t for t, _, _ in process.extract(expr, self.terms.get(expr[0], []), scorer=OSA.distance,
                                                      score_cutoff=1, limit=16)]
            if not cands:
                return []
            expr = " OR ".join(cands)
        return self.conn.execute(
            f"SELECT rowid, title, {snippet} FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 10", (expr,)).fetchall()


def timed(fn, *args) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn(*args)
    return (time.perf_counter() - t) * 1000, out


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def write_files(corpus: Corpus, folder: Path, n: int, marker_every: int) -> tuple[list[Path], list[dict]]:
    folder.mkdir(parents=True)
    files, articles = [], []
    for i in range(n):
        a = corpus.article(i)
        if i % marker_every == 0:
            a["paras"][-1] += f" {MARKER}"
        path = folder / f"article-{i:06d}.txt"
        path.write_text(a["title"] + "\n\n" + "\n\n".join(a["paras"]) + "\n", "utf-8")
        files.append(path)
        articles.append({"title": a["title"]})
    return files, articles


MARKER = "benchmarkerq"


def reader_run(env: dict[str, str], *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True, text=True, env=env)
    return (time.perf_counter() - t) * 1000, done


def time_queries(lib, fts: Fts5, queries: dict[str, list[tuple[str, str]]]) -> dict[str, tuple[list[float], list[float], int]]:
    results: dict[str, tuple[list[float], list[float], int]] = {}
    for kind in KINDS:
        ours, theirs, hits = [], [], 0
        for wq, _fq in queries[kind]:
            lib.search(wq, limit=10)  # warm: the first query of a kind builds caches once
        for wq, fq in queries[kind]:
            runs = [timed(lib.search, wq, 10) for _ in range(3)]  # best of 3, for both engines
            ours.append(min(ms for ms, _ in runs))
            hits += bool(runs[0][1])
            if not runs[0][1] and os.environ.get("BENCH_VERBOSE"):
                print(f"  nothing found for {wq!r}", flush=True)
            theirs.append(min(timed(fts.search, kind, fq)[0] for _ in range(3)))
        results[kind] = (ours, theirs, hits)
    return results


def print_query_table(results: dict[str, tuple[list[float], list[float], int]], n: int, version: str) -> None:
    print(f"| kind (N={n:,}, Whoosh {version}) | p50 ms | p95 ms | FTS5 p50 | FTS5 p95 | p95 ratio | found |")
    print("|---|---|---|---|---|---|---|")
    for kind in KINDS:
        ours, theirs, hits = results[kind]
        print(f"| {kind} | {statistics.median(ours):.1f} | {pct(ours, 95):.1f} | {statistics.median(theirs):.1f} |"
              f" {pct(theirs, 95):.1f} | {pct(ours, 95) / max(pct(theirs, 95), 0.01):.1f}x | {hits}/{len(ours)} |")


def queries_only(tmp: Path, n: int) -> int:
    """Step 4 alone, on a library and FTS5 file kept by an earlier run (for tuning queries)."""
    import whoosh

    from reader.core.library import Library

    home = tmp / "home"
    os.environ["READER_HOME"] = str(home)
    corpus = Corpus(n)
    lib = Library(home, auto_index=False)
    texts = [r[0] for r in lib._storage.query("SELECT text FROM articles LIMIT 500")]
    titles = [r[0] for r in lib._storage.query("SELECT title FROM articles ORDER BY id")]
    queries = query_sets(corpus, texts, titles, random.Random(5))
    del corpus, texts, titles  # as in a full run: the timed searches' garbage collections walk only Reader's
    gc.collect()
    fts = Fts5(tmp / "fts.sqlite3", create=False)
    print(f"# queries only: N={n:,}, load {os.getloadavg()[0]:.1f}")
    print_query_table(time_queries(lib, fts, queries), n, whoosh.versionstring())
    lib.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="articles to generate (default 10,000)")
    ap.add_argument("--large", action="store_true", help="100,000 articles")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--whoosh", metavar="DIR", help="put this folder first on the path (another Whoosh)")
    ap.add_argument("--queries-only", metavar="DIR",
                    help="time only the in-process queries, on a folder kept by an earlier --keep run of the same N")
    args = ap.parse_args(argv)
    if args.queries_only:
        return queries_only(Path(args.queries_only), 100_000 if args.large else args.n)
    n = 100_000 if args.large else args.n
    if args.whoosh:
        sys.path.insert(0, args.whoosh)
    import whoosh

    tmp = Path(tempfile.mkdtemp(prefix="reader-search-bench-"))
    home = tmp / "home"
    env = dict(os.environ, READER_HOME=str(home))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (args.whoosh, str(ROOT), env.get("PYTHONPATH")) if p)
    os.environ["READER_HOME"] = str(home)
    print(f"# search benchmark: N={n:,} articles, Whoosh {whoosh.versionstring()} ({whoosh.__file__}),"
          f" {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")

    t = time.perf_counter()
    corpus = Corpus(n)
    marker_every = 10
    want = len(range(0, n, marker_every))
    files, articles = write_files(corpus, tmp / "files", n, marker_every)
    print(f"generated {n:,} files in {time.perf_counter() - t:.1f} s,"
          f" mean {statistics.mean(p.stat().st_size for p in files[:500]):.0f} bytes", flush=True)

    # 1. reader add, 500 files a call.
    t_first = time.perf_counter()
    for start in range(0, n, 500):
        ms, done = reader_run(env, "add", *map(str, files[start:start + 500]))
        if done.returncode != 0:
            raise SystemExit(f"reader add failed: {done.stderr[-2000:]}")
    t_added = time.perf_counter() - t_first
    print(f"reader add: {n:,} in {t_added:.1f} s = {n / t_added:.0f} articles/s", flush=True)

    # 2. until the marker finds all its articles through `reader search`.
    found, polls = 0, 0
    while found < want:
        _ms, done = reader_run(env, "search", MARKER, "--json", "--limit", str(want + 10))
        found = len(json.loads(done.stdout or "[]"))
        polls += 1
        if found < want:
            if time.perf_counter() - t_first > 3600:
                raise SystemExit(f"only {found} of {want} searchable after an hour")
            time.sleep(1.0)  # each poll is a process of its own, which the indexer competes with
    t_searchable = time.perf_counter() - t_first
    print(f"all {want:,} marked articles found {t_searchable:.1f} s after the first add"
          f" ({n / t_searchable:.0f} articles/s, {polls} searches)", flush=True)
    deadline = time.monotonic() + 600
    from reader.core.search.status import indexer_pid
    while indexer_pid(home) is not None and time.monotonic() < deadline:
        time.sleep(0.2)  # the indexer may still merge or look for changes

    # 3. fresh processes.
    from reader.core.library import Library

    lib = Library(home, auto_index=False)
    texts = [r[0] for r in lib._storage.query("SELECT text FROM articles LIMIT 500")]
    queries = query_sets(corpus, texts, [a["title"] for a in articles], random.Random(5))
    # The generator's own data (a 30,000-word vocabulary, every article's title and path) is
    # not what a Reader process holds: let it go, so the garbage collector's passes during the
    # timed searches walk only what a user's process would have.
    del corpus, articles, files, texts
    gc.collect()
    lib.close()
    help_ms = sorted(reader_run(env, "--help")[0] for _ in range(5))[2]
    fresh = []
    mixed = [q for kind in KINDS for q, _ in queries[kind][:3]]
    for q in mixed:
        ms, done = reader_run(env, "search", q, "--json", "--limit", "10")
        if done.returncode != 0:
            raise SystemExit(f"reader search {q!r} failed: {done.stderr}")
        fresh.append(ms)

    # 4. in process, against FTS5.
    lib = Library(home, auto_index=False)
    fts = Fts5(tmp / "fts.sqlite3")
    rows = [(r[0], r[1], r[2], r[3]) for r in lib._storage.query("SELECT id, title, text, added FROM articles")]
    t_fts_load = fts.load(rows)
    del rows
    results = time_queries(lib, fts, queries)

    # Small updates through the Library's own path: a note, then found.
    lib.auto_index = True
    rnd = random.Random(11)
    latencies = []
    for k in range(10):
        aid = rnd.randrange(1, n + 1)
        word = f"freshword{k}x"
        t = time.perf_counter()
        lib.add_note(aid, f"{word} added just now")
        res = lib.search(f"note:{word}", limit=10)
        latencies.append((time.perf_counter() - t) * 1000)
        assert res and res[0].article_id == aid, (word, res)
    index_bytes = dir_size(home / "index")
    segments = len(lib.index._ix._segments())
    lib.close()
    rss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rss_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    print()
    print_query_table(results, n, whoosh.versionstring())
    print()
    print("| figure | Reader | FTS5 |")
    print("|---|---|---|")
    print(f"| `reader add`, 500 files a call, until readable | {n / t_added:.0f} articles/s ({t_added:.1f} s) |"
          f" {n / t_fts_load:.0f} articles/s (load only) |")
    print(f"| first add -> all {want:,} marked articles found by `reader search` | {t_searchable:.1f} s"
          f" ({n / t_searchable:.0f} articles/s) | |")
    print(f"| fresh `reader search Q --json` process, p50 / p95 ({len(fresh)} queries) |"
          f" {statistics.median(fresh):.0f} / {pct(fresh, 95):.0f} ms | |")
    print(f"| `reader --help` (process start, for scale) | {help_ms:.0f} ms | |")
    print(f"| note added -> found (median / max) | {statistics.median(latencies):.0f} / {max(latencies):.0f} ms | |")
    print(f"| index size on disk | {index_bytes / 1e6:.1f} MB ({segments} segments) |"
          f" {(tmp / 'fts.sqlite3').stat().st_size / 1e6:.1f} MB |")
    print(f"| SQLite library size | {(home / 'library.sqlite3').stat().st_size / 1e6:.1f} MB | |")
    print(f"| peak RSS: this process / largest child (add, indexer, search) | {rss_self:.0f} / {rss_children:.0f} MB | |")
    fts.conn.close()
    if args.keep:
        print(f"kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
