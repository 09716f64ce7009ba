"""Capture settings: the endpoint and its port, the token (with a copy button), the inbox folder."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reader.core.capture import config
from reader.core.capture import token as tokens
from reader.core.capture.inbox import inbox_suffixes
from reader.core.errors import ReaderError

if TYPE_CHECKING:
    from reader.ui.capture_host import CaptureHost


class CaptureSettingsDialog(QDialog):
    def __init__(self, host: CaptureHost, parent: QWidget | None = None):
        super().__init__(parent)
        self.host = host
        self.setObjectName("captureSettings")
        self.setWindowTitle("Browser capture")
        self.setMinimumWidth(560)
        home = host.window.library.home
        runtime = host.runtime
        address = f"http://127.0.0.1:{host.port}"

        form = QFormLayout()
        state = "Listening" if runtime is not None and runtime.server is not None else "Off"
        self.state_label = QLabel(f"{state}: {address}" + (f"\n{host.problem}" if host.problem else ""), self)
        self.state_label.setObjectName("captureState")
        self.state_label.setWordWrap(True)
        form.addRow("Endpoint", self.state_label)
        self.port_label = QLabel(f"{host.port}  (set READER_CAPTURE_PORT to change it)", self)
        self.port_label.setObjectName("capturePort")
        form.addRow("Port", self.port_label)

        token_row = QHBoxLayout()
        try:
            token = runtime.token if runtime is not None else tokens.load_or_create(home)
        except ReaderError as exc:
            token = ""
            self.state_label.setText(str(exc))
        self.token_field = QLineEdit(token, self)
        self.token_field.setObjectName("captureToken")
        self.token_field.setReadOnly(True)
        self.token_field.setEchoMode(QLineEdit.EchoMode.Password)  # on screen only when asked for
        self.show_button = QPushButton("Show", self, checkable=True)
        self.show_button.toggled.connect(self._toggle_token)
        self.copy_button = QPushButton("Copy", self)
        self.copy_button.setObjectName("copyToken")
        self.copy_button.clicked.connect(self.copy_token)
        token_row.addWidget(self.token_field, 1)
        token_row.addWidget(self.show_button)
        token_row.addWidget(self.copy_button)
        form.addRow("Token", token_row)

        inbox_row = QHBoxLayout()
        folder = runtime.inbox_folder if runtime is not None else config.inbox_folder(home)
        self.inbox_field = QLineEdit(str(folder), self)
        self.inbox_field.setObjectName("inboxFolder")
        self.inbox_field.setReadOnly(True)
        change = QPushButton("Change…", self)
        change.clicked.connect(self.choose_inbox)
        default = QPushButton("Default", self)
        default.setToolTip(str(config.default_inbox(home)))
        default.clicked.connect(lambda: self.set_inbox(None))
        inbox_row.addWidget(self.inbox_field, 1)
        inbox_row.addWidget(change)
        inbox_row.addWidget(default)
        form.addRow("Inbox folder", inbox_row)

        help_text = QLabel(
            f"<p>Pages: POST JSON to <code>{address}/api/v1/pages</code> with <code>Authorization: Bearer</code> and "
            "the token.</p><p>SingleFile: Destination → <i>upload to a REST Form API</i>; URL "
            f"<code>{address}/api/v1/singlefile</code>, authorization token: the token, data field name "
            "<code>file</code>, URL field name <code>url</code>.</p><p>Files put into the inbox folder "
            f"({', '.join(inbox_suffixes())}) are imported and moved to <code>imported/</code>, or to "
            "<code>failed/</code> with a note saying why.</p>",
            self,
        )
        help_text.setWordWrap(True)
        help_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # the URLs can be copied
        self.message = QLabel("", self)
        self.message.setObjectName("captureMessage")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(help_text)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def _toggle_token(self, shown: bool) -> None:
        self.token_field.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.show_button.setText("Hide" if shown else "Show")

    def copy_token(self) -> None:
        QGuiApplication.clipboard().setText(self.token_field.text())
        self.message.setText("The token is on the clipboard.")

    def choose_inbox(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Inbox folder", self.inbox_field.text())
        if folder:
            self.set_inbox(folder)

    def set_inbox(self, folder: str | None) -> None:
        """Watch ``folder`` from now on (``None``: the default); a folder that cannot be used is said here."""
        home = self.host.window.library.home
        try:
            if self.host.runtime is not None:
                chosen = self.host.runtime.change_inbox(None if folder is None else Path(folder))
            else:
                chosen = config.set_inbox_folder(folder, home)
        except (ReaderError, OSError) as exc:
            self.message.setText(str(exc))
            return
        self.inbox_field.setText(str(chosen))
        self.message.setText(f"Files put into {chosen} are imported from now on.")
