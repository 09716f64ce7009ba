"""Daily review: meet your highlights again, spaced by FSRS so that they stay.

Each highlight that has been rated carries an FSRS card (state, step, stability,
difficulty, due, last review) and a ``discarded`` flag; one never rated is *new*. The
scheduling is the ``fsrs`` package's ``Scheduler`` (the algorithm Anki ships), with its
default parameters and learning steps (1 and 10 minutes).

Today's review is, up to ``count`` highlights: those due, most overdue first, then new
ones. A highlight in the review state is due on its due *day* (a daily review does not
make you wait for the hour of yesterday's rating); one in a learning step is due at its
minute. New ones are drawn uniformly without replacement over all new highlights (so an
article comes up in proportion to its share of them): each highlight gets a key hashed
from the local date and its id, and the day's order is the order of the keys. Rating one
takes it out of that order without shuffling the rest, so a list asked for twice the same
day, with no rating between, is the same list. At most ``count`` new highlights enter
review per day.

"Now" is ``READER_NOW`` (ISO 8601) when set, so scheduling can be tested without
waiting; its offset (or the machine's, when it has none) says which day "today" is.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from fsrs import Card, Rating, Scheduler, State

from reader.core.errors import HighlightNotFound, InvalidInput
from reader.core.storage import review as rows

RATINGS: dict[str, Rating] = {"again": Rating.Again, "hard": Rating.Hard, "good": Rating.Good, "easy": Rating.Easy}
STATE_NAMES: dict[State, str] = {State.Learning: "learning", State.Review: "review", State.Relearning: "relearning"}
STATES = ("new", "learning", "review", "relearning")

DEFAULT_PER_DAY = 10
MAX_PER_DAY = 1000
PER_DAY_KEY = "review.per_day"
NEW_HIGHLIGHTS_KEY = "review.new_highlights"


# -- now, ratings, times -----------------------------------------------------------------
def now_from_env(environ: Mapping[str, str] | None = None) -> datetime:
    """``READER_NOW`` when set (naive means the machine's local time), else the clock; never naive."""
    value = (os.environ if environ is None else environ).get("READER_NOW", "").strip()
    if not value:
        return datetime.now().astimezone().replace(microsecond=0)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    except ValueError:
        raise InvalidInput(f"READER_NOW '{value}' is not an ISO 8601 date-time (e.g. 2026-03-01T09:00:00+01:00).") from None
    return moment if moment.tzinfo is not None else moment.astimezone()


def aware(now: datetime | None) -> datetime:
    if now is None:
        return now_from_env()
    return now if now.tzinfo is not None else now.astimezone()


def parse_rating(text: str | Rating) -> Rating:
    if isinstance(text, Rating):
        return text
    rating = RATINGS.get(str(text).strip().lower())
    if rating is None:
        raise InvalidInput(f"'{text}' is not a rating; use again, hard, good or easy.")
    return rating


def iso_utc(moment: datetime) -> str:
    """How times are stored: UTC, whole seconds, so that they compare as strings."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def day_bounds(now: datetime) -> tuple[datetime, datetime]:
    """The local day holding ``now`` (in ``now``'s offset), as [start, end)."""
    start = datetime.combine(now.date(), time(0), now.tzinfo)
    return start, start + timedelta(days=1)


def draw_key(seed: str, highlight_id: int) -> bytes:
    """A highlight's place in the day's draw: sorting by it is a uniform random permutation."""
    return hashlib.blake2b(f"{seed}:{highlight_id}".encode(), digest_size=8).digest()


# -- records ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ReviewState:
    """One highlight's review state, as stored."""

    highlight_id: int
    state: str = "new"
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: str | None = None
    last_review: str | None = None
    first_review: str | None = None
    discarded: bool = False

    @classmethod
    def from_row(cls, row: Any) -> ReviewState:
        return cls(row["highlight_id"], row["state"], row["step"], row["stability"], row["difficulty"],
                   row["due"], row["last_review"], row["first_review"], bool(row["discarded"]))

    def to_row(self) -> dict[str, Any]:
        return {"highlight_id": self.highlight_id, "state": self.state, "step": self.step,
                "stability": self.stability, "difficulty": self.difficulty, "due": self.due,
                "last_review": self.last_review, "first_review": self.first_review,
                "discarded": int(self.discarded)}

    def to_json(self) -> dict[str, Any]:
        """The ``review`` of a highlight in the JSON export (``step`` too, so a restore resumes it exactly)."""
        return {"state": self.state, "due": self.due, "stability": self.stability, "difficulty": self.difficulty,
                "last_review": self.last_review, "discarded": self.discarded, "step": self.step}

    @classmethod
    def from_json(cls, highlight_id: int, obj: Mapping[str, Any]) -> ReviewState:
        """Read back ``to_json``; a ValueError or TypeError names what is wrong."""
        if not isinstance(obj, Mapping):
            raise TypeError("its review is not an object")
        state = obj.get("state") or "new"
        if state not in STATES:
            raise ValueError(f"unknown review state {state!r}")
        due, last = obj.get("due"), obj.get("last_review")
        for name, value in (("due", due), ("last_review", last)):
            if value is not None and parse_time(str(value)).tzinfo is None:  # type: ignore[union-attr]
                raise ValueError(f"the review {name} {value!r} has no time zone")
        if state != "new" and due is None:
            raise ValueError(f"a highlight in review state {state!r} needs a due time")
        step = obj.get("step")
        if step is None and state == "learning":
            step = 0
        return cls(
            highlight_id, state, None if step is None else int(step), _number(obj.get("stability")),
            _number(obj.get("difficulty")), iso_utc(parse_time(str(due))) if due else None,  # type: ignore[arg-type]
            iso_utc(parse_time(str(last))) if last else None, None, bool(obj.get("discarded")),  # type: ignore[arg-type]
        )

    def card(self, now_utc: datetime) -> Card:
        if self.state == "new":
            return Card(card_id=self.highlight_id, state=State.Learning, step=0, due=now_utc)
        state = {v: k for k, v in STATE_NAMES.items()}[self.state]
        return Card(card_id=self.highlight_id, state=state, step=self.step, stability=self.stability,
                    difficulty=self.difficulty, due=parse_time(self.due) or now_utc,
                    last_review=parse_time(self.last_review))


@dataclass(frozen=True)
class ReviewItem:
    """One highlight in today's review: what it shows and why it is there."""

    highlight_id: int
    article_id: int
    title: str
    quote: str
    note: str
    tags: tuple[str, ...]
    start: int | None
    end: int | None
    state: str  # "new" or "review"
    due: datetime | None = None

    def to_json(self, tz: Any = None) -> dict[str, Any]:
        due = self.due.astimezone(tz).isoformat() if self.due is not None else None
        return {"highlight_id": self.highlight_id, "article_id": self.article_id, "title": self.title,
                "quote": self.quote, "note": self.note, "tags": list(self.tags), "state": self.state, "due": due}


@dataclass(frozen=True)
class RateResult:
    highlight_id: int
    due: datetime
    state: str  # the FSRS state after the rating: learning, review or relearning

    def to_json(self, tz: Any = None) -> dict[str, Any]:
        return {"highlight_id": self.highlight_id, "due": self.due.astimezone(tz).isoformat(), "state": self.state}


@dataclass(frozen=True)
class ReviewSettings:
    per_day: int = DEFAULT_PER_DAY
    new_highlights: bool = True  # whether never-reviewed highlights enter review


@dataclass
class Review:
    """Review state of a library's highlights; ``Library`` owns one and notifies for it."""

    storage: Any
    scheduler: Scheduler = field(default_factory=Scheduler)

    # -- settings ----------------------------------------------------------------------
    def settings(self) -> ReviewSettings:
        with self.storage.read() as conn:
            per_day, new = rows.get_setting(conn, PER_DAY_KEY), rows.get_setting(conn, NEW_HIGHLIGHTS_KEY)
        return ReviewSettings(DEFAULT_PER_DAY if per_day is None else int(per_day), new is None or bool(int(new)))

    def set_settings(self, *, per_day: int | None = None, new_highlights: bool | None = None) -> ReviewSettings:
        if per_day is not None and not (isinstance(per_day, int) and 1 <= per_day <= MAX_PER_DAY):
            raise InvalidInput(f"{per_day!r} highlights a day is not possible; choose 1 to {MAX_PER_DAY}.")
        with self.storage.transaction() as conn:
            if per_day is not None:
                rows.set_setting(conn, PER_DAY_KEY, per_day)
            if new_highlights is not None:
                rows.set_setting(conn, NEW_HIGHLIGHTS_KEY, int(bool(new_highlights)))
        return self.settings()

    # -- today's review ----------------------------------------------------------------
    def today(self, count: int | None = None, now: datetime | None = None) -> list[ReviewItem]:
        now = aware(now)
        settings = self.settings()
        count = settings.per_day if count is None else int(count)
        if count < 1:
            raise InvalidInput(f"{count} is not a number of highlights to review; give 1 or more.")
        day_start, day_end = day_bounds(now)
        now_key = iso_utc(now)
        with self.storage.read() as conn:
            # Review-state cards are due on their day; learning steps at their minute.
            due = [ReviewState.from_row(r) for r in rows.due_by(conn, iso_utc(day_end))]
            due = [s for s in due if s.state == "review" or (s.due or "") <= now_key][:count]
            picked: list[tuple[int, str, datetime | None]] = [(s.highlight_id, "review", parse_time(s.due)) for s in due]
            if settings.new_highlights and len(picked) < count:
                introduced = rows.introduced_between(conn, iso_utc(day_start), iso_utc(day_end))
                allowance = min(count - len(picked), max(0, count - introduced))
                seed = now.date().isoformat()
                new_ids = sorted(rows.new_highlight_ids(conn), key=lambda hid: draw_key(seed, hid))[:allowance]
                picked += [(hid, "new", None) for hid in new_ids]
            info = rows.details(conn, [hid for hid, _, _ in picked])
        return [
            ReviewItem(hid, d["article_id"], d["title"], d["quote"], d["note"], tuple(d["tags"]), d["start"],
                       d["end"], state, when)
            for hid, state, when in picked
            if (d := info.get(hid)) is not None
        ]

    def next_due(self, now: datetime | None = None) -> datetime | None:
        """When the next highlight falls due after ``now`` (None: nothing is scheduled)."""
        with self.storage.read() as conn:
            return parse_time(rows.next_due_after(conn, iso_utc(aware(now))))

    # -- state -------------------------------------------------------------------------
    def state(self, highlight_id: int) -> ReviewState | None:
        with self.storage.read() as conn:
            row = rows.get(conn, highlight_id)
        return ReviewState.from_row(row) if row is not None else None

    def states(self, highlight_ids: Sequence[int]) -> dict[int, ReviewState]:
        with self.storage.read() as conn:
            found = rows.of_highlights(conn, highlight_ids)
        return {hid: ReviewState.from_row(r) for hid, r in found.items()}

    def put_back(self, highlight_id: int, old: ReviewState | None) -> None:
        """Set a highlight's review state to ``old`` (None: new again); for undo and restore."""
        with self.storage.transaction() as conn:
            if old is None:
                rows.remove(conn, highlight_id)
            else:
                rows.put(conn, old.to_row())

    # -- rating and discarding ----------------------------------------------------------
    def rate(self, highlight_id: int, rating: str | Rating, now: datetime | None = None) -> RateResult:
        """Record a rating at ``now`` and schedule the next review; nothing changes on an error."""
        highlight_id = _highlight_id(highlight_id)
        now = aware(now)
        with self.storage.transaction() as conn:
            old = self._live_state(conn, highlight_id)
            rating = parse_rating(rating)
            if old.discarded:
                raise InvalidInput(f"Highlight {highlight_id} was discarded from review, so it cannot be rated.")
            now_utc = now.astimezone(UTC).replace(microsecond=0)
            card, _log = self.scheduler.review_card(old.card(now_utc), rating, review_datetime=now_utc)
            new = ReviewState(
                highlight_id, STATE_NAMES[card.state], card.step, card.stability, card.difficulty,
                iso_utc(card.due), iso_utc(now_utc), old.first_review or iso_utc(now_utc), False,
            )
            rows.put(conn, new.to_row())
        return RateResult(highlight_id, card.due.replace(microsecond=0), new.state)

    def discard(self, highlight_id: int) -> ReviewState | None:
        """Take a highlight out of review for good (it stays a highlight); returns the state before."""
        highlight_id = _highlight_id(highlight_id)
        with self.storage.transaction() as conn:
            old = self._live_state(conn, highlight_id)
            if not old.discarded:
                rows.put(conn, {**old.to_row(), "discarded": 1})
        return None if old.state == "new" and not old.discarded else old

    def _live_state(self, conn: Any, highlight_id: int) -> ReviewState:
        if not rows.live_highlight(conn, highlight_id):
            raise HighlightNotFound(highlight_id)
        row = rows.get(conn, highlight_id)
        return ReviewState.from_row(row) if row is not None else ReviewState(highlight_id)


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _highlight_id(value: Any) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InvalidInput(f"'{value}' is not a highlight id (a number, as 'reader show ID --json' lists them).") from None
    if number < 1:
        raise HighlightNotFound(value)
    return number
