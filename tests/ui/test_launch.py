"""The launcher's checks run before Qt, so a missing display or library is one clear sentence."""

from __future__ import annotations

import pytest

from reader.ui import launch


def test_no_display_is_said_plainly() -> None:
    message = launch.check_environment({}, platform="linux")
    assert message is not None and "no display" in message


def test_offscreen_and_other_systems_need_no_check() -> None:
    assert launch.check_environment({"QT_QPA_PLATFORM": "offscreen"}, platform="linux") is None
    assert launch.check_environment({}, platform="darwin") is None


def test_missing_xcb_libraries_are_named_with_the_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(launch, "missing_libraries", lambda: ["libxcb-icccm.so.4", "libxcb-cursor.so.0"])
    message = launch.check_environment({"DISPLAY": ":0"}, platform="linux")
    assert message is not None
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4" in message


@pytest.mark.parametrize(
    ("soname", "package"),
    [
        ("libxcb-icccm.so.4", "libxcb-icccm4"),
        ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
        ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
        ("libxcb-render-util.so.0", "libxcb-render-util0"),
        ("libEGL.so.1", "libegl1"),
    ],
)
def test_debian_package_names(soname: str, package: str) -> None:
    assert launch.debian_package(soname) == package


def test_main_refuses_without_display(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(launch, "check_environment", lambda: "There is no display.")
    assert launch.main([]) == 1
    assert capsys.readouterr().err == "reader: There is no display.\n"
