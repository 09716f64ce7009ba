"""Packaging that pyproject.toml cannot say: the top-level ``resources/`` folder (icons,
themes, the first-start sample) goes into the wheel as the package data of
``reader.resources``, which ``reader/core/resource_files.py`` reads through
importlib.resources. Every folder under ``resources/`` becomes a package of data, so a
new one needs no edit here. Everything else is in pyproject.toml."""

from pathlib import Path

from setuptools import find_packages, setup

RESOURCES = Path("resources")
resource_dirs = {"reader.resources": RESOURCES.as_posix()} | {
    "reader.resources." + ".".join(d.relative_to(RESOURCES).parts): d.as_posix()
    for d in sorted(RESOURCES.rglob("*"))
    if d.is_dir() and not d.name.startswith((".", "__"))
}

setup(
    packages=find_packages(include=["reader*"]) + list(resource_dirs),
    package_dir=resource_dirs,
    package_data={name: ["*"] for name in resource_dirs},
)
