"""A hands-on and its steps: the statement, the code to write, hints, wrong variants, the check."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from conclab.errors import ConclabError
from conclab.i18n import LANGS
from conclab.text import SIDECAR, read_sidecar, translate_code


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Step:
    """One version of the learner's file: ``folder`` holds its reference, statement, hints, wrong variants."""

    number: int
    name: str
    folder: Path
    title: Mapping[str, str]
    minutes: int
    expect: Any

    @property
    def code(self) -> str:
        return _read(self.folder / "main.py")

    def code_in(self, lang: str) -> str:
        """``main.py`` with its comments and docstrings in ``lang``, from the hands-on's sidecar."""
        sidecar = self.folder.parent / SIDECAR.format(lang=lang)
        if lang == "en" or not sidecar.is_file():
            return self.code
        return translate_code(self.code, read_sidecar(_read(sidecar)))

    def statement(self, lang: str) -> str:
        return _read(self.folder / f"statement.{lang}.md")

    def hints(self, lang: str) -> list[str]:
        text = _read(self.folder / f"hints.{lang}.md")
        return [part.strip() for part in text.split("\n---\n") if part.strip()]

    @cached_property
    def wrong(self) -> dict[str, str]:
        return {path.stem: _read(path) for path in sorted(self.folder.glob("wrong_*.py"))}


@dataclass(frozen=True)
class Handson:
    """A hands-on: its id (``web-counter``), titles, steps in order, the file the learner writes, the check."""

    id: str
    title: Mapping[str, str]
    file_name: str
    steps: tuple[Step, ...]
    check: Callable[..., Any]

    def step(self, key: str | int) -> Step:
        """Step ``3`` or ``spin-lock``; a one-line error naming the steps otherwise."""
        text = str(key).strip()
        for step in self.steps:
            if text in (str(step.number), step.name):
                return step
        names = ", ".join(f"{s.number} ({s.name})" for s in self.steps)
        raise ConclabError(f"{self.id} has no step '{key}'; its steps are {names}",
                           ja=f"{self.id} にステップ '{key}' はありません。ステップは {names} です")

    def change(self, step: Step, lang: str = "en") -> str:
        """What changes in the file from the step before (a unified diff), or the whole file for step 1."""
        if step.number == 1:
            return step.code_in(lang)
        before = self.steps[step.number - 2].code_in(lang)
        lines = difflib.unified_diff(before.splitlines(), step.code_in(lang).splitlines(), self.file_name,
                                     self.file_name, n=2, lineterm="")
        return "\n".join(list(lines)[2:])

    def missing_texts(self) -> list[str]:
        """Files a step lacks (statement or hints in a language): empty when the hands-on is whole."""
        return [f"{step.folder.name}/{name}.{lang}.md" for step in self.steps for lang in LANGS
                for name in ("statement", "hints") if not (step.folder / f"{name}.{lang}.md").is_file()]


def find_handson(handsons: tuple[Handson, ...], name: str) -> Handson:
    for handson in handsons:
        if handson.id == name.strip().replace("_", "-"):
            return handson
    raise ConclabError(f"unknown hands-on '{name}'; known: {', '.join(h.id for h in handsons)}",
                       ja=f"ハンズオン '{name}' はありません。あるもの: {'、'.join(h.id for h in handsons)}")
