"""Reader's error hierarchy.

Every message is one sentence that names the input and the problem, so the CLI can
print it as it is and the window can show it in a message box.
"""

from __future__ import annotations


class ReaderError(Exception):
    """Base of every error Reader raises on purpose."""


class StorageError(ReaderError):
    """The database cannot be opened, read or written."""


class DataDirError(StorageError):
    """The data directory is missing, read-only or full."""


class ImportFailed(ReaderError, ValueError):
    """A file, URL or text could not be imported; nothing was written."""


class ArticleNotFound(ReaderError, LookupError):
    def __init__(self, article_id: object):
        super().__init__(f"There is no article with id {article_id}.")
        self.article_id = article_id


class HighlightNotFound(ReaderError, LookupError):
    def __init__(self, highlight_id: object):
        super().__init__(f"There is no highlight with id {highlight_id}.")
        self.highlight_id = highlight_id


class NoteNotFound(ReaderError, LookupError):
    def __init__(self, note_id: object):
        super().__init__(f"There is no note with id {note_id}.")
        self.note_id = note_id


class InvalidInput(ReaderError, ValueError):
    """A value given by the user (a range, a colour, a tag, a quote) is not usable."""


class QuoteNotFound(InvalidInput):
    """The quote to highlight is absent from the article, or found more than once."""


class NothingToUndo(ReaderError):
    def __init__(self) -> None:
        super().__init__("There is nothing to undo.")


class SearchError(ReaderError):
    """The search index failed."""


class InvalidSearchQueryError(SearchError, ValueError):
    """A query that cannot be searched even as plain words."""


class ExportError(ReaderError):
    """An export could not be written."""
