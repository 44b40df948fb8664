"""Shared fixtures: an in-process CLI runner at a fixed width, a fixed machine, a fake clock.

And one guard for every test: a process the test started (a child of pytest,
at any depth) must be gone when it ends (see :func:`_no_process_left`).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner, Result

from conclab.machine import Machine

GOLDEN = Path(__file__).parent / "golden"


class FakeClock:
    """A clock that moves only when told to: claims and renderers tested without sleeping."""

    def __init__(self, start: float = 100.0) -> None:
        self.value = start

    def __call__(self) -> float:
        return self.value

    def advance(self, seconds: float) -> None:
        self.value += seconds


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def machine() -> Machine:
    """A fixed 2-core, GIL-on machine, so output does not depend on where tests run."""
    return Machine(python_version="3.11.7", implementation="CPython", executable="python",
                   platform="Linux", free_threaded=False, gil_enabled=True, cores=2, cpu_count=2,
                   start_method="fork", start_methods=("fork", "spawn", "forkserver"),
                   locale="en_US.UTF-8", curl="/usr/bin/curl", load_average=0.1)


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """English, 80 columns, no colour, no saved settings of the user's, unless a test says otherwise."""
    monkeypatch.setenv("CONCLAB_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("CONCLAB_LANG", "en")
    yield


#: How long a test's processes may take to go after it ends (a killed tree is reaped asynchronously).
PROCESS_GRACE_S = 2.0
#: Processes that live as long as the interpreter by design (multiprocessing's helpers).
_HELPERS = ("resource_tracker", "forkserver", "semaphore_tracker")


def _live_descendants() -> dict[tuple[int, float], psutil.Process]:
    """Descendants of pytest that still run, keyed by (pid, start time) so a reused pid is new."""
    found: dict[tuple[int, float], psutil.Process] = {}
    for child in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if child.status() == psutil.STATUS_ZOMBIE:
                continue
            if any(helper in " ".join(child.cmdline()) for helper in _HELPERS):
                continue
            found[(child.pid, child.create_time())] = child
    return found


def processes_left(before: set[tuple[int, float]], grace_s: float = PROCESS_GRACE_S) -> list[str]:
    """Descendants not in ``before`` still alive after ``grace_s`` (polled); each described."""
    deadline = time.monotonic() + grace_s
    while True:
        left = {key: p for key, p in _live_descendants().items() if key not in before}
        if not left or time.monotonic() >= deadline:
            break
        time.sleep(0.05)
    described = []
    for (pid, _), process in left.items():
        with contextlib.suppress(psutil.Error):
            described.append(f"{pid} {' '.join(process.cmdline())[:120]!r}")
    return described


@pytest.fixture(autouse=True)
def _no_process_left() -> Iterator[None]:
    """Fail a test that leaves a process it started running; kill it so the next test starts clean."""
    before = set(_live_descendants())
    yield
    left = processes_left(before)
    if left:
        for key, process in _live_descendants().items():
            if key not in before:
                with contextlib.suppress(psutil.Error):
                    process.kill()
        pytest.fail("the test left process(es) running: " + "; ".join(left), pytrace=False)


def invoke(*args: str, **env: str) -> Result:
    """Run ``conclab ARGS`` in-process and return click's result (stdout and stderr apart)."""
    from conclab.cli import cli

    runner = CliRunner()
    return runner.invoke(cli, list(args), env=env or None, catch_exceptions=False)


def assert_golden(name: str, text: str) -> None:
    """Compare with tests/golden/NAME; CONCLAB_UPDATE_GOLDEN=1 rewrites the file."""
    path = GOLDEN / name
    if os.environ.get("CONCLAB_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run with CONCLAB_UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _no_class(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sends verdicts to a class the developer joined: class settings live in a fresh folder."""
    monkeypatch.setenv("CONCLAB_CONFIG_DIR", str(tmp_path_factory.mktemp("conclab-config")))
