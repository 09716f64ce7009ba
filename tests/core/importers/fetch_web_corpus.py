"""Fetch the corpus of real saved web pages that the differential test reads.

The pages are other projects' test fixtures, shipped in their source distributions on
PyPI (MIT-licensed newspaper4k, Apache-2.0 trafilatura): we download those sdists with
pip and unpack only their saved pages into a git-ignored cache, rather than committing
other people's pages. ``make test`` runs this first; without PyPI it says so and the test
skips with that reason.

    python tests/core/importers/fetch_web_corpus.py .cache/web-corpus
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
from pathlib import Path

# distribution==version: (folder of saved pages inside the sdist, licence)
SDISTS = {
    "newspaper4k==0.9.6": ("tests/data/html/", "MIT"),
    "trafilatura==2.3.1": ("tests/resources/", "Apache-2.0"),
}
# Not articles: a feed, a page that only redirects, the front pages of portals.
SKIP = {"sample_rss.html", "ap_meta_refresh.html", "google_meta_refresh.html"}


def fetch(target: Path) -> int:
    sdists = target / "sdists"
    pages = target / "pages"
    sdists.mkdir(parents=True, exist_ok=True)
    sources = []
    for requirement, (folder, licence) in SDISTS.items():
        name, version = requirement.split("==")
        found = sorted(sdists.glob(f"{name.replace('-', '_')}-{version}.tar.gz")) or sorted(
            sdists.glob(f"{name}-{version}.tar.gz")
        )
        if not found:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                 requirement, "-d", str(sdists)],
                check=True,
                timeout=300,
            )
            found = sorted(sdists.glob(f"*{version}.tar.gz"))
            found = [f for f in found if f.name.lower().replace("_", "-").startswith(name.lower())]
        with tarfile.open(found[0]) as archive:
            for member in archive.getmembers():
                inner = member.name.split("/", 1)[1] if "/" in member.name else member.name
                base = inner.rsplit("/", 1)[-1]
                if not (member.isfile() and inner.startswith(folder) and base.endswith(".html")) or base in SKIP:
                    continue
                data = archive.extractfile(member).read()  # type: ignore[union-attr]
                out = pages / name / base
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(data)
                sources.append({"file": f"{name}/{base}", "sdist": requirement, "path": inner, "licence": licence})
    (target / "SOURCES.json").write_text(json.dumps(sources, indent=1) + "\n", encoding="utf-8")
    (target / ".done").write_text("ok\n", encoding="utf-8")
    return len(sources)


if __name__ == "__main__":
    where = Path(sys.argv[1] if len(sys.argv) > 1 else ".cache/web-corpus")
    try:
        count = fetch(where)
    except (subprocess.SubprocessError, OSError, tarfile.TarError, IndexError) as exc:
        print(f"web corpus: not fetched ({exc}); is PyPI reachable? The differential test will skip.")
        sys.exit(0)
    print(f"web corpus: {count} saved pages in {where}/pages")
