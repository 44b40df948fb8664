"""The lessons: one folder each, so a new lesson is one new folder and nothing else.

A folder ``<name>/`` (snake_case, a Python package) holds:

- ``example.py``: the code the learner reads and can run on its own
  (``python -m conclab.curriculum.lessons.<name>.example``);
- ``lab.py``: ``LAB = Lab(...)``, the measured experiment that drives the
  example, with the id ``<name>`` in kebab-case;
- ``en.md`` and ``ja.md``: the lesson's prose.

Names that start with ``_`` (``_parallel.py``) are helpers shared by lessons.
"""

from __future__ import annotations

import importlib
from dataclasses import replace
from pathlib import Path

from conclab.lab import Lab

#: The files every lesson folder has.
PARTS = ("__init__.py", "example.py", "lab.py", "en.md", "ja.md")


def lesson_folders() -> list[Path]:
    """Every lesson folder of this package (any folder with a ``lab.py``), by name."""
    found = [path for root in __path__ for path in Path(root).iterdir()
             if path.is_dir() and not path.name.startswith(("_", ".")) and (path / "lab.py").is_file()]
    return sorted(found, key=lambda path: path.name)


def lesson_id(folder: Path) -> str:
    """The lab id of a lesson folder: its name in kebab-case (``io_threads`` is ``io-threads``)."""
    return folder.name.replace("_", "-")


def load_lesson(folder: Path) -> Lab:
    """The folder's ``LAB``, with its home set so the registry finds the prose beside it."""
    module = importlib.import_module(f"{__name__}.{folder.name}.lab")
    lab = module.LAB
    if not isinstance(lab, Lab):
        raise TypeError(f"{folder.name}/lab.py: LAB must be a Lab, not {type(lab).__name__}")
    if lab.id != lesson_id(folder):
        raise ValueError(f"{folder.name}/lab.py: the lab's id is {lab.id!r}; "
                         f"it must be the folder's name in kebab-case, {lesson_id(folder)!r}")
    return replace(lab, home=folder)


def load_lessons() -> list[Lab]:
    """Every lesson's lab, loaded from its folder."""
    return [load_lesson(folder) for folder in lesson_folders()]
