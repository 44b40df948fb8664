"""Loading a scenario file (or a built-in) and checking it at the door.

A scenario is a plain Python file (see docs/explore.md): shared state at module
level, optional ``setup()``, ``THREADS = [...]`` or ``TASKS = [...]``, optional
``check()``. The file is compiled once and executed afresh for every schedule
(while the scheduler-aware primitives are installed), so every schedule starts
from the same state even without ``setup()``, and ``from threading import Lock``
picks up the explorer's lock.
"""

from __future__ import annotations

import ast
import difflib
import inspect
import linecache
import os
import sys
import traceback
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conclab.errors import ConclabError
from conclab.explore._bilingual import exception_text
from conclab.explore._enums import FindingKind
from conclab.explore._findings import RawFinding
from conclab.explore._messages import MESSAGES

SCENARIO_DIR = Path(__file__).parent / "scenarios"


def builtin_names() -> list[str]:
    """Names of the built-in scenarios (``lost-update``, ``locked-counter``, ...)."""
    return sorted(p.stem.replace("_", "-") for p in SCENARIO_DIR.glob("*.py")
                  if not p.stem.startswith("_"))


def builtin_path(name: str) -> Path:
    return SCENARIO_DIR / (name.replace("-", "_") + ".py")


def builtin_info(name: str, lang: str = "en") -> dict[str, str]:
    """A built-in's one-line summary in ``lang`` and what it is expected to show (``bug`` or ``fixed``).

    Read from the file's docstring, without running it: the first line is the
    summary; a line ``ja: ...`` gives it in Japanese (English is shown when it
    is missing); a line ``Expect: none`` marks a fixed version that must report
    no finding, and ``Fixes: NAME`` names the scenario it fixes.
    """
    source = builtin_path(name).read_text(encoding="utf-8")
    doc = ast.get_docstring(ast.parse(source)) or ""
    lines = [line.strip() for line in doc.splitlines()]
    summary = lines[0] if lines else ""
    expect = "bug"
    fixes = ""
    for line in lines:
        key, _, value = line.partition(":")
        if key.lower() == "expect":
            expect = "none" if "none" in value.lower() else "bug"
        elif key.lower() == "fixes":
            fixes = value.strip()
        elif key.lower() == "ja" and lang == "ja" and value.strip():
            summary = value.strip()
    return {"name": name, "summary": summary, "expect": expect, "fixes": fixes}


@dataclass
class Scenario:
    """A compiled scenario, ready to be executed once per schedule."""

    name: str
    path: str
    code: types.CodeType
    kind: str = "threads"                  # "threads" or "tasks"
    labels: list[str] = field(default_factory=list)
    has_setup: bool = False

    @property
    def module_name(self) -> str:
        return "conclab_scenario_" + "".join(c if c.isalnum() else "_" for c in self.name)

    def __post_init__(self) -> None:
        self._module_name = self.module_name

    def namespace(self) -> dict[str, Any]:
        """Execute the module afresh and return its globals."""
        name = self._module_name
        module = types.ModuleType(name)
        module.__file__ = self.path
        previous = sys.modules.get(name)
        sys.modules[name] = module
        try:
            exec(self.code, module.__dict__)
        except Exception as exc:
            raise ConclabError(
                f"{_where(exc, self.path)}: the scenario raised {type(exc).__name__}: {exc} while "
                "loading; fix the module-level code",
                ja=f"{_where(exc, self.path)}: シナリオの読み込み中に {type(exc).__name__}: {exc} が起きました。モジュールの最上位のコードを直してください") from None
        finally:
            if previous is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = previous
        return module.__dict__

    def entries(self, namespace: dict[str, Any]) -> list[Callable[..., Any]]:
        return list(namespace["TASKS" if self.kind == "tasks" else "THREADS"])

    def jobs(self, namespace: dict[str, Any], run: Any) -> list[tuple[str, Callable[[], Any]]]:
        """What each worker thread runs: one per THREADS entry, or one event loop for TASKS."""
        funcs = self.entries(namespace)
        if self.kind == "tasks":
            from conclab.explore._async import run_tasks

            return [("asyncio", lambda: run_tasks(run, funcs))]
        return [(getattr(f, "__name__", "thread"), f) for f in funcs]

    def call_setup(self, namespace: dict[str, Any]) -> None:
        setup = namespace.get("setup")
        if not callable(setup):
            return
        try:
            setup()
        except Exception as exc:
            raise ConclabError(
                f"{_where(exc, self.path)}: setup() raised {type(exc).__name__}: {exc}; "
                "setup() must only reset shared state",
                ja=f"{_where(exc, self.path)}: setup() が {type(exc).__name__}: {exc} を送出しました。setup() では共有状態のリセットだけをしてください") from None

    def call_check(self, namespace: dict[str, Any], session: Any) -> RawFinding | None:
        check = namespace.get("check")
        if not callable(check):
            return None
        lang = session.lang
        try:
            check()
        except AssertionError as exc:
            file, line, source = _frame_of(exc, self.path)
            detail = exception_text(exc, lang) or source or "AssertionError"
            return RawFinding(
                kind=FindingKind.ASSERTION,
                message=MESSAGES.get("finding.assertion", lang, where=session.where(file, line), detail=detail),
                file=file, line=line, source=source,
                traceback="".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
            )
        except Exception as exc:
            file, line, source = _frame_of(exc, self.path)
            return RawFinding(
                kind=FindingKind.EXCEPTION,
                message=MESSAGES.get("finding.check-exception", lang, where=session.where(file, line),
                                     detail=f"{type(exc).__name__}: {exception_text(exc, lang)}"),
                file=file, line=line, source=source,
                traceback="".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
            )
        return None


def _frame_of(exc: BaseException, path: str) -> tuple[str, int, str]:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == path]
    if not frames:
        return path, 0, ""
    last = frames[-1]
    return last.filename, last.lineno or 0, (last.line or "").strip()


def _where(exc: BaseException, path: str) -> str:
    file, line, _ = _frame_of(exc, path)
    return f"{file}:{line}" if line else file


def resolve(spec: str | os.PathLike[str] | types.ModuleType) -> tuple[str, Path]:
    """(display name, path) of a scenario given as a built-in name, a path or a module."""
    if isinstance(spec, types.ModuleType):
        file = getattr(spec, "__file__", None)
        if not file:
            raise ConclabError(
                f"module {spec.__name__!r} has no source file; pass the path of a scenario file instead",
                ja=f"モジュール {spec.__name__!r} にはソースファイルがありません。シナリオファイルのパスを指定してください")
        return spec.__name__, Path(file)
    text = os.fspath(spec)
    path = Path(text)
    if text in builtin_names():
        return text, builtin_path(text)
    if path.is_file():
        return path.name, path
    if path.exists():
        raise ConclabError(f"{text} is not a file; give a scenario .py file or a built-in name",
                           ja=f"{text} はファイルではありません。シナリオの .py ファイルか、組み込みの名前を指定してください")
    if text.endswith(".py") or os.sep in text or "/" in text:
        raise ConclabError(f"no such scenario file: {text}; check the path",
                           ja=f"シナリオファイル {text} がありません。パスを確かめてください")
    close = difflib.get_close_matches(text, builtin_names(), n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}? " if close else ""
    hint_ja = f"もしかして {'、'.join(close)} ですか？" if close else ""
    raise ConclabError(f"unknown built-in scenario {text!r}; {hint}see 'conclab explore --list'",
                       ja=f"組み込みのシナリオ {text!r} はありません。{hint_ja}'conclab explore --list' で確かめてください")


def load(spec: str | os.PathLike[str] | types.ModuleType) -> Scenario:
    """Read and compile a scenario; syntax errors name the file and line."""
    name, path = resolve(spec)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConclabError(f"cannot read scenario {path}: {exc}",
                           ja=f"シナリオ {path} を読めません: {exc}") from None
    filename = str(path.resolve())
    try:
        code = compile(source, filename, "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise ConclabError(
            f"{path}:{exc.lineno}: syntax error: {exc.msg}; fix the scenario file",
            ja=f"{path}:{exc.lineno}: 構文エラー: {exc.msg}。シナリオファイルを直してください") from None
    linecache.checkcache(filename)
    return Scenario(name=name, path=filename, code=code)


def validate(scenario: Scenario) -> dict[str, Any]:
    """Execute the module once and check its shape; fill ``kind`` and ``labels``.

    Must run while the primitives are installed (it executes module-level code).
    """
    namespace = scenario.namespace()
    shown = os.path.basename(scenario.path)
    has_threads = "THREADS" in namespace
    has_tasks = "TASKS" in namespace
    if has_threads and has_tasks:
        raise ConclabError(f"{shown} defines both THREADS and TASKS; keep one of them",
                           ja=f"{shown} は THREADS と TASKS の両方を定義しています。どちらか 1 つにしてください")
    if not has_threads and not has_tasks:
        raise ConclabError(
            f"{shown} defines neither THREADS nor TASKS; add for example 'THREADS = [worker, worker]' "
            "(functions run as threads) or 'TASKS = [job, job]' (async functions run as asyncio tasks)",
            ja=f"{shown} は THREADS も TASKS も定義していません。たとえば 'THREADS = [worker, worker]'（関数をスレッドとして実行）か 'TASKS = [job, job]'（async 関数を asyncio のタスクとして実行）を加えてください")
    key = "THREADS" if has_threads else "TASKS"
    entries = namespace[key]
    if not isinstance(entries, (list, tuple)) or not entries:
        raise ConclabError(f"{shown}: {key} must be a non-empty list of functions, not {entries!r}",
                           ja=f"{shown}: {key} は関数の空でないリストにしてください（今は {entries!r}）")
    for position, entry in enumerate(entries):
        if not callable(entry):
            raise ConclabError(f"{shown}: {key}[{position}] is {entry!r}, not a function",
                               ja=f"{shown}: {key}[{position}] は {entry!r} で、関数ではありません")
        if key == "TASKS" and not inspect.iscoroutinefunction(entry):
            raise ConclabError(
                f"{shown}: TASKS[{position}] ({getattr(entry, '__name__', entry)!r}) is not an "
                "'async def' function; use THREADS for plain functions",
                ja=f"{shown}: TASKS[{position}]（{getattr(entry, '__name__', entry)!r}）は 'async def' の関数ではありません。普通の関数は THREADS に入れてください")
        if key == "THREADS" and inspect.iscoroutinefunction(entry):
            raise ConclabError(
                f"{shown}: THREADS[{position}] ({entry.__name__!r}) is an 'async def' function; "
                "put coroutine functions in TASKS",
                ja=f"{shown}: THREADS[{position}]（{entry.__name__!r}）は 'async def' の関数です。コルーチン関数は TASKS に入れてください")
    for hook in ("setup", "check"):
        if hook in namespace and not callable(namespace[hook]):
            raise ConclabError(f"{shown}: {hook} must be a function, not {namespace[hook]!r}",
                               ja=f"{shown}: {hook} は関数にしてください（今は {namespace[hook]!r}）")
    scenario.kind = "tasks" if key == "TASKS" else "threads"
    scenario.labels = [getattr(f, "__name__", "thread") for f in entries]
    scenario.has_setup = callable(namespace.get("setup"))
    return namespace
