"""Highlights and notes made in other tools: Kindle, Readwise, Hypothesis, W3C Web Annotations.

A parser turns a file into :class:`AnnotatedSource` s (a book or a web page with its
clippings); :func:`import_annotations` puts them into the library in one transaction:

- a source that matches an article (by URL for Hypothesis and W3C, by title for Kindle
  and Readwise) gets its highlights anchored by quote; a quote not found there is kept as
  an orphan on that article;
- a source that matches nothing becomes a *notes-only* article whose text is built from
  the clippings (a paragraph per highlight, its note as a quote block), with the
  highlights anchored on that text: nothing is lost, and all of it is searchable;
- importing the same file again adds nothing (dedupe by article and exact quote).

One module a job: ``model`` (sources and clippings), ``sniffing`` (which format a file is),
the parsers (``kindle``, ``readwise``, ``hypothesis``, ``web_annotation``), ``matching``
(a book is its title and its author; a page its address) and ``applying`` (into the
library through one ``Library.batch()``).
"""

from reader.core.annotation_imports.applying import clipping_blocks, import_annotations, import_sources
from reader.core.annotation_imports.matching import normalize_url
from reader.core.annotation_imports.model import (
    FORMAT_NAMES,
    FORMATS,
    MAX_ANNOTATION_BYTES,
    NOTES_FORMAT,
    AnnotatedSource,
    Cancel,
    Clipping,
    ImportSummary,
    Progress,
    QuoteSelectors,
    iso_time,
    selectors_from,
)
from reader.core.annotation_imports.sniffing import parse_annotations, read_annotations

__all__ = [
    "FORMATS",
    "FORMAT_NAMES",
    "MAX_ANNOTATION_BYTES",
    "NOTES_FORMAT",
    "AnnotatedSource",
    "Cancel",
    "Clipping",
    "ImportSummary",
    "Progress",
    "QuoteSelectors",
    "clipping_blocks",
    "import_annotations",
    "import_sources",
    "iso_time",
    "normalize_url",
    "parse_annotations",
    "read_annotations",
    "selectors_from",
]
