"""The learner's workspace: a folder of exercise files, found from wherever they stand.

``conclab exercises init`` writes the starters and a README; every other command
finds the workspace by walking up from the current folder to the one holding
``.conclab/workspace.json`` (or ``./conclab-exercises`` right below it), so a
learner can run ``conclab check`` from the workspace or from just above it.
Learner files are never overwritten silently: ``reset`` keeps a backup.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from conclab.errors import ConclabError
from conclab.exercises._model import Exercise
from conclab.exercises._progress import ProgressStore

DEFAULT_DIR = "conclab-exercises"
MARKER = Path(".conclab") / "workspace.json"


@dataclass(frozen=True)
class InitReport:
    root: Path
    written: tuple[str, ...]
    kept: tuple[str, ...]


class Workspace:
    """A workspace folder: exercise files, data files, ``.conclab/`` with progress and backups."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.progress = ProgressStore(self.root / ".conclab" / "progress.json")

    @property
    def lang(self) -> str | None:
        try:
            data = json.loads((self.root / MARKER).read_text(encoding="utf-8"))
            return data.get("lang") if isinstance(data, dict) else None
        except (OSError, ValueError):
            return None

    def path_of(self, exercise: Exercise) -> Path:
        return self.root / exercise.file_name

    @classmethod
    def find(cls, start: Path | None = None, explicit: Path | None = None) -> Workspace:
        """The workspace at ``explicit``, or the nearest one above ``start`` (default: the current folder)."""
        if explicit is not None:
            if (explicit / MARKER).is_file():
                return cls(explicit)
            raise ConclabError(f"{explicit} is not a conclab exercises workspace; "
                               f"create one with 'conclab exercises init {explicit}'")
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / MARKER).is_file():
                return cls(folder)
        if (here / DEFAULT_DIR / MARKER).is_file():
            return cls(here / DEFAULT_DIR)
        raise ConclabError("no exercises workspace here or above; create one with "
                           "'conclab exercises init' (or pass --dir DIR)")

    @classmethod
    def init(cls, root: Path, exercises: Iterable[Exercise], *, lang: str, readme: str) -> InitReport:
        """Write starters, data files and the README; keep every file that already exists."""
        if root.exists() and not root.is_dir():
            raise ConclabError(f"{root} exists and is not a folder; choose another DIR")
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ConclabError(f"cannot create {root}: {error.strerror}; choose another DIR") from error
        written: list[str] = []
        kept: list[str] = []
        files: dict[str, str] = {"README.md": readme}
        for exercise in exercises:
            files[exercise.file_name] = exercise.starter
            files.update(exercise.data_files)
        for name, text in files.items():
            target = root / name
            if target.exists():
                kept.append(name)
                continue
            target.write_text(text, encoding="utf-8")
            written.append(name)
        marker = root / MARKER
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(json.dumps({"version": 1, "lang": lang}), encoding="utf-8")
        return InitReport(root.resolve(), tuple(written), tuple(kept))

    def reset(self, exercise: Exercise) -> Path | None:
        """Write the starter again; the learner's version is kept in ``.conclab/backups``."""
        target = self.path_of(exercise)
        backup: Path | None = None
        if target.exists():
            backup_dir = self.root / ".conclab" / "backups"
            backup_dir.mkdir(parents=True, exist_ok=True)
            backup = backup_dir / f"{target.stem}-{time.strftime('%Y%m%d-%H%M%S')}.py"
            backup.write_bytes(target.read_bytes())
        target.write_text(exercise.starter, encoding="utf-8")
        for name, text in exercise.data_files.items():
            if not (self.root / name).exists():
                (self.root / name).write_text(text, encoding="utf-8")
        return backup
