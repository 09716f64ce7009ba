"""Start the window, after checking what Qt would otherwise abort on.

On Linux, Qt's xcb plugin needs system libraries that a minimal machine lacks; without
them Qt aborts with "could not load the Qt platform plugin". We check first and name the
packages to install, and say so plainly when there is no display at all.
"""

from __future__ import annotations

import ctypes.util
import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

# Qt 6.5+ loads libxcb-cursor at run time, so ldd of the plugin does not show it.
RUNTIME_LIBRARIES = ("libxcb-cursor.so.0",)
# Sonames whose Debian package name does not follow the usual pattern.
PACKAGE_OF = {"libEGL.so.1": "libegl1", "libGL.so.1": "libgl1", "libX11-xcb.so.1": "libx11-xcb1"}


def debian_package(soname: str) -> str:
    """libxcb-icccm.so.4 -> libxcb-icccm4; libxkbcommon-x11.so.0 -> libxkbcommon-x11-0."""
    if soname in PACKAGE_OF:
        return PACKAGE_OF[soname]
    base, _, version = soname.partition(".so.")
    version = version.split(".")[0]
    return f"{base.lower()}-{version}" if base[-1:].isdigit() else f"{base.lower()}{version}"


def _qt_dir() -> Path | None:
    spec = importlib.util.find_spec("PySide6")  # finds the package without importing Qt
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "Qt"


def missing_libraries() -> list[str]:
    """Sonames the xcb platform plugin needs that the dynamic linker cannot find."""
    missing: list[str] = []
    qt = _qt_dir()
    plugin = qt / "plugins" / "platforms" / "libqxcb.so" if qt else None
    if plugin and plugin.exists() and shutil.which("ldd"):
        env = dict(os.environ, LD_LIBRARY_PATH=str(qt / "lib"))
        try:
            out = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, env=env, timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        for line in out.splitlines():
            if "not found" in line:
                name = line.split("=>")[0].strip()
                if name not in missing:
                    missing.append(name)
    for soname in RUNTIME_LIBRARIES:
        if soname not in missing and ctypes.util.find_library(soname[3:].split(".so")[0]) is None:
            missing.append(soname)
    return missing


HEADLESS_PLATFORMS = {"offscreen", "minimal", "vnc", "eglfs", "linuxfb"}


def check_environment(env: dict[str, str] | None = None, platform: str | None = None) -> str | None:
    """A message saying why the window cannot start here, or None when it can."""
    env = dict(os.environ if env is None else env)
    platform = platform or sys.platform
    if not platform.startswith("linux"):
        return None
    qpa = env.get("QT_QPA_PLATFORM", "")
    if qpa.split(":")[0] in HEADLESS_PLATFORMS:
        return None
    wants_wayland = qpa.startswith("wayland") or (not qpa and env.get("WAYLAND_DISPLAY"))
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        return (
            "There is no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set); "
            "start Reader from a desktop session, or use the command line: reader --help."
        )
    if wants_wayland:
        return None
    missing = missing_libraries()
    if missing:
        packages = sorted({debian_package(name) for name in missing})
        return (
            f"The window needs system libraries this machine lacks ({', '.join(missing)}); "
            f"on Debian or Ubuntu install them with: sudo apt-get install {' '.join(packages)}"
        )
    return None


def main(argv: Sequence[str] | None = None) -> int:
    problem = check_environment()
    if problem:
        sys.stderr.write(f"reader: {problem}\n")
        return 1
    from reader.ui.app import run

    return run(list(sys.argv if argv is None else argv))


if __name__ == "__main__":
    raise SystemExit(main())
