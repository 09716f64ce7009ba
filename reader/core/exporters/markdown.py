"""Markdown export: one file per article, in the shape people keep in Obsidian or Logseq.

YAML front matter with the article's metadata, the title, a metadata line, the article's
own notes, then each highlight as a ``> quote`` block with its note, its tags as
``#tags`` and a link back into Reader (and to the source). Highlights whose passage is no
longer in the text (orphans) get their own section, so nothing is silently dropped.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from reader.core.errors import ExportError
from reader.core.exporters import Cancel, Cancelled, Progress, article_link, atomic_write_text, each_article, slugify
from reader.core.models import Article, Highlight

if TYPE_CHECKING:
    from reader.core.library import Library


def tag_word(tag: str) -> str:
    """A tag as Obsidian accepts it after '#': no spaces or punctuation other than - _ /."""
    return re.sub(r"[^\w/-]+", "-", tag.strip()).strip("-") or "tag"


def _front_matter(article: Article) -> str:
    fields: dict[str, object] = {"title": article.title}
    for key in ("author", "site", "url", "published", "added"):
        value = getattr(article, key)
        if value:
            fields[key] = value
    fields["tags"] = [tag_word(t) for t in article.tags]
    fields["reader"] = article_link(article.id)
    body = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=1_000_000)
    return f"---\n{body}---"


def _metadata_line(article: Article) -> str:
    parts = []
    if article.author:
        parts.append(f"By {article.author}")
    if article.site:
        parts.append(article.site)
    if article.published:
        parts.append(f"published {article.published[:10]}")
    parts.append(f"added {article.added[:10]}")
    if article.url:
        parts.append(f"[source]({_link_target(article.url)})")
    return "*" + " · ".join(parts) + "*"


def _link_target(url: str) -> str:
    # Markdown ends a link target at a space or ')': wrap such addresses in <>.
    return f"<{url}>" if re.search(r"[\s()<>]", url) else url


def _quote_block(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.strip("\n").split("\n"))


def _highlight_markdown(article: Article, h: Highlight) -> str:
    parts = [_quote_block(h.exact)]
    if h.note.strip():
        parts.append(h.note.strip())
    if h.tags:
        parts.append(" ".join(f"#{tag_word(t)}" for t in h.tags))
    if article.pdf is not None and not h.orphaned:
        parts.append(f"Page {article.pdf.page_number_at(h.start)}")
    links = [f"[Open in Reader]({article_link(article.id, h.start, h.end)})"]
    if article.url:
        links.append(f"[source]({_link_target(article.url)})")
    parts.append(" · ".join(links))
    return "\n\n".join(parts)


def article_to_markdown(article: Article) -> str:
    """The whole Markdown file for one article."""
    out = [_front_matter(article), f"# {' '.join(article.title.split())}", _metadata_line(article)]
    notes = [n.body.strip() for n in article.notes if n.body.strip()]
    if notes:
        out.append("## Notes")
        out.extend(notes)
    anchored = [h for h in article.highlights if not h.orphaned]
    orphans = [h for h in article.highlights if h.orphaned]
    if anchored:
        out.append("## Highlights")
        out.extend(_highlight_markdown(article, h) for h in anchored)
    if orphans:
        out.append("## Orphaned highlights")
        out.append("*These passages are no longer found in the article's text.*")
        out.extend(_highlight_markdown(article, h) for h in orphans)
    return "\n\n".join(out) + "\n"


def markdown_file_name(article: Article) -> str:
    return slugify(article.title, article.id) + ".md"


def export_markdown_file(library: Library, article_id: int, target: Path | str) -> Path:
    """Write one article; ``target`` is a file, or a folder to put ``<slug>-<id>.md`` in."""
    article = library.get(article_id)
    path = Path(target)
    if path.is_dir():
        path = path / markdown_file_name(article)
    return atomic_write_text(path, article_to_markdown(article))


def export_markdown_folder(
    library: Library,
    folder: Path | str,
    article_ids: list[int] | None = None,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> list[Path]:
    """One ``.md`` file per article in ``folder`` (created if missing); returns the files written.

    Each file is written atomically; a cancelled export keeps the files already written.
    """
    out_dir = Path(folder)
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"'{folder}' is a file; a Markdown export of several articles needs a folder.")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"The folder '{folder}' cannot be created: {exc.strerror or exc}.") from None
    written: list[Path] = []
    try:
        for article in each_article(library, article_ids, progress=progress, cancel=cancel):
            written.append(atomic_write_text(out_dir / markdown_file_name(article), article_to_markdown(article)))
    except Cancelled:
        pass  # one file per article: the ones written are whole and stay
    return written
