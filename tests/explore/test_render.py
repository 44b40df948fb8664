"""One step-table renderer for the CLI, the exercise checker and the labs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from tests.explore.helpers import scenario

from conclab import explore
from conclab.explore import (
    Result,
    StepRow,
    render_step_table,
    step_columns,
    step_rows,
    step_table_text,
)

LONG = """
counter = 0


def worker():
    global counter
    for i in range(30):
        local = counter
        counter = local + 1


THREADS = [worker, worker]


def check():
    assert counter == 60, f"counter={counter}"
"""


@pytest.fixture(scope="module")
def found() -> Result:
    return explore.run("lost-update")


def _text(table: object, width: int = 160) -> str:
    out = io.StringIO()
    Console(file=out, width=width, color_system=None).print(table)
    return out.getvalue()


def test_the_rows_are_the_table_of_the_result(found: Result) -> None:
    rows = step_rows(found)
    assert rows == [StepRow(row["step"], row["thread"], row["location"], row["source"], row["operation"])
                    for row in found.table()]
    assert list(rows[0]) == [1, "T0", "lost_update.py:15", "counter += 1", "read counter -> 0"]


def test_rows_in_another_language_and_limited(found: Result) -> None:
    rows = step_rows(found, "ja", limit=1)
    assert len(rows) == 1 and rows[0].operation == "counter を読む -> 0"
    assert step_columns("ja") == ["ステップ", "スレッド", "場所", "ソース", "操作"]


def test_keep_selects_steps(found: Result) -> None:
    assert [row.thread for row in step_rows(found, keep=lambda step: step.thread == 1)] == ["T1"]


def test_the_rich_table_has_the_columns_and_the_rows(found: Result) -> None:
    text = _text(render_step_table(found))
    assert text.split()[:6] == ["lost_update.py", "step", "thread", "line", "source", "operation"]
    lines = [line.rstrip() for line in text.splitlines()]
    at = next(index for index, line in enumerate(lines) if line.endswith("read counter -> 0")
              and lines[index + 1].strip() == "write counter <- 1")
    assert lines[at + 2].strip() == "finished"


def test_the_file_is_named_once_and_the_where_column_fits_80_columns() -> None:
    """At 80 columns "lock_order_deadlock.py:17" used to wrap as "lock_order_deadlock." / "py:17"."""
    result = explore.run("lock-order-deadlock")
    text = _text(render_step_table(result, "ja"), width=80)
    lines = text.splitlines()
    assert lines[0].strip() == "lock_order_deadlock.py"
    assert lines[1].split()[:3] == ["ステップ", "スレッド", "行"]
    assert all(len(line) <= 80 and ".py" not in line for line in lines[1:])
    assert any(line.split()[:3] == ["1", "T0", "20"] for line in lines)


def test_a_long_table_leaves_out_the_middle(tmp_path: Path) -> None:
    result = explore.run(scenario(tmp_path, LONG), strategy="random")
    total = len(result.steps)
    assert total > 60
    text = _text(render_step_table(result, max_rows=10))
    assert f"... {total - 10} rows omitted ..." in text
    assert f"... {total - 10} 行省略 ..." in _text(render_step_table(result, "ja", max_rows=10))


def test_no_steps_no_table() -> None:
    clean = explore.run("locked-counter", schedules=5)
    assert render_step_table(clean) is None and step_table_text(clean) == [] and step_rows(clean) == []


def test_the_text_table_is_aligned_and_says_what_it_left_out(found: Result) -> None:
    lines = step_table_text(found, max_rows=2)
    assert lines[0] == "    T0  lost_update.py:15  counter += 1   read counter -> 0"
    assert lines[-1] == f"    ... {len(found.steps) - 2} more steps"
    assert step_table_text(found, "ja", max_rows=2)[-1] == f"    ... ほか {len(found.steps) - 2} ステップ"


def test_the_step_table_is_a_renderer_like_the_others(tmp_path: Path) -> None:
    from conclab.explore import StepTable
    from conclab.timeline import Renderer

    result = explore.run("lost-update", seed=1)
    table = StepTable(result, "en", width=100)
    assert isinstance(table, Renderer)
    text = table.to_string()
    assert "counter" in text and max(len(line) for line in text.splitlines()) <= 100
    table.save(tmp_path / "steps.txt")
    assert (tmp_path / "steps.txt").read_text(encoding="utf-8") == text
