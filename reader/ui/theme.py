"""Themes: the window's stylesheet (resources/themes/*.qss) and the article's colours.

The QSS files style the chrome; the article page is painted from :class:`ArticleColors`
because highlight backgrounds live in the text document, not in a stylesheet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from reader.core import resource_files

THEMES = ("light", "sepia", "dark")
DEFAULT_THEME = "light"
DEFAULT_FONT_SIZE = 15
MIN_FONT_SIZE, MAX_FONT_SIZE = 11, 32
# Serif faces read best in long text; the first one installed wins.
READING_FONTS = ("Charter", "Georgia", "Source Serif Pro", "Noto Serif", "Liberation Serif", "DejaVu Serif", "serif")
UI_FONTS = ("Inter", "Cantarell", "Noto Sans", "DejaVu Sans", "sans-serif")
MONO_FONTS = ("JetBrains Mono", "Source Code Pro", "Noto Sans Mono", "DejaVu Sans Mono", "monospace")


@dataclass(frozen=True)
class ArticleColors:
    page: str
    text: str
    muted: str
    link: str
    code_bg: str
    rule: str
    flash: str
    find: str
    find_current: str
    selection: str  # the selection in the article: unlike every highlight colour
    selection_text: str
    # Highlight colour name -> background. Pastel on light pages, deep and muted on dark.
    highlights: dict[str, str] = field(default_factory=dict)


HIGHLIGHT_NAMES = ("yellow", "green", "blue", "pink", "purple", "orange")

_COLORS = {
    "light": ArticleColors(
        page="#fdfdfb", text="#1f2328", muted="#6a6f76", link="#1f5fa8", code_bg="#f1f1ee", rule="#e4e4df",
        flash="#ffb44d", find="#c9ddf7", find_current="#8ab6ef",
        selection="#3a68c8", selection_text="#ffffff",
        highlights={
            "yellow": "#fbeb8e", "green": "#c8edb9", "blue": "#c3dcf7",
            "pink": "#f8c8dc", "purple": "#dccdf5", "orange": "#fdd2a6",
        },
    ),
    "sepia": ArticleColors(
        page="#f6efdf", text="#3b3126", muted="#7d6e5b", link="#8a4b12", code_bg="#ece2cc", rule="#e0d4bb",
        flash="#e9a24a", find="#dccba3", find_current="#c9b07a",
        selection="#7a4a1e", selection_text="#fff8ec",
        highlights={
            "yellow": "#f3dc82", "green": "#cfe0a8", "blue": "#c4d6df",
            "pink": "#efc2c0", "purple": "#d8c6dc", "orange": "#f1c591",
        },
    ),
    "dark": ArticleColors(
        page="#1c1e21", text="#d9d6cf", muted="#8e9197", link="#8ab4f0", code_bg="#26292d", rule="#33363b",
        flash="#a8661f", find="#2f4a6e", find_current="#46699a",
        selection="#9cc3ff", selection_text="#14171a",
        highlights={
            "yellow": "#5c5220", "green": "#2f5231", "blue": "#284a6b",
            "pink": "#64304a", "purple": "#4a3a6b", "orange": "#6b4520",
        },
    ),
}


def article_colors(theme: str) -> ArticleColors:
    return _COLORS.get(theme, _COLORS[DEFAULT_THEME])


def highlight_color(theme: str, name: str) -> QColor:
    """Background for a highlight colour name (or a #rrggbb the user chose), in this theme."""
    colors = article_colors(theme)
    if name in colors.highlights:
        return QColor(colors.highlights[name])
    color = QColor(name)
    if not color.isValid():
        return QColor(colors.highlights["yellow"])
    if theme == "dark":  # keep custom colours readable under light text
        color = color.darker(260)
    return color


def swatch_color(name: str) -> QColor:
    """The colour shown on a colour button: the light theme's, the same in every theme."""
    return highlight_color("light", name)


@lru_cache(maxsize=8)
def stylesheet(theme: str) -> str:
    try:
        return resource_files.read_text("themes", f"{theme}.qss")
    except OSError:
        return ""


def apply_theme(app: QApplication, theme: str) -> None:
    """Style the whole window; the article view repaints itself from :func:`article_colors`."""
    colors = article_colors(theme)
    palette = QPalette()
    dark = theme == "dark"
    window = QColor("#202226" if dark else ("#efe7d4" if theme == "sepia" else "#f3f3f1"))
    base = QColor(colors.page)
    text = QColor(colors.text)
    palette.setColor(QPalette.ColorRole.Window, window)
    palette.setColor(QPalette.ColorRole.WindowText, text)
    palette.setColor(QPalette.ColorRole.Base, base)
    palette.setColor(QPalette.ColorRole.AlternateBase, window)
    palette.setColor(QPalette.ColorRole.Text, text)
    palette.setColor(QPalette.ColorRole.Button, window)
    palette.setColor(QPalette.ColorRole.ButtonText, text)
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor(colors.muted))
    palette.setColor(QPalette.ColorRole.ToolTipBase, base)
    palette.setColor(QPalette.ColorRole.ToolTipText, text)
    palette.setColor(QPalette.ColorRole.Link, QColor(colors.link))
    selection = {"light": "#cfdff3", "sepia": "#e4d3ae", "dark": "#34496a"}[theme if theme in THEMES else DEFAULT_THEME]
    palette.setColor(QPalette.ColorRole.Highlight, QColor(selection))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor(colors.text))
    app.setPalette(palette)
    app.setStyleSheet(stylesheet(theme))


def icon(name: str) -> QIcon:
    return QIcon(str(resource_files.path("icons", f"{name}.svg")))
