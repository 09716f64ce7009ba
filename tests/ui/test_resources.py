"""The files a desktop needs to show Reader: a .desktop entry and its icon."""

from __future__ import annotations

import configparser

from reader.core import resource_files


def test_desktop_entry_names_the_command_and_an_existing_icon() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive in desktop files
    entry.read_string(resource_files.read_text("reader.desktop"))
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Exec"].split()[0] == "reader"
    assert resource_files.path("icons", f"{section['Icon']}.svg").is_file()
    assert "application/epub+zip" in section["MimeType"]


def test_every_theme_has_a_stylesheet() -> None:
    for name in ("light", "sepia", "dark"):
        assert resource_files.read_text("themes", f"{name}.qss").strip()
