"""The app as a user installs it: a wheel built from this checkout, installed into a fresh
venv outside it, must find its own icons, themes and first-start sample (they are read
through importlib.resources, not by a path into the source tree)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_TITLE = "Biden approves use of long-range missiles in Russian territory"

# Runs in the fresh venv: the window's first start, offscreen, reporting what it found.
FIRST_START = r"""
import json, time
from PySide6.QtCore import qInstallMessageHandler

messages = []
qInstallMessageHandler(lambda mode, context, message: messages.append(message))

import reader
from reader.core.library import Library
from reader.ui import app as ui_app, theme

qapp = ui_app.ensure_application(["reader"])
theme.apply_theme(qapp, "dark")
library = Library(auto_index=False)
window = ui_app.create_window(library, ui_app.open_settings())
window.show()
deadline = time.monotonic() + 30
while not window.ready and time.monotonic() < deadline:
    qapp.processEvents()
    time.sleep(0.01)
report = {
    "reader": reader.__file__,
    "ready": bool(window.ready),
    "articles": [(a.title, list(a.tags)) for a in library.list_articles()],
    "stylesheet": len(qapp.styleSheet()),
    "icon": not theme.icon("reader").pixmap(32, 32).isNull(),
    "messages": messages,
}
window.close()
library.close()
print("REPORT " + json.dumps(report))
"""


def run(args: list[str | Path], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=600, **kwargs)  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with only the wheel in it; the heavy dependencies (PySide6, ...) are borrowed
    from the test venv's site-packages by a .pth line, so this takes seconds, not a download."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for name in ("reader", "resources"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    built = run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", tmp / "dist", source])
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = (tmp / "dist").glob("reader_desktop-*.whl")

    venv = tmp / "venv"
    made = run([sys.executable, "-m", "venv", "--without-pip", venv])
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    put = run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index", wheel])
    assert put.returncode == 0, put.stderr[-2000:]
    site = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    # A plain path line: the test venv's own .pth files (its editable install of this
    # checkout among them) are not run, so `reader` can only come from the wheel.
    Path(site, "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return venv


def user_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(READER_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    return env


@pytest.mark.slow
def test_the_wheel_carries_the_resources(installed: Path) -> None:
    site = Path(run([installed / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
                .stdout.strip())
    for name in ("icons/reader.svg", "themes/light.qss", "themes/sepia.qss", "themes/dark.qss",
                 "samples/atacms-news.txt", "reader.desktop"):
        assert (site / "reader" / "resources" / name).is_file(), name
    assert not (site / "resources").exists()  # not a top-level package of its own


@pytest.mark.slow
def test_reader_add_works_from_the_installed_wheel(installed: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"  # not the checkout: nothing can be found by accident
    elsewhere.mkdir()
    article = elsewhere / "note.txt"
    article.write_text("Installed wheels\n\nThe app finds its files wherever it is installed.\n", encoding="utf-8")
    env = user_env(tmp_path / "home")
    added = run([installed / "bin" / "reader", "add", article], cwd=elsewhere, env=env)
    assert added.returncode == 0, added.stderr
    assert "Installed wheels" in added.stdout and added.stderr == ""
    listed = run([installed / "bin" / "reader", "list"], cwd=elsewhere, env=env)
    assert listed.returncode == 0 and "Installed wheels" in listed.stdout


@pytest.mark.slow
def test_first_start_of_the_window_from_the_installed_wheel(installed: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    started = run([installed / "bin" / "python", "-c", FIRST_START], cwd=elsewhere, env=user_env(tmp_path / "home"))
    assert started.returncode == 0, started.stderr[-3000:]
    assert "Cannot open file" not in started.stderr
    (line,) = [x for x in started.stdout.splitlines() if x.startswith("REPORT ")]
    report = json.loads(line.removeprefix("REPORT "))
    assert Path(report["reader"]).is_relative_to(installed)  # the wheel's code, not this checkout's
    assert report["articles"] == [[SAMPLE_TITLE, ["sample"]]]  # the first-start sample was imported
    assert report["ready"] and report["icon"] and report["stylesheet"] > 1000
    assert not [m for m in report["messages"] if "Cannot open file" in m], report["messages"]
