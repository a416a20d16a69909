"""Imports run one way: reports → training → contests → quizzes → accounts, and config above
them all. A module may import from its own app and the apps below it, never from an app above,
not even inside a function (a late import hides a circle, it does not remove it). Apps above
reach the ones below through the signals in accounts/signals.py and quizzes/signals.py."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ["accounts", "quizzes", "contests", "training", "reports", "config"]


def _imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def _upward_imports(app: str) -> list[str]:
    above = set(LAYERS[LAYERS.index(app) + 1:])
    problems = []
    for path in sorted((ROOT / app).rglob("*.py")):
        for lineno, module in _imported_modules(path):
            if module.split(".")[0] in above:
                problems.append(f"{path.relative_to(ROOT)}:{lineno} imports {module}")
    return problems


@pytest.mark.parametrize("app", LAYERS[:-1])
def test_no_app_imports_an_app_above_it(app):
    assert _upward_imports(app) == []


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "late.py"
    module.write_text("def f():\n    from reports.stats import x\n    return x\n", encoding="utf-8")
    assert _imported_modules(module) == [(2, "reports.stats")]


def test_every_app_has_a_layer():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps <= set(LAYERS)
