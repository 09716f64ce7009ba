"""Which format a file of highlights is, and its sources: one clear sentence when it is
none Reader knows."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from reader.core.annotation_imports.model import FORMAT_NAMES, FORMATS, MAX_ANNOTATION_BYTES, AnnotatedSource
from reader.core.errors import ImportFailed


def parse_annotations(data: bytes, name: str, fmt: str | None = None) -> tuple[str, list[AnnotatedSource]]:
    """(format, sources) of a file's bytes; one clear sentence when it is not something we know."""
    from reader.core.importers import encoding

    shown = f"'{name}'"
    if fmt is not None and fmt not in FORMATS:
        raise ImportFailed(f"'{fmt}' is not an annotation format; use {', '.join(FORMATS)}.")
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise ImportFailed(f"{shown} is empty.")
    text = encoding.decode(data, name)
    stripped = text.lstrip("\ufeff \t\r\n")
    obj: Any = None
    if stripped[:1] in ("{", "[") and fmt in (None, "hypothesis", "w3c"):
        try:
            obj = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ImportFailed(f"{shown} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).") from None
    if obj is not None:
        from reader.core.annotation_imports import hypothesis, web_annotation

        if isinstance(obj, dict) and obj.get("format") == "reader-library":
            raise ImportFailed(f"{shown} is a Reader library export; restore it with 'reader import-library'.")
        if fmt in (None, "w3c") and web_annotation.looks_like_web_annotations(obj):
            return _checked(shown, "w3c", web_annotation.parse_web_annotations(obj, shown))
        items = hypothesis.annotations_of(obj)
        if fmt in (None, "hypothesis") and items is not None:
            return _checked(shown, "hypothesis", hypothesis.parse_hypothesis(items))
        if isinstance(obj, (list, dict)) and not obj or isinstance(obj, dict) and obj.get("annotations") == []:
            raise ImportFailed(f"{shown} holds no annotations.")
        if fmt is not None:
            raise ImportFailed(f"{shown} is not a {FORMAT_NAMES[fmt]}.")
        raise ImportFailed(f"{shown} is JSON but neither a Hypothesis export nor W3C Web Annotations.")
    from reader.core.annotation_imports import kindle, readwise

    if fmt in (None, "kindle") and kindle.looks_like_clippings(text):
        return _checked(shown, "kindle", kindle.parse_clippings(text))
    if fmt in (None, "readwise") and readwise.looks_like_readwise(stripped):
        return _checked(shown, "readwise", readwise.parse_readwise_csv(text, shown))
    if fmt is not None:
        raise ImportFailed(f"{shown} is not a {FORMAT_NAMES[fmt]}.")
    raise ImportFailed(
        f"{shown} is not a file of highlights Reader knows (Kindle 'My Clippings.txt', a Readwise CSV,"
        " a Hypothesis JSON export or W3C Web Annotations)."
    )


def _checked(shown: str, fmt: str, sources: list[AnnotatedSource]) -> tuple[str, list[AnnotatedSource]]:
    if not any(s.clippings for s in sources):
        raise ImportFailed(f"{shown} holds no highlights or notes to import.")
    return fmt, sources


def read_annotations(path: str | os.PathLike[str], fmt: str | None = None) -> tuple[str, list[AnnotatedSource]]:
    from reader.core.importers import read_file_checked

    data = read_file_checked(Path(path).expanduser(), limit=MAX_ANNOTATION_BYTES)
    return parse_annotations(data, os.fspath(path), fmt)
