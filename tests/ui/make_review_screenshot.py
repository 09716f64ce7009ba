"""Save a screenshot of the Review view (offscreen) to docs/screenshots/review.png.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.ui.make_review_screenshot

The sample article with three highlights (one with a note and tags); the view shows the
day's first one, after one rating so the feedback line is visible.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "docs" / "screenshots" / "review.png"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="reader-shots-") as home:
        os.environ["READER_HOME"] = home
        os.environ["READER_NOW"] = "2026-03-02T09:00:00+01:00"
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        from reader.core.library import Library
        from reader.ui import app as ui_app

        app = ui_app.ensure_application(["reader"])
        library = Library(auto_index=False)
        settings = ui_app.open_settings()
        window = ui_app.create_window(library, settings)  # first start: imports the sample
        aid = library.list_articles()[0].id
        note = "The first time: a real policy shift, after months of asking."
        quotes = [
            "allowed Ukraine to use American long-range missiles to attack Russian territory",
            "key military equipment, logistical hubs, and ammunition depots",
            "a limited number of Storm Shadow and SCALP missiles",
        ]
        for quote in quotes:
            library.highlight_quote(aid, quote, note=note if quote == quotes[0] else "",
                                    tags=["policy", "ukraine"] if quote == quotes[0] else [])
        window.resize(1280, 800)
        window.show()
        while not window.ready:
            QApplication.processEvents()
        view = window.review.show_review()
        first = next(i for i, item in enumerate(view.items) if item.note)
        for _ in range(first):
            view.rate("good")
        QTimer.singleShot(300, app.quit)
        app.exec()
        OUT.parent.mkdir(parents=True, exist_ok=True)
        view.grab().save(str(OUT))
        print(f"wrote {OUT}")
        if len(sys.argv) > 1:  # also the summary at the end, to look at (not in the README)
            while view.current is not None:
                view.rate("easy")
            view.grab().save(sys.argv[1])
        window.close()
        library.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
