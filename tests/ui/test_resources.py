"""The files a desktop needs to show Reader: a .desktop entry and its icon."""

from __future__ import annotations

import configparser

from reader.core import paths


def test_desktop_entry_names_the_command_and_an_existing_icon() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive in desktop files
    entry.read(paths.resources_dir() / "reader.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Exec"].split()[0] == "reader"
    assert (paths.resources_dir() / "icons" / f"{section['Icon']}.svg").is_file()
    assert "application/epub+zip" in section["MimeType"]


def test_every_theme_has_a_stylesheet() -> None:
    for name in ("light", "sepia", "dark"):
        assert (paths.resources_dir() / "themes" / f"{name}.qss").read_text(encoding="utf-8").strip()
