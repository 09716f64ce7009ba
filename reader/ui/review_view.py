"""The Review view: today's highlights, one at a time, large and calm.

Keys: ``1``-``4`` rate (again, hard, good, easy), ``Enter`` opens the highlight in its
article at the passage, ``D`` discards it from review, ``Esc`` leaves. At the end a small
summary says how many were reviewed and when the next one is due; the daily count and
whether new highlights enter review are set at the bottom. "Now" is ``READER_NOW`` when
set, as for the ``reader review`` commands.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from reader.core.errors import ReaderError
from reader.core.library import Library
from reader.core.review import MAX_PER_DAY, ReviewItem, now_from_env
from reader.ui import theme as themes

RATING_KEYS = {Qt.Key.Key_1: "again", Qt.Key.Key_2: "hard", Qt.Key.Key_3: "good", Qt.Key.Key_4: "easy"}
COLUMN_WIDTH = 680


def _label(text: str = "", *, role: str | None = None, name: str | None = None, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)  # a quote or a note is never markup
    if role:
        label.setProperty("role", role)
    if name:
        label.setObjectName(name)
    return label


def when(moment: datetime, now: datetime) -> str:
    """A due time as a person says it: 'in 10 minutes', 'tomorrow', 'on Thursday 12 March'."""
    moment = moment.astimezone(now.tzinfo)
    minutes = (moment - now).total_seconds() / 60
    if minutes < 60:
        return f"in {max(1, round(minutes))} minute{'s' if round(minutes) > 1 else ''}"
    days = (moment.date() - now.date()).days
    if days == 0:
        return f"today at {moment:%H:%M}"
    if days == 1:
        return "tomorrow"
    return f"on {moment:%A} {moment.day} {moment:%B}" + (f" {moment.year}" if moment.year != now.year else "")


class ReviewView(QDialog):
    """Today's review over the window; emits ``openRequested(article_id, start, end)`` on Enter."""

    openRequested = Signal(int, int, int)

    def __init__(self, library: Library, parent: QWidget | None = None):
        super().__init__(parent)
        self.library = library
        self.setObjectName("reviewView")
        self.setWindowTitle("Review — Reader")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.items: list[ReviewItem] = []
        self.position = 0
        self.reviewed = 0
        self.discarded = 0

        reading = QFont()
        reading.setFamilies(list(themes.READING_FONTS))
        self.progress = _label(role="muted", name="reviewProgress")
        self.title = _label(role="muted", name="reviewTitle")
        self.quote = _label(name="reviewQuote")
        quote_font = QFont(reading)
        quote_font.setPointSizeF(21)
        self.quote.setFont(quote_font)
        self.quote.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.note = _label(name="reviewNote")
        note_font = QFont(reading)
        note_font.setPointSizeF(14)
        note_font.setItalic(True)
        self.note.setFont(note_font)
        self.tags = _label(role="muted", name="reviewTags")
        self.message = _label(role="muted", name="reviewMessage")
        self.buttons: dict[str, QPushButton] = {}
        rate_row = QHBoxLayout()
        rate_row.addStretch(1)
        for number, rating in enumerate(("again", "hard", "good", "easy"), start=1):
            button = QPushButton(f"{number}  {rating.capitalize()}")
            button.setObjectName(f"rate_{rating}")
            button.setAutoDefault(False)  # Enter opens the article; it never presses a button
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, r=rating: self.rate(r))
            self.buttons[rating] = button
            rate_row.addWidget(button)
        rate_row.addStretch(1)
        hints = _label("Enter  open in the article     D  discard from review     Esc  leave", role="muted")
        hints.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)

        card = QWidget()
        col = QVBoxLayout(card)
        col.setSpacing(14)
        col.addStretch(2)
        for widget in (self.progress, self.title, self.quote, self.note, self.tags):
            col.addWidget(widget)
        col.addSpacing(18)
        col.addLayout(rate_row)
        col.addWidget(hints)
        col.addWidget(self.message)
        col.addStretch(3)

        self.summary = _label(name="reviewSummary")
        summary_font = QFont(reading)
        summary_font.setPointSizeF(18)
        self.summary.setFont(summary_font)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.next_due = _label(role="muted", name="reviewNextDue")
        self.next_due.setAlignment(Qt.AlignmentFlag.AlignCenter)
        done_hint = _label("Esc  back to reading", role="muted")
        done_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        end = QWidget()
        end_col = QVBoxLayout(end)
        end_col.addStretch(1)
        end_col.addWidget(self.summary)
        end_col.addWidget(self.next_due)
        end_col.addSpacing(12)
        end_col.addWidget(done_hint)
        end_col.addStretch(1)

        self.pages = QStackedWidget()
        self.pages.addWidget(card)
        self.pages.addWidget(end)
        self.pages.setMaximumWidth(COLUMN_WIDTH)

        settings = self.library.review_settings()
        self.per_day = QSpinBox()
        self.per_day.setObjectName("reviewPerDay")
        self.per_day.setRange(1, MAX_PER_DAY)
        self.per_day.setMaximumWidth(80)
        self.per_day.setValue(settings.per_day)
        self.per_day.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # the digit keys rate, unless clicked here
        self.per_day.editingFinished.connect(self._save_settings)
        self.include_new = QCheckBox("New highlights enter review")
        self.include_new.setObjectName("reviewNewHighlights")
        self.include_new.setChecked(settings.new_highlights)
        self.include_new.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.include_new.toggled.connect(self._save_settings)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(_label("Highlights a day", role="muted", wrap=False))
        bottom.addWidget(self.per_day)
        bottom.addSpacing(18)
        bottom.addWidget(self.include_new)
        bottom.addStretch(1)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(48, 32, 48, 20)
        centre = QHBoxLayout()
        centre.addStretch(1)
        centre.addWidget(self.pages, 100)
        centre.addStretch(1)
        outer.addLayout(centre, 1)
        outer.addLayout(bottom)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    # -- the session ---------------------------------------------------------------------------
    def start(self) -> None:
        """Today's list, asked for now; the session keeps it while you go through it."""
        self.position = self.reviewed = self.discarded = 0
        try:
            self.items = self.library.review_today(None, now_from_env())
        except ReaderError as exc:
            self.items = []
            self.message.setText(str(exc))
        self._show_current()

    @property
    def current(self) -> ReviewItem | None:
        return self.items[self.position] if self.position < len(self.items) else None

    def _show_current(self) -> None:
        item = self.current
        if item is None:
            self._show_summary()
            return
        self.pages.setCurrentIndex(0)
        self.progress.setText(f"{self.position + 1} of {len(self.items)}" + ("  ·  new" if item.state == "new" else ""))
        self.title.setText(item.title)
        self.quote.setText(f"“{' '.join(item.quote.split())}”")
        self.note.setText(item.note.strip())
        self.note.setVisible(bool(item.note.strip()))
        self.tags.setText("  ".join(f"#{t}" for t in item.tags))
        self.tags.setVisible(bool(item.tags))
        self.setFocus()

    def _show_summary(self) -> None:
        self.pages.setCurrentIndex(1)
        if self.reviewed or self.discarded:
            text = f"You reviewed {self.reviewed} highlight{'s' if self.reviewed != 1 else ''}."
            if self.discarded:
                text += f" {self.discarded} left review."
        else:
            text = "Nothing to review today."
        self.summary.setText(text)
        now = now_from_env()
        try:
            nxt = self.library.next_review_due(now)
        except ReaderError:
            nxt = None
        self.next_due.setText(f"The next one is due {when(nxt, now)}." if nxt else
                              "Nothing else is scheduled yet.")
        self.setFocus()

    def _advance(self) -> None:
        self.position += 1
        self._show_current()

    # -- the keys' actions ---------------------------------------------------------------------
    def rate(self, rating: str) -> None:
        item = self.current
        if item is None:
            return
        try:
            result = self.library.rate(item.highlight_id, rating, now_from_env())
        except ReaderError as exc:  # deleted meanwhile, say: tell, and go on with the next
            self.message.setText(str(exc))
        else:
            self.reviewed += 1
            self.message.setText(f"The last one ({rating}) comes back {when(result.due, now_from_env())}.")
        self._advance()

    def discard(self) -> None:
        item = self.current
        if item is None:
            return
        try:
            self.library.discard(item.highlight_id)
        except ReaderError as exc:
            self.message.setText(str(exc))
        else:
            self.discarded += 1
            self.message.setText("Discarded from review (it stays a highlight; Ctrl+Z in the window brings it back).")
        self._advance()

    def open_current(self) -> None:
        item = self.current
        if item is None:
            return
        start = item.start if item.start is not None else -1
        end = item.end if item.end is not None else -1
        self.openRequested.emit(item.article_id, start, end)
        self.accept()

    def _save_settings(self) -> None:
        try:
            self.library.set_review_settings(per_day=self.per_day.value(), new_highlights=self.include_new.isChecked())
        except ReaderError as exc:
            self.message.setText(str(exc))
        self.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        plain = not (event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier))
        if plain and key in RATING_KEYS:
            self.rate(RATING_KEYS[key])
        elif plain and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_current()
        elif plain and key == Qt.Key.Key_D:
            self.discard()
        elif key == Qt.Key.Key_Escape:
            self.reject()
        else:
            super().keyPressEvent(event)
