"""Issue 19's two step-table misreports: subscripts lost in the rich table, stale read values."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from conclab import explore
from conclab.explore import render_step_table

from .helpers import scenario

SCT = Path(__file__).resolve().parents[2] / "benchmarks" / "sctbench"


def test_the_rich_table_keeps_subscripts(tmp_path: Path) -> None:
    path = scenario(tmp_path, """
        counter = [0, 0]
        def worker():
            i = 1
            counter[i] = counter[i] + 1
        THREADS = [worker, worker]
        def check():
            assert counter[1] == 2, counter
    """)
    result = explore.run(path)
    assert result.finding is not None
    table = render_step_table(result)
    assert table is not None
    out = io.StringIO()
    Console(file=out, width=200, color_system=None).print(table)
    assert "counter[i] = counter[i] + 1" in out.getvalue()


def last_writes_agree_with_reads(result: explore.Result) -> int:
    """Every ``read X -> v`` after a ``write X <- w`` shows v == the last w; returns the reads checked."""
    written: dict[str, str] = {}
    checked = 0
    for step in result.steps:
        for op in step.ops:
            if op.kind == "write":
                written[op.target] = op.value
            elif op.kind == "read" and op.target in written:
                assert op.value == written[op.target], (step, written[op.target])
                checked += 1
    return checked


def increments_add_one(result: explore.Result) -> int:
    """Every row of ``dataValue += 1`` shows ``read dataValue -> r; write dataValue <- r + 1``."""
    checked = 0
    for step in result.steps:
        if step.source != "dataValue += 1":
            continue
        reads = [op.value for op in step.ops if op.kind == "read" and op.target == "dataValue"]
        writes = [op.value for op in step.ops if op.kind == "write" and op.target == "dataValue"]
        if reads and writes:
            assert int(writes[-1]) == int(reads[-1]) + 1, step
            checked += 1
    return checked


@pytest.mark.parametrize("name", ["wronglock", "wronglock_3"])
def test_a_read_shows_the_value_it_really_returned(name: str) -> None:
    """A thread switched out right before a read used to show the value from before the switch."""
    path = str(SCT / f"{name}.py")
    result = explore.run(path)
    assert result.finding is not None
    assert increments_add_one(result) > 0
    last_writes_agree_with_reads(result)
    again = explore.run(path, replay=result.finding.schedule)
    assert again.table() == result.table()


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_the_failing_assertion_shows_the_value_it_compared(seed: int) -> None:
    """wronglock: funcA is switched out before its assertion; the row shows the value after the switch."""
    result = explore.run(str(SCT / "wronglock.py"), strategy="random", seed=seed)
    assert result.finding is not None and result.finding.line is not None
    final = result.final_state["dataValue"]
    rows = [step for step in result.steps
            if step.thread == result.steps[-1].thread and step.line == result.finding.line
            and any(op.kind == "read" for op in step.ops)]
    assert rows, result.table()
    for step in rows:
        assert all(op.value == final for op in step.ops if op.kind == "read" and op.target == "dataValue"), step
    last_writes_agree_with_reads(result)
