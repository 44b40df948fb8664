"""The learner's workspace: a folder of exercise files, found from wherever they stand.

``conclab exercises init`` writes the starters and a README; every other command
finds the workspace by walking up from the current folder to the one holding
``.conclab/workspace.json`` (or ``./conclab-exercises`` right below it), so a
learner can run ``conclab check`` from the workspace or from just above it.
Learner files are never overwritten silently: ``reset`` keeps a backup, and
no two backups share a name. Nothing is written *through* a symbolic link: a
link where conclab writes a file is replaced by the file (its target is left
as it was), and a folder or a FIFO where a file should be is one clear error.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
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
                               f"create one with 'conclab exercises init {explicit}'",
                               ja=f"{explicit} は conclab の演習ワークスペースではありません。'conclab exercises init {explicit}' で作ってください")
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / MARKER).is_file():
                return cls(folder)
        if (here / DEFAULT_DIR / MARKER).is_file():
            return cls(here / DEFAULT_DIR)
        raise ConclabError("no exercises workspace here or above; create one with "
                           "'conclab exercises init' (or pass --dir DIR)",
                           ja="ここにも上のフォルダーにも演習ワークスペースがありません。'conclab exercises init' で作るか、--dir DIR で指定してください")

    @classmethod
    def init(cls, root: Path, exercises: Iterable[Exercise], *, lang: str, readme: str) -> InitReport:
        """Write starters, data files and the README; keep every file that already exists."""
        if root.exists() and not root.is_dir():
            raise ConclabError(f"{root} exists and is not a folder; choose another DIR",
                               ja=f"{root} はすでにあり、フォルダーではありません。別の DIR を指定してください")
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ConclabError(f"cannot create {root}: {error.strerror}; choose another DIR",
                               ja=f"{root} を作れません: {error.strerror}。別の DIR を指定してください") from error
        written: list[str] = []
        kept: list[str] = []
        files: dict[str, str] = {"README.md": readme}
        for exercise in exercises:
            files[exercise.file_name] = exercise.starter_in(lang)
            files.update(exercise.data_files)
        for name, text in files.items():
            target = root / name
            if os.path.lexists(target):  # a dangling link too: its target is not created
                kept.append(name)
                continue
            replace_file(target, text)
            written.append(name)
        marker = root / MARKER
        marker.parent.mkdir(parents=True, exist_ok=True)
        replace_file(marker, json.dumps({"version": 1, "lang": lang}))
        return InitReport(root.resolve(), tuple(written), tuple(kept))

    def reset(self, exercise: Exercise, lang: str | None = None) -> Path | None:
        """Write the starter again (in ``lang``, else the workspace's); the learner's version is kept in a backup."""
        target = self.path_of(exercise)
        kind = _not_a_file(target)
        if kind is not None:
            raise ConclabError(f"{target} is {kind}, not an exercise file; move it away and run "
                               f"'conclab reset {exercise.id}' again",
                               ja=f"{target} は演習のファイルではありません（{kind}）。別の場所に移してから、もう一度 'conclab reset {exercise.id}' を実行してください")
        backup: Path | None = None
        if target.exists():  # a link to a regular file: its content is what the learner sees
            backup = self._back_up(target)
        replace_file(target, exercise.starter_in(lang or self.lang or "en"))
        for name, text in exercise.data_files.items():
            if not os.path.lexists(self.root / name):
                replace_file(self.root / name, text)
        return backup

    def _back_up(self, target: Path) -> Path:
        """Copy ``target`` to a backup name no other backup holds (``-2``, ``-3`` within a second)."""
        backup_dir = self.root / ".conclab" / "backups"
        try:
            backup_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ConclabError(f"cannot keep a backup in {backup_dir}: {error.strerror or error} "
                               "(it must be a folder); move it away and reset again",
                               ja=f"{backup_dir} にバックアップを置けません: {error.strerror or error}（フォルダーである必要があります）。別の場所に移してから、もう一度リセットしてください") from None
        content = target.read_bytes()
        stem = f"{target.stem}-{time.strftime('%Y%m%d-%H%M%S')}"
        for number in range(1, 10_000):
            backup = backup_dir / (f"{stem}.py" if number == 1 else f"{stem}-{number}.py")
            try:
                with open(backup, "xb") as stream:  # exclusive: never over an earlier backup
                    stream.write(content)
                return backup
            except FileExistsError:
                continue
        raise ConclabError(f"too many backups named {stem}* in {backup_dir}; remove some and reset again",
                           ja=f"{backup_dir} に {stem}* という名前のバックアップが多すぎます。いくつか削除してから、もう一度リセットしてください")


def _not_a_file(path: Path) -> str | None:
    """What ``path`` is when it is there but is no regular file (following a link), else None."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # missing, or a dangling link: replaced by the starter
    if stat.S_ISREG(mode):
        return None
    return "a folder" if stat.S_ISDIR(mode) else "not a regular file (a FIFO, device or socket)"


def replace_file(path: Path, text: str) -> None:
    """Write ``text`` as ``path`` atomically; a symbolic link there is replaced, its target untouched."""
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
