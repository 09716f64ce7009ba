"""Markdown export: the file a user drops into an Obsidian vault."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from reader.core.errors import ExportError
from reader.core.exporters import atomic_write_text, slugify
from reader.core.exporters.markdown import article_to_markdown, export_markdown_file, export_markdown_folder

from .conftest import Filled


def split_front_matter(markdown: str) -> tuple[dict, str]:
    assert markdown.startswith("---\n")
    head, body = markdown[4:].split("\n---\n", 1)
    return yaml.safe_load(head), body


def test_front_matter_holds_the_metadata_as_yaml(filled: Filled) -> None:
    article = filled.lib.get(filled.essay)
    meta, body = split_front_matter(article_to_markdown(article))
    assert meta["title"] == 'Margins: notes on "reading with a pencil"'  # colon and quotes survive YAML
    assert meta["author"] == "Ada Marginalia"
    assert meta["site"] == "Slow Reading Quarterly"
    assert meta["url"] == "https://example.org/essays/margins?id=7"
    assert meta["published"] == "2024-11-17T15:26:00"
    assert meta["added"] == article.added
    assert meta["tags"] == ["reading", "war-zone"]  # Obsidian tags hold no spaces
    assert body.lstrip().startswith('# Margins: notes on "reading with a pencil"\n')


def test_metadata_line_and_article_notes_come_before_the_highlights(filled: Filled) -> None:
    _, body = split_front_matter(article_to_markdown(filled.lib.get(filled.essay)))
    lines = body.strip().split("\n")
    assert lines[2].startswith("*By Ada Marginalia · Slow Reading Quarterly · published 2024-11-17 · added ")
    assert "[source](https://example.org/essays/margins?id=7)" in lines[2]
    assert body.index("## Notes") < body.index("Compare with *How to Read a Book*.") < body.index("## Highlights")
    assert "Second thought." in body


def test_each_highlight_is_a_quote_with_its_note_tags_and_links(filled: Filled) -> None:
    article = filled.lib.get(filled.essay)
    body = article_to_markdown(article)
    first = next(h for h in article.highlights if h.note.startswith("The **oldest**"))
    block = (
        f"> {first.exact}\n\nThe **oldest** habit.\n\n#habit #history\n\n"
        f"[Open in Reader](reader://article/{filled.essay}#{first.start}-{first.end})"
        " · [source](https://example.org/essays/margins?id=7)"
    )
    assert block in body
    assert article.text[first.start:first.end] == first.exact == "marked books for as long"


def test_a_highlight_across_blocks_quotes_every_line(filled: Filled) -> None:
    body = article_to_markdown(filled.lib.get(filled.essay))
    assert "> never visited again 🙂.\n> Whoever reads with a pencil reads twice.\n" in body


def test_orphaned_highlights_have_their_own_section_without_a_range(filled: Filled) -> None:
    body = article_to_markdown(filled.lib.get(filled.essay))
    highlights, orphans = body.split("## Orphaned highlights")
    assert "Keep the quote short." not in highlights
    assert "> Keep the quote short.\n\ngone soon" in orphans
    assert f"[Open in Reader](reader://article/{filled.essay})" in orphans
    assert "#" not in orphans.split("reader://article/")[1].split(")")[0]


def test_an_article_without_highlights_or_url_is_still_a_valid_file(filled: Filled) -> None:
    meta, body = split_front_matter(article_to_markdown(filled.lib.get(filled.plain)))
    assert meta["title"] == "A plain note" and "url" not in meta and meta["tags"] == []
    assert "## Highlights" not in body and "[source]" not in body


def test_folder_export_writes_one_file_per_article_named_by_slug_and_id(filled: Filled, tmp_path: Path) -> None:
    out = tmp_path / "vault" / "Reader"
    seen = []
    files = export_markdown_folder(filled.lib, out, progress=lambda done, total, name: seen.append((done, total)))
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [f"margins-notes-on-reading-with-a-pencil-{filled.essay}.md", f"a-plain-note-{filled.plain}.md"]
    )
    assert sorted(files) == sorted(out.iterdir())
    assert seen[-1] == (2, 2)
    again = export_markdown_folder(filled.lib, out)  # a second export replaces, never duplicates
    assert len(again) == 2 and len(list(out.iterdir())) == 2


def test_folder_export_stops_when_cancelled(filled: Filled, tmp_path: Path) -> None:
    assert export_markdown_folder(filled.lib, tmp_path / "out", cancel=lambda: True) == []


def test_folder_export_refuses_a_file_as_folder(filled: Filled, tmp_path: Path) -> None:
    target = tmp_path / "notes.md"
    target.write_text("mine", encoding="utf-8")
    with pytest.raises(ExportError, match="is a file"):
        export_markdown_folder(filled.lib, target)
    assert target.read_text(encoding="utf-8") == "mine"


def test_single_export_into_a_folder_uses_the_slug(filled: Filled, tmp_path: Path) -> None:
    path = export_markdown_file(filled.lib, filled.plain, tmp_path)
    assert path == tmp_path / f"a-plain-note-{filled.plain}.md"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Hello, World!", "hello-world-7"),
        ('a/b\\c:d*e?f"g<h>i|j', "a-b-c-d-e-f-g-h-i-j-7"),
        ("Ünïcode – Straße", "ünïcode-strasse-7"),
        ("東京の夜", "東京の夜-7"),
        ("...", "article-7"),
        ("CON", "con-7"),
    ],
)
def test_slug_is_a_safe_file_name(title: str, expected: str) -> None:
    assert slugify(title, 7) == expected


def test_slug_of_a_very_long_title_is_cut(filled: Filled) -> None:
    slug = slugify("word " * 100, 3)
    assert len(slug) <= 83 and slug.endswith("-3") and "--" not in slug


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "export.md"
    target.write_text("the old export", encoding="utf-8")

    def no_space(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    with pytest.raises(ExportError, match=r"'.*export\.md' cannot be written: No space left on device\."):
        atomic_write_text(target, "the new export")
    assert target.read_text(encoding="utf-8") == "the old export"
    assert [p.name for p in folder.iterdir()] == ["export.md"]


def test_atomic_write_into_a_missing_folder_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        atomic_write_text(tmp_path / "nope" / "x.md", "text")
