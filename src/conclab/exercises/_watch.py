"""Watch mode: check the current exercise each time its file is saved.

File events come from watchfiles on a background thread and are coalesced
(an editor's save is often several events: write, rename, chmod), and a save
that leaves the file's bytes unchanged is ignored. Each check is bounded by
the exercise's time limit, so a hung solution costs at most that long and
never freezes the loop. The watcher moves to the next exercise only when the
learner asks (the ``next`` command), because reading a passing verdict is part
of learning. :meth:`Watcher.start` and :meth:`Watcher.handle` step the loop by
hand, so a test drives it without threads or sleeps.
"""

from __future__ import annotations

import hashlib
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from conclab.exercises._check import run_check
from conclab.exercises._model import Catalogue, Exercise, Verdict
from conclab.exercises._workspace import Workspace


@dataclass(frozen=True)
class WatchEvent:
    """Something the watcher wants shown.

    ``kind`` is one of ``watching`` (now watching ``exercise``), ``checking``,
    ``verdict`` (with ``verdict`` and ``saved_at``, the time the save was seen,
    for latency), ``done`` (every exercise passed) or ``stopped``.
    """

    kind: str
    exercise: Exercise | None = None
    verdict: Verdict | None = None
    saved_at: float | None = None


Handler = Callable[[WatchEvent], None]


class Watcher:
    """Check-on-save loop over one workspace. Drive it with :meth:`run`; steer it with :meth:`command`."""

    def __init__(self, workspace: Workspace, catalogue: Catalogue, *, lang: str, on_event: Handler,
                 exercise: Exercise | None = None, limit_s: float | None = None,
                 quiet_ms: int = 50, max_wait_ms: int = 400, watch_files: bool = True) -> None:
        self.workspace = workspace
        self.catalogue = catalogue
        self.lang = lang
        self.on_event = on_event
        self.limit_s = limit_s
        self.quiet_ms = quiet_ms
        self.max_wait_ms = max_wait_ms
        self.watch_files = watch_files
        self._inbox: queue.Queue[tuple[str, float]] = queue.Queue()
        self._digest: bytes | None = None
        self.current = exercise or self._next_unfinished()

    def _next_unfinished(self) -> Exercise | None:
        return self.catalogue.next_unfinished(self.workspace.progress.load().passed_ids())

    def following(self) -> Exercise | None:
        """The next exercise not yet passed after the current one, in teaching order (wrapping round)."""
        passed = set(self.workspace.progress.load().passed_ids())
        ordered = list(self.catalogue)
        at = ordered.index(self.current) if self.current in ordered else -1
        for exercise in ordered[at + 1:] + ordered[:at + 1]:
            if exercise.id not in passed and exercise != self.current:
                return exercise
        return None

    def position(self) -> tuple[int, int, int]:
        """(place of the current exercise counting from 1, how many there are, how many have passed)."""
        ordered = list(self.catalogue)
        place = ordered.index(self.current) + 1 if self.current in ordered else 0
        return place, len(ordered), len(self.workspace.progress.load().passed_ids())

    def command(self, text: str) -> None:
        """Queue a learner command: ``next``/``n``, ``check``/``r``/empty line, ``quit``/``q``."""
        self._inbox.put((f"cmd:{text.strip().lower()}", time.perf_counter()))

    def file_changed(self) -> None:
        """Queue a save of the current file (the file watcher calls this; so can a test)."""
        self._inbox.put(("changed", time.perf_counter()))

    def start(self) -> bool:
        """Announce the first exercise and check it; False when every exercise has passed."""
        if self.current is None:
            self.on_event(WatchEvent("done"))
            return False
        self._announce_and_check()
        return True

    def handle(self, kind: str, seen_at: float | None = None) -> bool:
        """Act on one queued item (a save or a command); False when the loop should end."""
        seen_at = time.perf_counter() if seen_at is None else seen_at
        if kind == "changed":
            seen_at = self._drain_changes(seen_at)
            if self._changed_bytes():
                self._check(seen_at)
        elif kind in ("cmd:q", "cmd:quit"):
            return False
        elif kind in ("cmd:n", "cmd:next"):
            following = self.following()
            if following is None:
                self.on_event(WatchEvent("done"))
                return False
            self.current = following
            self._announce_and_check()
        elif kind in ("cmd:", "cmd:c", "cmd:r", "cmd:check"):
            self._check(time.perf_counter())
        return True

    def step_queued(self) -> bool:
        """Handle whatever is queued now, without waiting; False once the learner has quit."""
        while True:
            try:
                kind, seen_at = self._inbox.get_nowait()
            except queue.Empty:
                return True
            if not self.handle(kind, seen_at):
                return False

    def run(self, stop: threading.Event) -> None:
        """Watch until ``stop`` is set or the learner quits."""
        if self.watch_files:
            threading.Thread(target=self._watch_files, args=(stop,), daemon=True,
                             name="conclab-watch-files").start()
        try:
            if not self.start():
                return
            while not stop.is_set():
                try:
                    kind, seen_at = self._inbox.get(timeout=0.1)
                except queue.Empty:
                    continue
                if not self.handle(kind, seen_at):
                    break
        finally:
            stop.set()
            self.on_event(WatchEvent("stopped", self.current))

    def _announce_and_check(self) -> None:
        self.on_event(WatchEvent("watching", self.current))
        self._changed_bytes()
        self._check(time.perf_counter())

    def _drain_changes(self, first_seen: float) -> float:
        """Coalesce a burst of events into one check; keep later commands for after it."""
        commands: list[tuple[str, float]] = []
        while True:
            try:
                item = self._inbox.get_nowait()
            except queue.Empty:
                break
            if item[0] != "changed":
                commands.append(item)
        for item in commands:
            self._inbox.put(item)
        return first_seen

    def _changed_bytes(self) -> bool:
        assert self.current is not None
        try:
            digest = hashlib.sha256(self.workspace.path_of(self.current).read_bytes()).digest()
        except OSError:
            digest = b""
        changed = digest != self._digest
        self._digest = digest
        return changed

    def _check(self, saved_at: float) -> None:
        exercise = self.current
        assert exercise is not None
        self.on_event(WatchEvent("checking", exercise, saved_at=saved_at))
        verdict = run_check(exercise, self.workspace.path_of(exercise), lang=self.lang,
                            limit_s=self.limit_s, workdir=self.workspace.root)
        self.workspace.progress.record_check(exercise.id, verdict.passed)
        self.on_event(WatchEvent("verdict", exercise, verdict, saved_at))

    def _watch_files(self, stop: threading.Event) -> None:
        from watchfiles import watch

        for changes in watch(self.workspace.root, stop_event=stop, step=self.quiet_ms,
                             debounce=self.max_wait_ms, rust_timeout=200, yield_on_timeout=False,
                             raise_interrupt=False):
            if self.current is None:
                continue
            target = self.workspace.path_of(self.current)
            if any(Path(path).resolve() == target for _, path in changes):
                self.file_changed()
