"""A game level: a small real Python program (a scenario) plus its goal, hints and prose.

A level is one ``.py`` file. Its code is an ordinary explorer scenario
(``THREADS`` or ``TASKS``, optional ``setup()`` and ``check()``); its
description is one literal dict, ``LEVEL = {...}``, read with
:func:`ast.literal_eval` so describing a level never runs it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conclab.errors import ConclabError

#: Finding kinds a level may name as its goal (see ``conclab.explore.FindingKind``).
WIN_KINDS = ("assertion", "exception", "deadlock")
_TEXTS = ("title", "goal", "teaches")


@dataclass(frozen=True)
class Level:
    """One level: where its program is, what winning means, and its words in ja and en."""

    name: str
    path: Path
    title: dict[str, str]
    goal: dict[str, str]
    teaches: dict[str, str]
    hints: dict[str, tuple[str, ...]]
    win: str                      # the finding kind that wins ("assertion", "exception", "deadlock")
    granularity: str              # "line" or "opcode"
    correct: bool                 # the code is correct: no schedule wins
    fixes: str | None             # for a correct level: the bug level it fixes
    schedules: int                # how many schedules the explorer tries to prove it
    preemptions: int
    functions: dict[str, tuple[int, int]]   # top-level function -> (first line, last line)
    body_start: dict[str, int]              # function -> line of its first statement
    tasks: bool = False                     # asyncio tasks (TASKS) rather than threads

    def text(self, key: str, lang: str) -> str:
        texts: dict[str, str] = getattr(self, key)
        return texts.get(lang) or texts["en"]

    def hint_list(self, lang: str) -> tuple[str, ...]:
        return self.hints.get(lang) or self.hints["en"]

    @property
    def source_lines(self) -> list[str]:
        return self.path.read_text(encoding="utf-8").splitlines()

    def function_at(self, line: int) -> str | None:
        for name, (first, last) in self.functions.items():
            if first <= line <= last:
                return name
        return None


def _literal(tree: ast.Module, path: Path) -> dict[str, Any]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "LEVEL"
                                                for t in node.targets):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                raise ConclabError(f"{path}:{node.lineno}: LEVEL must be a literal dict "
                                   "(strings, numbers, lists); no names or calls",
                                   ja=f"{path}:{node.lineno}: LEVEL はリテラルの dict（文字列、数値、リスト）で書いてください。名前や呼び出しは使えません") from None
            if isinstance(value, dict):
                return value
    raise ConclabError(f"{path}: no 'LEVEL = {{...}}' dict; every level describes itself in one",
                       ja=f"{path}: 'LEVEL = {{...}}' の dict がありません。どのレベルも、その中で自分自身を説明します")


def _bilingual(meta: dict[str, Any], key: str, path: Path) -> dict[str, str]:
    value = meta.get(key)
    if not isinstance(value, dict) or not isinstance(value.get("en"), str) or not isinstance(value.get("ja"), str):
        raise ConclabError(f"{path}: LEVEL[{key!r}] must be {{'en': '...', 'ja': '...'}}, not {value!r}",
                           ja=f"{path}: LEVEL[{key!r}] は {{'en': '...', 'ja': '...'}} の形にしてください（今は {value!r}）")
    return {"en": value["en"], "ja": value["ja"]}


def load_level(name: str, path: Path) -> Level:
    """Read ``path``'s LEVEL dict and function layout; bad content names the file and key."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    meta = _literal(tree, path)
    win = meta.get("win")
    if win not in WIN_KINDS:
        raise ConclabError(f"{path}: LEVEL['win'] is {win!r}; use one of {', '.join(WIN_KINDS)}",
                           ja=f"{path}: LEVEL['win'] が {win!r} です。{'、'.join(WIN_KINDS)} のどれかにしてください")
    granularity = meta.get("granularity", "line")
    if granularity not in ("line", "opcode"):
        raise ConclabError(f"{path}: LEVEL['granularity'] is {granularity!r}; use 'line' or 'opcode'",
                           ja=f"{path}: LEVEL['granularity'] が {granularity!r} です。'line' か 'opcode' にしてください")
    hints = meta.get("hints", {})
    if not isinstance(hints, dict) or not hints.get("en") or not hints.get("ja"):
        raise ConclabError(f"{path}: LEVEL['hints'] must give a list of hints for 'en' and for 'ja'",
                           ja=f"{path}: LEVEL['hints'] には 'en' と 'ja' の両方にヒントのリストが必要です")
    functions: dict[str, tuple[int, int]] = {}
    body_start: dict[str, int] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            functions[node.name] = (first, node.end_lineno or node.lineno)
            statements = [s for s in node.body if not isinstance(s, (ast.Global, ast.Nonlocal, ast.Expr))
                          or (isinstance(s, ast.Expr) and not isinstance(s.value, ast.Constant))]
            body_start[node.name] = (statements or node.body)[0].lineno
    return Level(
        name=name, path=path,
        title=_bilingual(meta, "title", path), goal=_bilingual(meta, "goal", path),
        teaches=_bilingual(meta, "teaches", path),
        hints={"en": tuple(hints["en"]), "ja": tuple(hints["ja"])},
        win=win, granularity=granularity, correct=bool(meta.get("correct", False)),
        fixes=meta.get("fixes"), schedules=int(meta.get("schedules", 2000)),
        preemptions=int(meta.get("preemptions", 3)), functions=functions, body_start=body_start,
        tasks=any(isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "TASKS"
                                                       for t in node.targets) for node in tree.body),
    )
