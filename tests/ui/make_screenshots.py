"""Save screenshots of the window (offscreen) to docs/screenshots/{light,dark}.png.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.ui.make_screenshots

The window shows the sample article with highlights (one with a note and tags), an
article note, and, when the search module is present, archive search results.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "docs" / "screenshots"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="reader-shots-") as home:
        os.environ["READER_HOME"] = home
        from PySide6.QtCore import QEventLoop, QTimer
        from PySide6.QtWidgets import QApplication

        from reader.core.library import Library
        from reader.ui import app as ui_app

        ui_app.ensure_application(["reader"])
        library = Library(auto_index=False)
        settings = ui_app.open_settings()
        window = ui_app.create_window(library, settings)  # first start: imports the sample
        aid = library.list_articles()[0].id
        library.highlight_quote(aid, "allowed Ukraine to use American long-range missiles to attack Russian territory",
                                color="yellow", note="The first time: a real policy shift.", tags=["policy"])
        library.highlight_quote(aid, "key military equipment, logistical hubs, and ammunition depots", color="green")
        library.highlight_quote(aid, "a limited number of Storm Shadow and SCALP missiles", color="blue",
                                tags=["allies"])
        library.add_note(aid, "## Why it matters\n\n- ATACMS reach about **305 km**\n- Aimed at units massing near *Kursk*")
        library.tag(aid, "ukraine", "defence")
        window.resize(1440, 900)
        window.show()
        while not window.ready:
            QApplication.processEvents()
        window.open_article(aid)
        window.sidebar.tabs.setCurrentIndex(0)
        window.search_field.setText("missiles range")
        window.run_search("missiles range")
        waited = 0
        while not window.search_panel.model.hits and waited < 150:  # the index catches up first
            loop = QEventLoop()
            QTimer.singleShot(100, loop.quit)
            loop.exec()
            waited += 1
        OUT.mkdir(parents=True, exist_ok=True)
        for theme in ("light", "dark"):
            window.apply_theme(theme)
            window.sidebar.tabs.setCurrentIndex(0 if theme == "light" else 1)  # highlights, then notes
            window.view.scroll_to_offset(0, top=True)
            if theme == "dark" and window.search_panel.model.hits:  # open the hit: its words flash
                window.open_hit(window.search_panel.model.hits[0])
            loop = QEventLoop()  # not app.exec()/quit(): Qt 6 closes the windows on quit
            QTimer.singleShot(300, loop.quit)
            loop.exec()
            path = OUT / f"{theme}.png"
            window.grab().save(str(path))
            print(path)
        window.apply_theme("light")
        window.close()
        library.close()
        QApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
