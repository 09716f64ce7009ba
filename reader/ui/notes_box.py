"""The article's notes: a column of note cards and a New note button."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from reader.core.library import Library
from reader.core.models import Note
from reader.ui.errors import FAILED, attempt
from reader.ui.note_card import NoteCard


class NotesBox(QWidget):
    def __init__(self, library: Library, parent: QWidget | None = None):
        super().__init__(parent)
        self.library = library
        self.article_id: int | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.new_button = QPushButton("New note", self)
        self.new_button.setObjectName("newNote")
        self.new_button.setToolTip("Write a note about this article (Ctrl+N)")
        self.new_button.clicked.connect(self.new_note)
        top.addWidget(self.new_button)
        top.addStretch(1)
        outer.addLayout(top)
        scroll = self.scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.container = QWidget(scroll)
        self.cards_layout = QVBoxLayout(self.container)
        self.cards_layout.setContentsMargins(0, 0, 4, 0)
        self.cards_layout.addStretch(1)
        scroll.setWidget(self.container)
        outer.addWidget(scroll, 1)
        self.empty = QLabel("No notes yet. Ctrl+N writes one.", self)
        self.empty.setProperty("role", "empty")
        self.empty.setWordWrap(True)
        outer.addWidget(self.empty)
        self.cards: list[NoteCard] = []

    def minimumSizeHint(self) -> QSize:
        """Wide enough for a card's date and Delete button: nothing cut, no sideways scrolling."""
        hint = super().minimumSizeHint()
        cards = self.container.minimumSizeHint().width() + self.scroll.verticalScrollBar().sizeHint().width()
        return QSize(max(hint.width(), cards), hint.height())

    def show_notes(self, article_id: int | None, notes: list[Note] | tuple[Note, ...]) -> None:
        if article_id != self.article_id:
            self.flush()
            for card in self.cards:
                card.deleteLater()
            self.cards = []
        self.article_id = article_id
        by_id = {n.id: n for n in notes}
        keep: list[NoteCard] = []
        for card in self.cards:
            if card.note_id is None or card.note_id in by_id:
                if card.note_id is not None:
                    card.set_body(by_id[card.note_id].body)
                    card.set_when(by_id[card.note_id])
                keep.append(card)
            else:
                card.deleteLater()
        known = {c.note_id for c in keep}
        self.cards = keep
        for note in notes:
            if note.id not in known:
                self._add_card(NoteCard(note, self.container))
        self.new_button.setEnabled(article_id is not None)
        self._update_empty()

    def _add_card(self, card: NoteCard) -> None:
        card.saveRequested.connect(self._save)
        card.deleteRequested.connect(self._delete)
        self.cards_layout.insertWidget(self.cards_layout.count() - 1, card)
        self.cards.append(card)

    def _update_empty(self) -> None:
        self.empty.setVisible(not self.cards and self.article_id is not None)

    def new_note(self) -> NoteCard | None:
        if self.article_id is None:
            return None
        card = NoteCard(None, self.container)
        self._add_card(card)
        self._update_empty()
        card.start_editing()
        return card

    def _save(self, card: NoteCard, body: str) -> None:
        if self.article_id is None:
            return
        if card.note_id is None:
            if not body.strip():
                return
            note = attempt(self, "Could not save the note", self.library.add_note, self.article_id, body)
            if note is not FAILED:
                card.note_id = note.id
        else:
            attempt(self, "Could not save the note", self.library.update_note, card.note_id, body)

    def _delete(self, card: NoteCard) -> None:
        card._timer.stop()
        if card.note_id is not None:  # the refresh that follows removes the card
            attempt(self, "Could not delete the note", self.library.delete_note, card.note_id)
        else:
            self.cards.remove(card)
            card.deleteLater()
            self._update_empty()

    def flush(self) -> None:
        for card in self.cards:
            if card.editing:
                card.save_now()
