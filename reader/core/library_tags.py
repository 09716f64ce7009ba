"""The tag part of the ``Library`` facade (``Library`` inherits it): tags on articles and
highlights, shared across the library, case-insensitive, renamed or merged in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reader.core.errors import InvalidInput
from reader.core.models import Changes, Highlight
from reader.core.storage import tags as tags_of
from reader.core.validation import normalize_tag


class LibraryTags:
    """Tag methods of the ``Library``; it has the storage, ``notify`` and the highlight methods."""

    _storage: Any

    if TYPE_CHECKING:
        def notify(self, changes: Changes) -> Changes: ...
        def _require_article(self, article_id: int) -> None: ...
        def article_tags(self, article_id: int) -> tuple[str, ...]: ...
        def get_highlight(self, highlight_id: int) -> Highlight: ...
        def update_highlight(self, highlight_id: int, **kwargs: Any) -> Highlight: ...

    def tag(self, article_id: int, *tags: str) -> tuple[str, ...]:
        self._require_article(article_id)
        names = [normalize_tag(t) for t in tags]
        with self._storage.transaction() as conn:
            tags_of.tag_article(conn, article_id, names)
        self.notify(Changes(articles=frozenset({article_id}), tags=True))
        return self.article_tags(article_id)

    def untag(self, article_id: int, *tags: str) -> tuple[str, ...]:
        self._require_article(article_id)
        names = [normalize_tag(t) for t in tags]
        with self._storage.transaction() as conn:
            tags_of.untag_article(conn, article_id, names)
        self.notify(Changes(articles=frozenset({article_id}), tags=True))
        return self.article_tags(article_id)

    def all_tags(self) -> list[tuple[str, int]]:
        """Every tag with the number of articles and highlights that carry it, by name."""
        with self._storage.read() as conn:
            return tags_of.all_with_counts(conn)

    def rename_tag(self, old: str, new: str) -> Changes:
        """Rename a tag everywhere; renaming onto an existing tag merges the two."""
        old_key = normalize_tag(old).casefold()
        new_name = normalize_tag(new)
        with self._storage.transaction() as conn:
            affected = tags_of.rename(conn, old_key, new_name)
            if affected is None:
                raise InvalidInput(f"There is no tag '{old}'.")
        return self.notify(Changes(articles=frozenset(affected), tags=True))

    merge_tags = rename_tag

    def tag_highlight(self, highlight_id: int, *tags: str) -> Highlight:
        h = self.get_highlight(highlight_id)
        return self.update_highlight(highlight_id, tags=[*h.tags, *tags])

    def untag_highlight(self, highlight_id: int, *tags: str) -> Highlight:
        h = self.get_highlight(highlight_id)
        drop = {normalize_tag(t).casefold() for t in tags}
        return self.update_highlight(highlight_id, tags=[t for t in h.tags if t.casefold() not in drop])
