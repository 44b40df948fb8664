"""The house rules a reader can run: layering, private modules, lesson folders, sizes.

The engine (``lab``, ``timeline``, ``explore``, ``services``, ``exercises`` and the
top-level modules) never imports the curriculum or the CLI; the curriculum never
imports the CLI. A private module (``_name``) is imported only from inside the
package that holds it. Every lesson folder has all its parts, and dropping a folder
in is all it takes to add a lesson. No import changes what the registry holds.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import conclab
from conclab.curriculum import build_registry
from conclab.curriculum import lessons as lessons_package
from conclab.curriculum.exercises import exercise_folders
from conclab.curriculum.lessons import PARTS, lesson_folders

SRC = Path(conclab.__file__).parent
MAX_FILE_LINES = 500
MAX_FUNCTION_LINES = 60
#: A function may be longer than MAX_FUNCTION_LINES when a comment on or just above
#: its ``def`` line starts with this and says why.
LONG_MARKER = "# long:"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> list[tuple[str, Path, ast.Module]]:
    return [(_module_name(path), path, ast.parse(path.read_text(encoding="utf-8")))
            for path in sorted(SRC.rglob("*.py"))]


MODULES = _modules()


def _imports(name: str, path: Path, tree: ast.Module) -> list[tuple[int, str]]:
    """Every module ``tree`` imports, absolute, with the line (``from . import x`` resolved)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return [(line, module) for line, module in found if module.startswith("conclab")]


def _layer(module: str) -> str:
    if module == "conclab.__main__":  # ``python -m conclab`` is the command line
        return "cli"
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in ("cli", "curriculum"):
        return parts[1]
    return "engine"


ALLOWED = {"engine": {"engine"}, "curriculum": {"engine", "curriculum"},
           "cli": {"engine", "curriculum", "cli"}}


def test_no_back_arrow_between_layers() -> None:
    wrong = [f"{name}:{line} imports {target}"
             for name, path, tree in MODULES for line, target in _imports(name, path, tree)
             if _layer(target) not in ALLOWED[_layer(name)]]
    assert not wrong, "the engine never imports the curriculum or the CLI:\n" + "\n".join(wrong)


def _private_owner(module: str) -> str | None:
    """The package a private module belongs to (``conclab.lab`` for ``conclab.lab._html``), or None."""
    parts = module.split(".")
    for index, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[:index])
    return None


def test_private_modules_are_imported_only_inside_their_package() -> None:
    wrong = []
    for name, path, tree in MODULES:
        for line, target in _imports(name, path, tree):
            owner = _private_owner(target)
            if owner is not None and name != owner and not name.startswith(owner + "."):
                wrong.append(f"{name}:{line} imports {target} (private to {owner})")
    assert not wrong, "use the package's public names instead:\n" + "\n".join(wrong)


def test_the_rule_finds_a_private_import_across_packages() -> None:
    assert _private_owner("conclab.lab._html") == "conclab.lab"
    assert _private_owner("conclab.lab.LabReport") is None
    tree = ast.parse("from conclab.lab._html import LabHtmlReport\nfrom ._common import x\n")
    imports = _imports("conclab.cli._report", SRC / "cli" / "_report.py", tree)
    assert (1, "conclab.lab._html") in imports and (2, "conclab.cli._common") in imports


@pytest.mark.parametrize("folder", lesson_folders(), ids=lambda folder: folder.name)
def test_every_lesson_folder_has_all_its_parts(folder: Path) -> None:
    missing = [part for part in PARTS if not (folder / part).is_file()]
    assert not missing, f"lessons/{folder.name} lacks {', '.join(missing)}"


def test_every_folder_under_lessons_is_a_lesson() -> None:
    stray = [path.name for path in Path(lessons_package.__file__).parent.iterdir()
             if path.is_dir() and not path.name.startswith(("_", ".")) and not (path / "lab.py").is_file()]
    assert not stray, f"folders under lessons/ without a lab.py: {stray}"


EXERCISE_PARTS = ("__init__.py", "checks.py", "starter.py", "solution.py",
                  "statement.en.md", "statement.ja.md", "hints.en.md", "hints.ja.md")


@pytest.mark.parametrize("folder", exercise_folders(), ids=lambda folder: folder.name)
def test_every_exercise_folder_has_all_its_parts(folder: Path) -> None:
    missing = [part for part in EXERCISE_PARTS if not (folder / part).is_file()]
    assert not missing, f"exercises/{folder.name} lacks {', '.join(missing)}"
    assert list(folder.glob("wrong_*.py")), f"exercises/{folder.name} has no wrong_*.py variant"


_PROBE = textwrap.dedent("""
    import json, sys
    from conclab.curriculum import registry
    if sys.argv[1] == "cli-first":
        import conclab.cli  # noqa: F401
    reg = registry()
    print(json.dumps({"labs": [lab.id for lab in reg.labs()],
                      "entries": [entry.id for entry in reg.entries()]}))
""")


def _registry_ids(order: str) -> dict[str, list[str]]:
    done = subprocess.run([sys.executable, "-c", _PROBE, order], capture_output=True, text=True,
                          timeout=60, check=True)
    return json.loads(done.stdout)


def test_no_import_changes_what_the_registry_holds() -> None:
    alone = _registry_ids("registry-only")
    with_cli = _registry_ids("cli-first")
    assert alone == with_cli
    assert len(alone["labs"]) == len(lesson_folders())
    assert len(alone["entries"]) == len(exercise_folders())


LESSON = {
    "__init__.py": '"""The lesson ``dropped-in``."""\n',
    "example.py": "def greet():\n    return 'hello'\n",
    "lab.py": textwrap.dedent('''
        from conclab.curriculum.lessons.dropped_in import example
        from conclab.lab import Claim, Lab


        def run(ctx):
            ctx.measured["greeting"] = example.greet()


        LAB = Lab(id="dropped-in", chapter="concepts", order=99,
                  title={"en": "A dropped-in lesson", "ja": "置くだけのレッスン"},
                  summary={"en": "One folder is a lesson.", "ja": "フォルダー一つでレッスンになる。"},
                  example=(example.__name__,), run=run,
                  claims=(Claim("greets", {"en": "It said {greeting}.", "ja": "{greeting} と言った。"},
                                lambda m: m["greeting"] == "hello", uses=("greeting",)),))
    '''),
    "en.md": "A lesson that is only a folder.\n\n<!-- results -->\n",
    "ja.md": "フォルダーだけのレッスン。\n\n<!-- results -->\n",
}


def test_dropping_a_folder_in_is_all_a_new_lesson_takes(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "dropped_in"
    folder.mkdir()
    for name, text in LESSON.items():
        (folder / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(lessons_package, "__path__", [*lessons_package.__path__, str(tmp_path)])
    try:
        registry = build_registry()
        lab = registry.lab("dropped-in")
        assert lab.home == folder
        assert registry.prose("dropped-in", "ja").startswith("フォルダーだけのレッスン")
        assert "def greet" in registry.example_source("dropped-in")[0][1]
        from conclab.lab import run_lab

        result = run_lab(lab, lang="en", quick=True)
        assert [claim.held for claim in result.claims] == [True]
    finally:
        for name in [m for m in sys.modules if m.startswith("conclab.curriculum.lessons.dropped_in")]:
            del sys.modules[name]


def test_a_lab_whose_id_is_not_its_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "misnamed"
    folder.mkdir()
    for name, text in LESSON.items():
        text = text.replace("dropped_in", "misnamed")
        (folder / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(lessons_package, "__path__", [*lessons_package.__path__, str(tmp_path)])
    try:
        with pytest.raises(ValueError, match="'dropped-in'.*'misnamed'"):
            build_registry()
    finally:
        for name in [m for m in sys.modules if m.startswith("conclab.curriculum.lessons.misnamed")]:
            del sys.modules[name]


def test_no_source_file_is_over_500_lines() -> None:
    sizes = {str(path.relative_to(SRC)): path.read_text(encoding="utf-8").count("\n")
             for _, path, _ in MODULES}
    big = {path: lines for path, lines in sizes.items() if lines > MAX_FILE_LINES}
    assert not big, f"split these along their seams: {big}"


def _says_why(lines: list[str], node: ast.AST) -> bool:
    start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    nearby = lines[max(0, start - 3): node.lineno]
    return any(LONG_MARKER in line for line in nearby)


def test_no_function_is_over_60_lines_unless_a_comment_says_why() -> None:
    long = []
    for _, path, tree in MODULES:
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES and not _says_why(lines, node):
                    long.append(f"{path.relative_to(SRC)}:{node.lineno} {node.name} ({length} lines)")
    assert not long, f"split these, or say why above the def with '{LONG_MARKER} ...':\n" + "\n".join(long)
