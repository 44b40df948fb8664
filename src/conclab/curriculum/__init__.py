"""The curriculum: chapters, labs and their lesson prose (ja and en).

Labs live one per module in :mod:`conclab.curriculum.labs` (each defines
``LAB`` or ``LABS``) and are found at first use, so a new lesson is one new lab
module, one example module and one Markdown file per language.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from pathlib import Path

from conclab.curriculum.chapters import CHAPTERS
from conclab.lab import Lab, Registry

CONTENT_ROOT = Path(__file__).parent / "content"


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The registry of every chapter and lab (built once per process)."""
    from conclab.curriculum import labs as labs_package

    built = Registry(CONTENT_ROOT)
    for chapter in CHAPTERS:
        built.add_chapter(chapter)
    for info in sorted(pkgutil.iter_modules(labs_package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{labs_package.__name__}.{info.name}")
        found: list[Lab] = list(getattr(module, "LABS", []))
        if hasattr(module, "LAB"):
            found.append(module.LAB)
        for lab in found:
            built.add_lab(lab)
    for hook in _ENTRY_HOOKS:
        hook(built)
    return built


_ENTRY_HOOKS: list = []  # type: ignore[type-arg]


def add_entry_hook(hook: object) -> None:
    """Let another part of the curriculum (exercises) add its entries to the registry."""
    _ENTRY_HOOKS.append(hook)
    registry.cache_clear()
