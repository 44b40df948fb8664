"""``conclab run LAB --python`` and ``conclab compare``: resolving interpreters, the table, real runs.

No free-threaded build can be installed on this project's machines, so the
GIL-off column is tested with an injected result; the real runs use the pyenv
interpreters that are there (skipped where they are not).
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from conclab.errors import ConclabError
from conclab.lab import any_failed, compare_rows, compare_table, resolve_python
from conftest import invoke


def claim(claim_id: str, held: bool | None, **measured: Any) -> dict[str, Any]:
    return {"id": claim_id, "held": held, "measured": measured}


GIL_ON = {"python": "3.13.0", "gil": True, "free_threaded": False, "cores": 2, "claims": [
    claim("threads-no-speedup", True, threads_speedup=1.01),
    claim("threads-parallel-without-gil", None, threads_speedup=1.01)]}
GIL_OFF = {"python": "3.13.0", "gil": False, "free_threaded": True, "cores": 2, "claims": [
    claim("threads-no-speedup", None, threads_speedup=1.93),
    claim("threads-parallel-without-gil", True, threads_speedup=1.93)]}


def test_compare_rows_show_the_thread_claim_flip() -> None:
    rows = {label.strip(): cells for label, cells, _ in compare_rows([GIL_ON, GIL_OFF], "en")}
    assert rows["build"] == ["GIL on", "free-threaded, GIL off"]
    assert rows["threads-no-speedup"] == ["held", "n/a"]
    assert rows["threads-parallel-without-gil"] == ["n/a", "held"]
    assert rows["threads_speedup"] == ["1.01", "1.93"]
    ja = {label.strip(): cells for label, cells, _ in compare_rows([GIL_ON, GIL_OFF], "ja")}
    assert ja["ビルド"] == ["GIL 有効", "フリースレッド版、GIL 無効"]
    assert ja["threads-parallel-without-gil"] == ["対象外", "成立"]
    assert not any_failed([GIL_ON, GIL_OFF])
    assert any_failed([GIL_ON, {**GIL_OFF, "claims": [claim("threads-parallel-without-gil", False)]}])


def test_compare_table_fits_80_columns() -> None:
    from rich.console import Console

    console = Console(width=80, record=True, no_color=True)
    console.print(compare_table("cpu-gil", [GIL_ON, GIL_OFF], ["python3.13", "python3.13t"], "en"))
    text = console.export_text()
    assert "python3.13t" in text and "threads-parallel-without-gil" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def executable(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


@pytest.mark.skipif(os.name != "posix", reason="shell scripts stand in for interpreters")
def test_a_broken_shim_falls_back_to_pyenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pyenv's shim for a version that is not active exits 127; the version's own binary works."""
    executable(tmp_path / "shims" / "pyfake", "#!/bin/sh\necho 'pyenv: pyfake: command not found' >&2\nexit 127\n")
    real = executable(tmp_path / "pyenv" / "versions" / "3.99.0" / "bin" / "pyfake",
                      f"#!/bin/sh\nexec {sys.executable} \"$@\"\n")
    monkeypatch.setenv("PATH", f"{tmp_path / 'shims'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "pyenv"))
    assert resolve_python("pyfake") == str(real)
    old = executable(tmp_path / "old" / "python", "#!/bin/sh\necho 3 9\n")
    with pytest.raises(ConclabError, match="is Python 3.9; conclab needs 3.10"):
        resolve_python(str(old))
    with pytest.raises(ConclabError, match="no Python interpreter 'pynone'"):
        resolve_python("pynone")


def available(name: str) -> bool:
    try:
        resolve_python(name)
    except ConclabError:
        return False
    return True


@pytest.mark.slow
@pytest.mark.skipif(not (available("python3.10") and available("python3.13")),
                    reason="python3.10 and python3.13 are not both here")
def test_compare_cpu_gil_under_two_interpreters() -> None:
    result = invoke("compare", "cpu-gil", "--python", "python3.10", "--python", "python3.13", "--quick")
    assert result.exit_code in (0, 1), result.stderr
    lines = result.stdout.splitlines()
    assert sum("cpu-gil under 2 interpreters" in line for line in lines) == 1
    header = next(line for line in lines if "python3.10" in line)
    assert "python3.13" in header
    versions = next(line for line in lines if line.strip("│ ").startswith("Python"))
    assert "3.10." in versions and "3.13." in versions
    for claim_id in ("threads-no-speedup", "threads-parallel-without-gil", "processes-near-cores"):
        assert any(claim_id in line for line in lines), claim_id
    assert "running cpu-gil under python3.10" in result.stderr


@pytest.mark.slow
@pytest.mark.skipif(not available("python3.13"), reason="python3.13 is not here")
def test_run_under_another_python_reports_that_python() -> None:
    from conclab.lab import run_json

    data = run_json(resolve_python("python3.13"), ["--lang", "ja", "run", "concepts", "--quick"])
    assert data["python"].startswith("3.13.") and data["lang"] == "ja"
    assert data["lab"] == "concepts"
    passthrough = invoke("run", "concepts", "--quick", "--json", "--python", "python3.13")
    assert passthrough.exit_code in (0, 1), passthrough.stderr
    assert json.loads(passthrough.stdout)["python"].startswith("3.13.")


def test_doctor_says_when_an_import_turned_the_gil_back_on(machine: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    from conclab.cli import _doctor

    reenabled = dataclasses.replace(machine, free_threaded=True, gil_enabled=True)
    monkeypatch.setattr(_doctor, "machine_facts", lambda: reenabled)
    monkeypatch.delenv("PYTHON_GIL", raising=False)
    def said() -> str:
        return " ".join(invoke("doctor").stdout.split())

    assert "does not declare that it runs without the GIL" in said()
    assert json.loads(invoke("doctor", "--json").stdout)["gil_reenabled"] is True
    monkeypatch.setenv("PYTHON_GIL", "1")
    assert "PYTHON_GIL=1 is set" in said()
    off = dataclasses.replace(machine, free_threaded=True, gil_enabled=False)
    monkeypatch.setattr(_doctor, "machine_facts", lambda: off)
    assert "off: threads run Python code in parallel" in said()
    assert json.loads(invoke("doctor", "--json").stdout)["gil_reenabled"] is False
