"""Search at archive scale: Reader's Whoosh index against SQLite FTS5 on the same documents.

Generates N articles of ~5 KB (Zipf-distributed vocabulary with English stop words at the
top, plus rare words; some with tags, highlights and notes; added and published dates
spread over years), imports them through ``Library`` in a temporary READER_HOME, indexes
them in bulk, and times 20 queries of each kind with snippets for the top 10.

    .venv/bin/python benchmarks/search_bench.py            # N = 10,000
    .venv/bin/python benchmarks/search_bench.py --n 2000   # quicker
    .venv/bin/python benchmarks/search_bench.py --large    # N = 100,000 (slow)
"""

from __future__ import annotations

import argparse
import itertools
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
        words = re.findall(r"[a-z]+", rnd.choice(texts).lower())
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

    def __init__(self, path: Path):
        self.conn = sqlite3.connect(path)
        self.conn.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='porter unicode61')")
        self.conn.execute("CREATE TABLE meta (id INTEGER PRIMARY KEY, added TEXT)")
        self.conn.execute("CREATE INDEX meta_added ON meta(added)")
        self.conn.execute("CREATE VIRTUAL TABLE vocab USING fts5vocab(docs, 'row')")
        self.terms: dict[str, list[str]] | None = None

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
            return self.conn.execute(
                f"SELECT rowid, title, {snippet} FROM docs WHERE docs MATCH ? AND rowid IN"
                " (SELECT id FROM meta WHERE added >= ?) ORDER BY rank LIMIT 10", (word, since)).fetchall()
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


OPEN_SCRIPT = """
import sys, time
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
from reader.core.library import Library
lib = Library({home!r})
res = lib.search({query!r}, limit=10)
t1 = time.perf_counter()
print(f"{{(t1 - t0) * 1000:.1f}} {{len(res)}}")
lib.close()
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="articles to generate (default 10,000)")
    ap.add_argument("--large", action="store_true", help="100,000 articles")
    ap.add_argument("--keep", action="store_true", help="keep the temporary READER_HOME")
    args = ap.parse_args(argv)
    n = 100_000 if args.large else args.n

    tmp = Path(tempfile.mkdtemp(prefix="reader-search-bench-"))
    home = tmp / "home"
    os.environ["READER_HOME"] = str(home)
    from reader.core.document import Document
    from reader.core.importers import ImportedArticle
    from reader.core.library import Library

    print(f"# search benchmark: N={n:,} articles, {QUERIES_PER_KIND} queries per kind, top 10 with snippets")
    t = time.perf_counter()
    corpus = Corpus(n)
    articles = [corpus.article(i) for i in range(n)]
    print(f"generated in {time.perf_counter() - t:.1f} s, mean {statistics.mean(sum(len(p) + 1 for p in a['paras']) for a in articles):.0f} chars")

    lib = Library(home, auto_index=False)
    t_import = time.perf_counter()
    ids = []
    for a in articles:
        imported = ImportedArticle(title=a["title"], document=Document.from_paragraphs(a["paras"]), format="text",
                                   author=a["author"], site=a["site"], url=a["url"], published=a["published"])
        ids.append(lib.add_imported(imported, a["tags"]).article_id)
    t_import = time.perf_counter() - t_import
    # Added dates spread over years (the importer stamps "now"); set before indexing.
    with lib._storage.transaction() as conn:
        conn.executemany("UPDATE articles SET added = ? WHERE id = ?",
                         [(a["added"].isoformat(), i) for a, i in zip(articles, ids)])
    rnd = random.Random(11)
    t_annot = time.perf_counter()
    for aid in rnd.sample(ids, max(1, n // 20)):
        text = lib._storage.texts([aid])[aid]
        start = rnd.randrange(0, len(text) - 200)
        start = text.index(" ", start) + 1
        end = text.index(" ", start + 40)
        lib.add_highlight(aid, start, end, note=" ".join(corpus.words(12)), tags=[rnd.choice(corpus.tags)])
    for aid in rnd.sample(ids, max(1, n // 20)):
        lib.add_note(aid, " ".join(corpus.words(30)))
    t_annot = time.perf_counter() - t_annot

    print(f"imported in {t_import:.1f} s; highlights and notes in {t_annot:.1f} s", flush=True)
    t_index = time.perf_counter()
    indexed = lib.index_catch_up()
    t_index = time.perf_counter() - t_index
    assert indexed >= n, indexed

    print(f"indexed in {t_index:.1f} s", flush=True)
    texts = [" ".join(a["paras"]) for a in articles[:500]]
    queries = query_sets(corpus, texts, [a["title"] for a in articles], random.Random(5))

    fts = Fts5(tmp / "fts.sqlite3")
    rows = [(r[0], r[1], r[2], r[3]) for r in lib._storage.query("SELECT id, title, text, added FROM articles")]
    t_fts_load = fts.load(rows)
    del rows

    index = lib.index
    results: dict[str, tuple[list[float], list[float], int]] = {}
    for kind in KINDS:
        ours, theirs, found = [], [], 0
        for wq, _fq in queries[kind]:
            index.search(wq, limit=10)  # warm: the first query of a kind builds caches once
        for wq, fq in queries[kind]:
            # Best of three per query, for both engines: other processes on the machine
            # add noise that says nothing about either.
            runs = [timed(index.search, wq, 10) for _ in range(3)]
            ours.append(min(ms for ms, _ in runs))
            found += bool(runs[0][1])
            theirs.append(min(timed(fts.search, kind, fq)[0] for _ in range(3)))
        results[kind] = (ours, theirs, found)

    # Incremental: a note with a new word, visible to search through the Library's own path.
    lib.auto_index = True
    latencies = []
    for k in range(10):
        aid = ids[rnd.randrange(len(ids))]
        word = f"freshword{k}x"
        t = time.perf_counter()
        lib.add_note(aid, f"{word} added just now")
        res = lib.index.search(f"note:{word}", limit=10)
        latencies.append((time.perf_counter() - t) * 1000)
        assert res and res[0].article_id == aid, (word, res)
    hl_lat = []
    for k in range(10):
        aid = ids[rnd.randrange(len(ids))]
        text = lib._storage.texts([aid])[aid]
        start = text.index(" ", rnd.randrange(0, len(text) - 200)) + 1
        end = text.index(" ", start + 30)
        word = f"hltag{k}z"
        t = time.perf_counter()
        lib.add_highlight(aid, start, end, tags=[word])
        res = lib.index.search(f"tag:{word}", limit=10)
        hl_lat.append((time.perf_counter() - t) * 1000)
        assert res and res[0].article_id == aid
    lib.auto_index = False

    print("queries and updates done; reindexing", flush=True)
    t_reindex = time.perf_counter()
    lib.reindex()
    t_reindex = time.perf_counter() - t_reindex
    index_bytes = dir_size(home / "index")
    lib.close()

    opens = []
    for q in (queries["common word"][0][0], queries["two words"][0][0], queries["rare word"][0][0]):
        out = subprocess.run([sys.executable, "-c", OPEN_SCRIPT.format(root=str(ROOT), home=str(home), query=q)],
                             capture_output=True, text=True, check=True)
        opens.append(float(out.stdout.split()[0]))

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print()
    print("| kind | median ms | p95 ms | FTS5 median | FTS5 p95 | ratio (p95) | found |")
    print("|---|---|---|---|---|---|---|")
    for kind in KINDS:
        ours, theirs, found = results[kind]
        print(f"| {kind} | {statistics.median(ours):.1f} | {pct(ours, 95):.1f} | {statistics.median(theirs):.1f} |"
              f" {pct(theirs, 95):.1f} | {pct(ours, 95) / max(pct(theirs, 95), 0.01):.1f}x | {found}/{len(ours)} |")
    print()
    print("| figure | Reader (Whoosh) | FTS5 |")
    print("|---|---|---|")
    print(f"| import through Library (SQLite only) | {n / t_import:.0f} articles/s | |")
    print(f"| bulk index (catch_up) | {n / t_index:.0f} articles/s ({t_index:.1f} s) | {n / t_fts_load:.0f} articles/s |")
    print(f"| import + index | {n / (t_import + t_index):.0f} articles/s | {n / (t_import + t_fts_load):.0f} articles/s |")
    print(f"| full reindex | {t_reindex:.1f} s | |")
    print(f"| note added -> found (median / max) | {statistics.median(latencies):.0f} / {max(latencies):.0f} ms | |")
    print(f"| highlight added -> found (median / max) | {statistics.median(hl_lat):.0f} / {max(hl_lat):.0f} ms | |")
    print(f"| start + open + first query (fresh process) | {' / '.join(f'{o:.0f}' for o in opens)} ms | |")
    print(f"| index size on disk | {index_bytes / 1e6:.1f} MB | {(tmp / 'fts.sqlite3').stat().st_size / 1e6:.1f} MB |")
    print(f"| SQLite library size | {(home / 'library.sqlite3').stat().st_size / 1e6:.1f} MB | |")
    print(f"| peak RSS of this process | {rss_mb:.0f} MB | |")
    print(f"(highlights and notes on {2 * max(1, n // 20)} articles took {t_annot:.1f} s)")
    fts.conn.close()
    if args.keep:
        print(f"kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
