"""The daily-review part of the ``Library`` facade (``Library`` inherits it).

The window, the CLI and the tests call these on the ``Library``; the scheduling and the
day's list are in :mod:`reader.core.review`, the SQL in the storage layer. A rating or a
discard notifies ``Changes(review=True)``, which the search index ignores.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from reader.core.models import Changes
from reader.core.review import RateResult, Review, ReviewItem, ReviewSettings, ReviewState


class LibraryReview:
    """Review methods of the ``Library``; it sets ``self.reviews`` and has ``notify`` and the undo stack."""

    reviews: Review
    _undo: list[Any]

    if TYPE_CHECKING:
        def notify(self, changes: Changes) -> Changes: ...

    def review_today(self, count: int | None = None, now: datetime | None = None) -> list[ReviewItem]:
        """Today's review: due highlights (most overdue first), then new ones; ``count`` defaults to the setting."""
        return self.reviews.today(count, now)

    def rate(self, highlight_id: int, rating: str, now: datetime | None = None) -> RateResult:
        """Rate a highlight (again, hard, good, easy) and schedule its next review with FSRS."""
        result = self.reviews.rate(highlight_id, rating, now)
        self.notify(Changes(review=True))
        return result

    def discard(self, highlight_id: int) -> Changes:
        """Take a highlight out of review for good (it stays a highlight); ``undo()`` puts it back."""
        old = self.reviews.discard(highlight_id)

        def restore() -> Changes:
            self.reviews.put_back(highlight_id, old)
            return self.notify(Changes(review=True))

        from reader.core.library import _UndoStep  # the facade's own undo stack

        self._undo.append(_UndoStep("discard from review", restore))
        return self.notify(Changes(review=True))

    def review_state(self, highlight_id: int) -> ReviewState | None:
        return self.reviews.state(highlight_id)

    def next_review_due(self, now: datetime | None = None) -> datetime | None:
        return self.reviews.next_due(now)

    def review_settings(self) -> ReviewSettings:
        return self.reviews.settings()

    def set_review_settings(self, *, per_day: int | None = None, new_highlights: bool | None = None) -> ReviewSettings:
        settings = self.reviews.set_settings(per_day=per_day, new_highlights=new_highlights)
        self.notify(Changes(review=True))
        return settings
