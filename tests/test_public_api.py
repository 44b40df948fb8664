"""The public surface: each package's ``__all__`` is real, and it is what the outside uses.

The CLI and the curriculum reach the engine through its packages' public names
only (``tests/test_architecture.py`` forbids private modules across packages); a
name they import must be listed in ``__all__``, so the public surface is written
down where a reader looks for it.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

PUBLIC = ["conclab.timeline", "conclab.lab", "conclab.explore", "conclab.services", "conclab.exercises",
          "conclab.play"]
SRC = Path(__file__).parent.parent / "src" / "conclab"


@pytest.mark.parametrize("name", PUBLIC)
def test_every_exported_name_exists(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported, f"{name} has no __all__"
    missing = [item for item in exported if not hasattr(module, item)]
    assert not missing, f"{name} exports names it does not have: {missing}"
    assert len(set(exported)) == len(exported), f"{name} lists a name twice"


def _names_imported_from_engine() -> list[tuple[str, str, str]]:
    """(file, package, name) for each ``from conclab.<engine package> import name`` outside it."""
    found = []
    for path in [*(SRC / "cli").rglob("*.py"), *(SRC / "curriculum").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in PUBLIC:
                found += [(str(path.relative_to(SRC)), node.module, alias.name) for alias in node.names]
    return found


def test_what_the_cli_and_the_curriculum_use_is_exported() -> None:
    used = _names_imported_from_engine()
    assert len(used) > 50  # the CLI and the curriculum do use the engine
    unlisted = [f"{path}: {package}.{name}" for path, package, name in used
                if name not in importlib.import_module(package).__all__]
    assert not unlisted, "add these to the package's __all__:\n" + "\n".join(unlisted)
