"""The article's tags as chips, and a field to add one."""

from __future__ import annotations

from PySide6.QtCore import (
    QStringListModel,
    Qt,
)
from PySide6.QtWidgets import (
    QCompleter,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.core.errors import ReaderError
from reader.core.library import Library
from reader.ui.errors import attempt
from reader.ui.flow_layout import FlowLayout


class TagsBox(QWidget):
    """The article's tags as chips (click one to remove it) and a field to add one."""

    def __init__(self, library: Library, parent: QWidget | None = None):
        super().__init__(parent)
        self.library = library
        self.article_id: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        title = QLabel("Tags", self)
        title.setProperty("role", "section")
        layout.addWidget(title)
        self.chips = QWidget(self)
        self.flow = FlowLayout(self.chips)
        layout.addWidget(self.chips)
        self.field = QLineEdit(self)
        self.field.setObjectName("articleTagField")
        self.field.setPlaceholderText("Add a tag and press Enter")
        self.completer_model = QStringListModel(self)
        completer = QCompleter(self.completer_model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.field.setCompleter(completer)
        self.field.returnPressed.connect(self._add)
        layout.addWidget(self.field)
        self.error = QLabel(self)
        self.error.setProperty("role", "muted")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)

    def show_tags(self, article_id: int | None, tags: tuple[str, ...]) -> None:
        self.article_id = article_id
        while self.flow.count():
            item = self.flow.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()
        for tag in tags:
            chip = QToolButton(self.chips)
            chip.setProperty("role", "chip")
            chip.setText(f"#{tag}  ×")
            chip.setObjectName(f"tag-{tag}")
            chip.setToolTip(f"Remove the tag '{tag}'")
            chip.clicked.connect(lambda _=False, t=tag: self._remove(t))
            self.flow.addWidget(chip)
        self.chips.setVisible(bool(tags))
        self.field.setEnabled(article_id is not None)
        self.refresh_completions()

    def refresh_completions(self) -> None:
        self.completer_model.setStringList([name for name, _ in self.library.all_tags()])

    def _add(self) -> None:
        names = [t.strip() for t in self.field.text().split(",") if t.strip()]
        if self.article_id is None or not names:
            return
        try:
            self.library.tag(self.article_id, *names)
        except ReaderError as exc:  # said beside the field, where the reader typed the tag
            self.error.setText(str(exc))
            self.error.show()
            return
        self.error.hide()
        self.field.clear()

    def _remove(self, tag: str) -> None:
        if self.article_id is not None:
            attempt(self, "Could not remove the tag", self.library.untag, self.article_id, tag)
