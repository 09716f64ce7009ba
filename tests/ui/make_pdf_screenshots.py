"""Save screenshots of a PDF in the window (offscreen) to docs/screenshots/pdf-{light,dark}.png.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.ui.make_pdf_screenshots

The window shows the first page of the PLDI paper in ../shared/pdf with highlights in three
colours (one with a note and a tag) and the sidebar listing them.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "docs" / "screenshots"
PAPER = REPO.parent / "shared" / "pdf" / "text" / "pdfjs-tracemonkey-pldi09.pdf"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="reader-shots-") as home:
        os.environ["READER_HOME"] = home
        from PySide6.QtWidgets import QApplication

        from reader.core.library import Library
        from reader.ui import app as ui_app

        ui_app.ensure_application(["reader"])
        library = Library(auto_index=False)
        settings = ui_app.open_settings()
        settings.setValue(ui_app.FIRST_RUN_KEY, True)
        aid = library.add(PAPER).article_id
        library.highlight_quote(aid, "alternative compilation technique for dynamically-typed languages that identifies"
                                " frequently executed loop traces", color="yellow",
                                note="The paper's idea in one line.", tags=["jit"])
        library.highlight_quote(aid, "traditional compilers need to emit generic code", color="pink")
        library.highlight_quote(aid, "Dynamic languages such as JavaScript, Python, and Ruby, are popular", color="green")
        library.highlight_quote(aid, "a trace-based compilation technique for dynamic languages", color="blue")
        window = ui_app.create_window(library, settings)
        window.resize(1440, 900)
        window.show()
        while not window.ready:
            QApplication.processEvents()
        window.open_article(aid, at=0)
        OUT.mkdir(parents=True, exist_ok=True)
        for theme in ("light", "dark"):
            window.apply_theme(theme)
            window.pdf.view.verticalScrollBar().setValue(int(window.pdf.view._tops[0] + 120))
            end = time.monotonic() + 1.5
            while time.monotonic() < end:
                QApplication.processEvents()
                time.sleep(0.02)
            path = OUT / f"pdf-{theme}.png"
            window.grab().save(str(path))
            print(path)
        window.apply_theme("light")
        window.close()
        library.close()
        QApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
