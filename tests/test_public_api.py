"""The public surface: each package's ``__all__`` names exist, and the engine keeps its layering."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

PUBLIC = ["conclab.timeline", "conclab.lab", "conclab.explore", "conclab.services", "conclab.exercises"]
ENGINE = ["lab", "timeline", "explore", "services", "exercises"]
SRC = Path(__file__).parent.parent / "src" / "conclab"


@pytest.mark.parametrize("name", PUBLIC)
def test_every_exported_name_exists(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported, f"{name} has no __all__"
    missing = [item for item in exported if not hasattr(module, item)]
    assert not missing, f"{name} exports names it does not have: {missing}"


@pytest.mark.parametrize("package", ENGINE)
def test_the_engine_never_imports_the_curriculum_or_the_cli(package: str) -> None:
    offenders = []
    for path in (SRC / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for imported in names:
                if imported.startswith(("conclab.curriculum", "conclab.cli")):
                    offenders.append(f"{path.relative_to(SRC)}: {imported}")
    assert not offenders
