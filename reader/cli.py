"""The ``reader`` command. With no arguments it opens the window.

Output meant for scripts goes to stdout (``--json`` is always valid JSON there); messages
go to stderr. Bad input is one sentence and a non-zero exit status, never a traceback.
Heavy modules (Qt, Whoosh, trafilatura) are imported only by the commands that need them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from reader.core.errors import ReaderError

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one sentence, exit 2, no usage dump on stdout
        self.print_usage(sys.stderr)
        sys.stderr.write(f"reader: {message}\n")
        raise SystemExit(EXIT_USAGE)


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"'{value}' must be 1 or more")
    return number


def _port(value: str) -> int:
    from reader.core.capture.config import parse_port

    try:
        return parse_port(value)
    except ReaderError as exc:
        raise argparse.ArgumentTypeError(str(exc).rstrip(".")) from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="reader", description="Read, highlight, annotate, tag and search your saved articles.")
    parser.add_argument("--version", action="version", version=f"reader {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("add", help="import files or URLs (text, HTML, Markdown, EPUB, PDF)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--tag", action="append", default=[], metavar="T", help="tag every added article")
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("list", help="list the articles")
    p.add_argument("--tag", metavar="T", help="only articles with this tag")
    p.add_argument("--sort", choices=("added", "published", "title"), default="added")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", help="print an article's text")
    p.add_argument("id", type=_positive_int)
    p.add_argument("--json", action="store_true", help="everything about it as JSON")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("highlight", help="highlight a quote in an article")
    p.add_argument("id", type=_positive_int)
    p.add_argument("--quote", required=True, metavar="TEXT")
    p.add_argument("--nth", type=_positive_int, metavar="N", help="the N-th occurrence when the quote stands more than once")
    p.add_argument("--color", default="yellow", metavar="C")
    p.add_argument("--note", default="", metavar="N")
    p.add_argument("--tag", action="append", default=[], metavar="T")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_highlight)

    p = sub.add_parser("note", help="add a note to an article")
    p.add_argument("id", type=_positive_int)
    p.add_argument("text", metavar="TEXT")
    p.set_defaults(func=cmd_note)

    p = sub.add_parser("tag", help="tag an article")
    p.add_argument("id", type=_positive_int)
    p.add_argument("tags", nargs="+", metavar="TAG")
    p.set_defaults(func=cmd_tag)

    p = sub.add_parser("untag", help="remove tags from an article")
    p.add_argument("id", type=_positive_int)
    p.add_argument("tags", nargs="+", metavar="TAG")
    p.set_defaults(func=cmd_untag)

    p = sub.add_parser("tags", help="list tags, or rename / merge one")
    p.add_argument("--rename", nargs=2, metavar=("OLD", "NEW"), help="rename OLD to NEW (merges if NEW exists)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_tags)

    p = sub.add_parser("delete", help="delete an article with its highlights and notes")
    p.add_argument("id", type=_positive_int)
    p.set_defaults(func=cmd_delete)

    p = sub.add_parser("export", help="export articles with their highlights and notes (markdown, json, w3c)")
    p.add_argument("id", nargs="?", type=_positive_int, help="the article (or --all)")
    p.add_argument("--all", action="store_true", help="every article")
    p.add_argument("--format", choices=("markdown", "json", "w3c"), default="markdown")
    p.add_argument("-o", "--output", metavar="PATH", help="file (a folder for Markdown); stdout when omitted")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import-library", help="restore a JSON export into an empty library")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_import_library)

    p = sub.add_parser("import-annotations", help="import highlights from Kindle, Readwise, Hypothesis or W3C files")
    p.add_argument("path", metavar="PATH")
    p.add_argument("--format", choices=("kindle", "readwise", "hypothesis", "w3c"), help="do not guess the format")
    p.set_defaults(func=cmd_import_annotations)

    p = sub.add_parser("search", help="search the whole archive (words, \"phrases\", OR, NOT, tag:, added:...)")
    p.add_argument("query", nargs="+", metavar="QUERY")
    p.add_argument("--limit", type=_positive_int, default=20, metavar="N", help="at most N results (default 20)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("reindex", help="rebuild the search index from the library")
    p.set_defaults(func=cmd_reindex)

    _add_review_parser(sub)

    from reader.core.capture.config import DEFAULT_PORT

    p = sub.add_parser("serve", help="save pages from the browser and watch the inbox folder, without a window")
    p.add_argument("--port", type=_port, metavar="P", help=f"port on 127.0.0.1 (else READER_CAPTURE_PORT, else {DEFAULT_PORT})")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("capture-token", help="print the token browser extensions and scripts send to save pages")
    p.set_defaults(func=cmd_capture_token)

    return parser


def _version() -> str:
    from reader import __version__

    return __version__


# -- helpers -----------------------------------------------------------------------------
def _open_library(**kwargs: Any) -> Any:
    from reader.core.library import Library

    return Library(**kwargs)


def _print_json(obj: Any) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _err(message: str) -> None:
    sys.stderr.write(f"reader: {message}\n")


class ProgressBar:
    """A one-line progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, label: str, stream: Any = None):
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self._last = -1

    def __call__(self, done: int, total: int, name: str = "") -> None:
        if not self.enabled or total <= 0:
            return
        pct = int(100 * done / total)
        if pct == self._last and done != total:
            return
        self._last = pct
        width = 30
        filled = int(width * done / total)
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


# -- commands ----------------------------------------------------------------------------
def cmd_add(args: argparse.Namespace) -> int:
    from reader.core.errors import ReaderError as _RE

    # A big import returns once its articles are readable; a detached process indexes them.
    with _open_library(background_index=True) as lib:
        bar = ProgressBar("Importing") if len(args.paths) > 1 else None
        results = lib.add_many(args.paths, args.tag, progress=bar)
        status = EXIT_OK
        for result in results:
            if isinstance(result, _RE):
                _err(str(result))
                status = EXIT_ERROR
            else:
                print(f"{result.status} {result.article_id} {result.title}")
                if result.orphaned:
                    _err(f"{result.orphaned} highlight(s) of article {result.article_id} could not be found in the new text and are kept as orphans.")
        return status


def cmd_list(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    with _open_library(search=False) as lib:
        articles = lib.list_articles(tag=args.tag, sort=args.sort)
        if args.json:
            _print_json([{**asdict(a), "tags": list(a.tags)} for a in articles])
            return EXIT_OK
        for a in articles:
            date = (a.published or a.added or "")[:10]
            tags = ", ".join(a.tags)
            print("\t".join([str(a.id), a.title, a.site or "", date, tags]).rstrip())
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    with _open_library(search=False) as lib:
        article = lib.get(args.id)
        if args.json:
            _print_json(article.to_json())
        else:
            sys.stdout.write(article.text + "\n")
    return EXIT_OK


def cmd_highlight(args: argparse.Namespace) -> int:
    with _open_library() as lib:
        h = lib.highlight_quote(
            args.id, args.quote, occurrence=args.nth, color=args.color, note=args.note, tags=args.tag
        )
        if args.json:
            _print_json(h.to_json())
        else:
            print(f"highlighted {h.id} {h.start}-{h.end} {h.color}")
    return EXIT_OK


def cmd_note(args: argparse.Namespace) -> int:
    if not args.text.strip():
        _err("The note is empty; nothing was saved.")
        return EXIT_ERROR
    with _open_library() as lib:
        note = lib.add_note(args.id, args.text)
        print(f"noted {note.id} on article {args.id}")
    return EXIT_OK


def cmd_tag(args: argparse.Namespace) -> int:
    with _open_library() as lib:
        tags = lib.tag(args.id, *args.tags)
        print(f"tags of {args.id}: {', '.join(tags)}")
    return EXIT_OK


def cmd_untag(args: argparse.Namespace) -> int:
    with _open_library() as lib:
        tags = lib.untag(args.id, *args.tags)
        print(f"tags of {args.id}: {', '.join(tags) or '(none)'}")
    return EXIT_OK


def cmd_tags(args: argparse.Namespace) -> int:
    with _open_library() as lib:
        if args.rename:
            lib.rename_tag(*args.rename)
        tags = lib.all_tags()
        if args.json:
            _print_json([{"name": n, "count": c} for n, c in tags])
        else:
            for name, count in tags:
                print(f"{name}\t{count}")
    return EXIT_OK


def cmd_delete(args: argparse.Namespace) -> int:
    with _open_library() as lib:
        title = lib.get(args.id).title
        lib.delete(args.id)
        print(f"deleted {args.id} {title}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from reader.core import exporters
    from reader.core.exporters import markdown

    if (args.id is None) != args.all:
        _err("give an article ID or --all." if args.id is None else "give an article ID or --all, not both.")
        return EXIT_USAGE
    with _open_library(search=False) as lib:
        bar = ProgressBar("Exporting") if args.all else None
        if args.format == "markdown" and (args.all or (args.output and Path(args.output).is_dir())):
            if not args.output:
                _err("a Markdown export of every article is one file per article: give a folder with -o DIR.")
                return EXIT_USAGE
            if args.all:
                files = markdown.export_markdown_folder(lib, args.output, progress=bar)
                print(f"exported {len(files)} articles to {args.output}")
            else:
                print(f"wrote {markdown.export_markdown_file(lib, args.id, args.output)}")
            return EXIT_OK
        text = exporters.export_text(lib, args.format, None if args.all else args.id, progress=bar)
        if args.output:
            print(f"wrote {exporters.atomic_write_text(args.output, text)}")
        else:
            sys.stdout.write(text)
    return EXIT_OK


def cmd_import_library(args: argparse.Namespace) -> int:
    from reader.core.exporters.json_export import restore_library

    with _open_library() as lib:
        result = restore_library(lib, args.file)
        print(f"restored {result.articles} articles, {result.highlights} highlights and {result.notes} notes")
    return EXIT_OK


def cmd_import_annotations(args: argparse.Namespace) -> int:
    from reader.core.annotation_imports import import_annotations

    with _open_library() as lib:
        summary = import_annotations(lib, args.path, fmt=args.format, progress=ProgressBar("Importing"))
        print(summary.message())
    return EXIT_OK


def _marked(result: Any, bold: bool) -> str:
    """The snippet with its matched words in bold (a terminal) or between ** (a pipe)."""
    text, out, pos = result.snippet_plain, [], 0
    for start, end in result.marks:
        out.append(text[pos:start])
        out.append(f"\x1b[1m{text[start:end]}\x1b[0m" if bold else f"**{text[start:end]}**")
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _plain_note(note_html: str, bold: bool) -> str:
    """A note snippet's <b>…</b> as bold (a terminal) or ** (a pipe), the rest unescaped."""
    import html
    import re

    on, off = ("\x1b[1m", "\x1b[0m") if bold else ("**", "**")
    return html.unescape(re.sub(r"</?b>", lambda m: off if m.group(0) == "</b>" else on, note_html))


def cmd_search(args: argparse.Namespace) -> int:
    query = " ".join(args.query)
    with _open_library(background_index=True) as lib:
        results = lib.search(query, limit=args.limit)
        notice = getattr(results, "notice", None)
        if notice:  # articles still being indexed, or a full disk: the results are partial
            _err(notice)
        if args.json:
            _print_json([r.to_json() for r in results])
        else:
            bold = sys.stdout.isatty()
            for r in results:
                print(f"{r.article_id}\t{r.title}\t[{', '.join(r.matched_in)}]")
                print(f"    {_marked(r, bold)}")
                if getattr(r, "note_snippet", None):
                    print(f"    note: {_plain_note(r.note_snippet, bold)}")
        if not results:
            suggestion = getattr(results, "suggestion", None)
            _err(f"no article matches '{query}'" + (f"; did you mean '{suggestion}'?" if suggestion else "."))
    return EXIT_OK


def cmd_reindex(args: argparse.Namespace) -> int:
    with _open_library() as lib:
        count = lib.reindex(progress=ProgressBar("Indexing"))
        print(f"indexed {count} articles")
    return EXIT_OK


def _add_review_parser(sub: Any) -> None:
    """``reader review``: today's list; ``review rate`` and ``review discard`` (READER_NOW sets "now")."""
    p = sub.add_parser("review", help="today's review of highlights (rate / discard them); READER_NOW sets now")
    p.add_argument("--count", type=_positive_int, metavar="N", help="at most N highlights (default: the daily setting, 10)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_review)
    actions = p.add_subparsers(dest="review_command", metavar="ACTION", parser_class=_Parser)
    # The id and the rating are plain strings: Reader checks them (one sentence, exit 1).
    r = actions.add_parser("rate", help="rate a highlight: again, hard, good or easy; prints when it is due next")
    r.add_argument("highlight_id", metavar="HIGHLIGHT_ID")
    r.add_argument("rating", metavar="again|hard|good|easy")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_review_rate)
    d = actions.add_parser("discard", help="take a highlight out of review for good (it stays a highlight)")
    d.add_argument("highlight_id", metavar="HIGHLIGHT_ID")
    d.set_defaults(func=cmd_review_discard)


def cmd_review(args: argparse.Namespace) -> int:
    from reader.core.review import now_from_env

    now = now_from_env()
    with _open_library(search=False) as lib:
        items = lib.review_today(args.count, now)
        if args.json:
            _print_json([item.to_json(now.tzinfo) for item in items])
            return EXIT_OK
        for item in items:
            due = item.due.astimezone(now.tzinfo).isoformat() if item.due else "-"
            print(f"{item.highlight_id}\t{item.state}\t{due}\t{item.title}")
            print(f"    {' '.join(item.quote.split())}")
            if item.note.strip():
                print(f"    note: {' '.join(item.note.split())}")
        if not items:
            nxt = lib.next_review_due(now)
            _err("nothing to review today" + (f"; next due {nxt.astimezone(now.tzinfo).isoformat()}." if nxt else "."))
    return EXIT_OK


def cmd_review_rate(args: argparse.Namespace) -> int:
    from reader.core.review import now_from_env

    now = now_from_env()
    with _open_library(search=False) as lib:
        result = lib.rate(args.highlight_id, args.rating, now)
        if args.json:
            _print_json(result.to_json(now.tzinfo))
        else:
            print(f"next {result.due.astimezone(now.tzinfo).isoformat()}")
    return EXIT_OK


def cmd_review_discard(args: argparse.Namespace) -> int:
    with _open_library(search=False) as lib:
        lib.discard(args.highlight_id)
        print(f"discarded {args.highlight_id} from review")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from reader.core.capture.serve import run

    return run(args.port)


def cmd_capture_token(args: argparse.Namespace) -> int:
    from reader.core.capture.token import load_or_create

    print(load_or_create())
    return EXIT_OK


def _run_window(files: Sequence[str]) -> int:
    from reader.ui.launch import main as launch

    return launch(["reader", *files])


def _is_file_argument(arg: str, parser: argparse.ArgumentParser) -> bool:
    """True for an existing path or a URL that is not a command name (a typo stays an error)."""
    commands: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            commands = set(action.choices)
    if arg in commands or arg.startswith("-"):
        return False
    from reader.core.importers import is_url

    return is_url(arg) or os.path.exists(arg)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv or _is_file_argument(argv[0], parser):
        # `reader` alone, or `reader FILE...` as a desktop entry or file manager calls it.
        return _run_window(argv)
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return func(args)
    except ReaderError as exc:
        _err(str(exc))
        return EXIT_ERROR
    except KeyboardInterrupt:
        _err("interrupted; what was reported done is saved.")
        return 130
    except BrokenPipeError:
        # `reader list | head`: the reader of our output went away; not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # a bug: still one sentence, the details only when asked for
        if os.environ.get("READER_DEBUG"):
            raise
        _err(f"unexpected error ({type(exc).__name__}: {exc}); set READER_DEBUG=1 for details.")
        return EXIT_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
