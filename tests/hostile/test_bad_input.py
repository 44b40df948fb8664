"""Issue 14, bad input that escaped: exit 2 and one line, before anything runs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import invoke

SCENARIO = "counter = 0\ndef worker():\n    global counter\n    counter += 1\nTHREADS = [worker, worker]\n"


def _one_line(result, *words: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("conclab: error:"), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for word in words:
        assert word in result.stderr


@pytest.mark.parametrize("value", ["-1", "nan", "inf", "0"])
def test_load_timeout_must_be_a_positive_finite_number(value: str) -> None:
    _one_line(invoke("load", "http://127.0.0.1:9/", "--timeout", value, "-n", "1"), "--timeout")


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_explore_timeout_must_be_finite(tmp_path: Path, value: str) -> None:
    scenario = tmp_path / "s.py"
    scenario.write_text(SCENARIO, encoding="utf-8")
    _one_line(invoke("explore", str(scenario), "--timeout", value), "finite")


@pytest.mark.parametrize("schedule", ["0x99999999999999999999", "0x1000000000", "line:1x20000"])
def test_explore_replay_longer_than_any_run_is_refused_without_expanding_it(tmp_path: Path,
                                                                            schedule: str) -> None:
    scenario = tmp_path / "s.py"
    scenario.write_text(SCENARIO, encoding="utf-8")
    started = time.perf_counter()
    _one_line(invoke("explore", str(scenario), "--replay", schedule), "step limit")
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_check_limit_must_be_finite(tmp_path: Path, value: str) -> None:
    _one_line(invoke("check", "producer-consumer", "--dir", str(tmp_path), "--limit", value), "--limit")


@pytest.mark.parametrize("value", ["nan", "inf", "-1"])
def test_trace_timeout_must_be_finite(tmp_path: Path, value: str) -> None:
    script = tmp_path / "a.py"
    script.write_text("print('ran')\n", encoding="utf-8")
    result = invoke("trace", str(script), "--timeout", value)
    _one_line(result, "--timeout")
    assert "ran" not in result.stdout


@pytest.mark.parametrize(("source", "code"), [
    ("import sys\nsys.exit(3)\n", 3),
    ("import sys\ndef w():\n    pass\nTHREADS = [w, w]\ndef check():\n    sys.exit(4)\n", 4),
])
def test_a_scenario_that_exits_is_a_finding_with_its_code(tmp_path: Path, source: str, code: int) -> None:
    """Case 14 at the CLI edge: exit 3 / 4 with no output before; now one line naming the code, exit 1."""
    scenario = tmp_path / "s.py"
    scenario.write_text(source, encoding="utf-8")
    result = invoke("explore", str(scenario))
    assert result.exit_code == 1
    assert f"sys.exit({code})" in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_exploration_leaves_no_process_its_scenario_started(tmp_path: Path) -> None:
    """Case 3 at the CLI edge: one sleep per schedule was left running (1,000 by default).

    The scenario drops its Popen objects while the sleeps run: Python's ResourceWarning for that is the
    scenario's, not conclab's.
    """
    import psutil

    scenario = tmp_path / "s.py"
    scenario.write_text("import subprocess\ndef w():\n    subprocess.Popen(['sleep', '303.3'])\n"
                        "THREADS = [w, w]\n", encoding="utf-8")
    result = invoke("explore", str(scenario), "--schedules", "5")
    assert result.exit_code == 0, result.stderr
    left = [p for p in psutil.process_iter(["cmdline"]) if "303.3" in (p.info["cmdline"] or [])]
    assert not left
