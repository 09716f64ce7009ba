"""Start the window: ``run(argv) -> int`` (called by ``reader.ui.launch`` after its checks)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QMessageBox

from reader.core import paths, resource_files
from reader.core.errors import ReaderError
from reader.core.library import Library
from reader.ui import theme as themes

FIRST_RUN_KEY = "first_run_done"


def open_settings() -> QSettings:
    """Settings live in the data directory (READER_HOME), beside the library."""
    path = paths.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return QSettings(str(path), QSettings.Format.IniFormat)


def ensure_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv or ["reader"])
    QCoreApplication.setApplicationName(paths.APP_NAME)
    QCoreApplication.setOrganizationName(paths.APP_AUTHOR)
    QApplication.setApplicationDisplayName("Reader")
    app.setWindowIcon(themes.icon("reader"))
    font = QFont()
    font.setFamilies(list(themes.UI_FONTS))
    font.setPointSizeF(10.5)
    app.setFont(font)
    return app


def import_sample_on_first_start(library: Library, settings: QSettings) -> bool:
    """A new user sees an article, not an empty window; only once, and never over their own."""
    if settings.value(FIRST_RUN_KEY, False, type=bool):
        return False
    settings.setValue(FIRST_RUN_KEY, True)
    settings.sync()
    if library.count():
        return False
    try:
        library.add(resource_files.sample_article_path(), tags=["sample"])
    except ReaderError:
        return False
    return True


def create_window(library: Library, settings: QSettings) -> MainWindow:  # noqa: F821
    from reader.ui.main_window import MainWindow

    import_sample_on_first_start(library, settings)
    return MainWindow(library, settings)


def run(argv: list[str]) -> int:
    app = ensure_application(argv)
    sources = [a for a in argv[1:] if not a.startswith("-")]
    from reader.ui import single_instance

    if not single_instance.ensure_single(
        app, args=sources, on_message=lambda text: QMessageBox.information(None, "Reader", text)
    ):
        return 0
    settings = open_settings()
    themes.apply_theme(app, str(settings.value("theme", themes.DEFAULT_THEME)))
    try:
        # The index catches up on a worker thread (the window starts it), not on each change.
        library = Library(auto_index=False)
    except ReaderError as exc:
        QMessageBox.critical(None, "Reader cannot open your library", str(exc))
        return 1
    try:
        window = create_window(library, settings)
        from reader.ui.errors import install_excepthook

        install_excepthook(window)  # an unexpected error is logged and told; the app keeps running
        window.start_capture()  # the browser-capture endpoint and inbox, while the window is open
        window.show()
        guard = single_instance.instance_of(app)
        if guard is not None:  # files given to a second start come here
            guard.activated.connect(lambda args: window.import_sources(list(args)) if args else None)
        if sources:
            window.import_sources(sources)
        return app.exec()
    finally:
        library.close()
