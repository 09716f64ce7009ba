"""A Reader user in a hurry: random Library actions in a loop, until someone kills it.

Run as ``python crash_driver.py HOME SOURCES RUN SEED [ACTIONS]``. Before each action it prints
``start <action> <details>``; after the Library call returns it prints
``done <action> <details>`` and flushes, so whoever kills it knows exactly what was
reported done and which one action was in flight. Details never contain spaces.

With ACTIONS it stops after that many actions and touches only the articles it added
itself, so several drivers can share one library and each still knows what to expect.
"""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

from reader.core.library import Library

FILLER = (
    "The American administration has made a significant policy change regarding Ukraine. "
    "Previously, Ukrainians received permission to use HIMARS systems against forces near the border. "
    "Some advisors were worried that employing missiles might provoke a response from the other side. "
    "British and French armed forces provided a limited number of Storm Shadow and SCALP missiles. "
)
TAGS = ("Alpha", "beta", "Gamma", "DELTA", "épsilon")
COLORS = ("yellow", "green", "blue", "pink")


def letters(n: int) -> str:
    """A number as lowercase letters only, so the search analyser keeps it one word."""
    out = ""
    while True:
        out = chr(ord("a") + n % 26) + out
        n //= 26
        if not n:
            return out


def has_search() -> bool:
    return importlib.util.find_spec("reader.core.search") is not None


def say(*parts: object) -> None:
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


def write_article(path: Path, word: str, rng: random.Random) -> None:
    paragraphs = [FILLER * rng.randint(1, 3) for _ in range(rng.randint(3, 8))]
    paragraphs.insert(rng.randint(1, len(paragraphs)), f"This paragraph names {word} once. " + FILLER)
    path.write_text(f"Article about {word}\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")


def main() -> None:
    home, sources, run, seed = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    max_actions = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    rng = random.Random(seed)
    search = has_search()
    lib = Library(home, search=search)
    say("ready")
    counter = 0

    def new_word() -> str:
        nonlocal counter
        counter += 1
        # Ends in "q" so the English stemmer leaves it whole: "zqaxbs" would stem to the
        # word of another article, "zqaxb", and searches would rightly find both.
        return f"zq{letters(run)}x{letters(counter)}q"

    own = f"Article about zq{letters(run)}x"

    def live_ids() -> list[int]:
        return [a.id for a in lib.list_articles() if not max_actions or a.title.startswith(own)]

    actions = ["add"] * 20 + ["add_many"] * 4 + ["reimport"] * 4 + ["highlight"] * 18 + ["hl_note"] * 4
    actions += ["hl_delete"] * 3 + ["note"] * 8 + ["note_edit"] * 6 + ["note_delete"] * 2
    actions += ["tag"] * 10 + ["untag"] * 6 + ["delete"] * 3
    if search:
        actions += ["reindex"]
    performed = 0
    while not max_actions or performed < max_actions:
        performed += 1
        action = rng.choice(actions)
        ids = live_ids()
        if action not in ("add", "add_many") and not ids:
            action = "add"
        if action == "add":
            word = new_word()
            path = sources / f"{word}.txt"
            write_article(path, word, rng)
            tag = rng.choice(TAGS) if rng.random() < 0.3 else "-"
            say("start", action, word, tag)
            result = lib.add(path, tags=[] if tag == "-" else [tag])
            say("done", action, result.article_id, word, tag)
        elif action == "add_many":
            words = [new_word() for _ in range(rng.randint(2, 4))]
            for word in words:
                write_article(sources / f"{word}.txt", word, rng)
            say("start", action, ",".join(words))
            results = lib.add_many([sources / f"{w}.txt" for w in words])
            say("done", action, ",".join(f"{r.article_id}:{w}" for r, w in zip(results, words)))
        elif action == "reimport":
            aid = rng.choice(ids)
            article = lib.get(aid)
            if not article.source_path:
                continue
            word = new_word()
            write_article(Path(article.source_path), word, rng)
            say("start", action, aid, word)
            lib.add(article.source_path)
            say("done", action, aid, word)
        elif action == "highlight":
            aid = rng.choice(ids)
            text = lib.get(aid).text
            start = rng.randrange(0, len(text) - 1)
            end = min(len(text), start + rng.randint(1, 80))
            if not text[start:end].strip():
                continue
            color = rng.choice(COLORS)
            tag = rng.choice(TAGS) if rng.random() < 0.3 else "-"
            say("start", action, aid, start, end, color, tag)
            h = lib.add_highlight(aid, start, end, color=color, tags=[] if tag == "-" else [tag])
            say("done", action, h.id, aid, start, end, color, tag)
        elif action in ("hl_note", "hl_delete"):
            hls = [h for aid in rng.sample(ids, min(3, len(ids))) for h in lib.highlights(aid)]
            if not hls:
                continue
            h = rng.choice(hls)
            if action == "hl_note":
                body = new_word()
                say("start", action, h.id, body)
                lib.update_highlight(h.id, note=body)
                say("done", action, h.id, body)
            else:
                say("start", action, h.id)
                lib.delete_highlight(h.id)
                say("done", action, h.id)
        elif action == "note":
            aid = rng.choice(ids)
            body = new_word()
            say("start", action, aid, body)
            note = lib.add_note(aid, body)
            say("done", action, note.id, aid, body)
        elif action in ("note_edit", "note_delete"):
            notes = [n for aid in rng.sample(ids, min(3, len(ids))) for n in lib.notes(aid)]
            if not notes:
                continue
            note = rng.choice(notes)
            if action == "note_edit":
                body = new_word()
                say("start", action, note.id, body)
                lib.update_note(note.id, body)
                say("done", action, note.id, body)
            else:
                say("start", action, note.id)
                lib.delete_note(note.id)
                say("done", action, note.id)
        elif action in ("tag", "untag"):
            aid = rng.choice(ids)
            tag = rng.choice(TAGS)
            # Tags are case-insensitive: untag with another casing than the tag was given.
            given = tag.swapcase() if action == "untag" else tag
            say("start", action, aid, given)
            (lib.tag if action == "tag" else lib.untag)(aid, given)
            say("done", action, aid, given)
        elif action == "delete":
            aid = rng.choice(ids)
            say("start", action, aid)
            lib.delete(aid)
            say("done", action, aid)
        elif action == "reindex":
            say("start", action)
            count = lib.reindex()
            say("done", action, count)
    lib.close()


if __name__ == "__main__":
    main()
