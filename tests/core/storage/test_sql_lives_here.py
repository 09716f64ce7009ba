"""SQL lives only in ``reader/core/storage/``: a module elsewhere that writes a statement
bypasses the change counter, the error wording and the one-writer rule."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import reader

PACKAGE = Path(reader.__file__).parent
STATEMENT = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|BEGIN|COMMIT|ROLLBACK)\b")
# Search became a package and its SQL moved to storage/index_feed.py: nothing is left out.
NOT_YET: set[str] = set()


def sql_strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and STATEMENT.match(node.value):
            found.append((node.lineno, node.value.strip().splitlines()[0][:60]))
    return found


def test_no_sql_outside_the_storage_package() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith("core/storage/") or rel in NOT_YET:
            continue
        offenders += [f"{rel}:{line}: {text}" for line, text in sql_strings(path)]
    assert offenders == []


def test_the_check_sees_sql_when_there_is_some(tmp_path: Path) -> None:
    sample = tmp_path / "leaky.py"
    sample.write_text('def f(conn):\n    conn.execute("SELECT id FROM articles")\n', encoding="utf-8")
    assert sql_strings(sample) == [(2, "SELECT id FROM articles")]
