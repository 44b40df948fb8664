"""Shared fixtures: an in-process CLI runner at a fixed width, a fixed machine, a fake clock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

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
