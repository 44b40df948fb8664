"""The step table, rendered once for every caller.

The CLI, the exercise checker and the labs all show a schedule as the same
five columns (step, thread, where, source, operation). They used to build the
rows each on their own, from dicts or by hand; :func:`step_rows` is the one
place that turns a :class:`Result` into rows, :func:`render_step_table` draws
them as a rich table (the CLI) and :func:`step_table_text` as aligned text (an
exercise's feedback). Labs pass the rows to their own table, with their own
column titles.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from conclab.explore._messages import MESSAGES
from conclab.explore._types import Result, Step
from conclab.timeline import RichRenderer

if TYPE_CHECKING:
    from rich.table import Table

#: The column titles, as message keys (see :func:`step_columns`).
COLUMNS = ("col.step", "col.thread", "col.where", "col.source", "col.operation")


class StepRow(NamedTuple):
    """One row of the step table as display values; a tuple, so ``list(row)`` is a table row."""

    step: int
    thread: str
    where: str
    source: str
    operation: str


def step_columns(lang: str) -> list[str]:
    """The column titles in ``lang``: step, thread, where, source, operation."""
    return [MESSAGES.get(key, lang) for key in COLUMNS]


def step_rows(result: Result, lang: str | None = None, *, keep: Callable[[Step], bool] | None = None,
              limit: int | None = None) -> list[StepRow]:
    """The rows of ``result``'s step table in ``lang`` (default: the result's own language).

    ``keep`` selects steps (an exercise keeps the learner's lines, not the
    harness's); ``limit`` keeps the first rows after that (a lab stops where the
    deadlock is complete).
    """
    lang = lang or result.lang
    steps = [step for step in result.steps if keep is None or keep(step)]
    if limit is not None:
        steps = steps[:limit]
    return [StepRow(step.index, step.thread_name, step.location, step.source, step.operation(lang))
            for step in steps]


def render_step_table(result: Result, lang: str | None = None, *, max_rows: int = 60) -> Table | None:
    """The step table as a rich ``Table`` (None when there are no steps).

    Past ``max_rows`` the middle is left out, with one row saying how many rows
    were: the first steps show how it starts, the last ones how it ends.
    """
    from rich.table import Table
    from rich.text import Text

    lang = lang or result.lang
    rows: list[StepRow | None] = list(step_rows(result, lang))
    if not rows:
        return None
    titles = step_columns(lang)
    file_name = _one_file([row.where for row in rows if row is not None])
    if file_name:  # the file named once above the table, each row its line: "where" fits 80 columns
        titles[2] = MESSAGES.get("col.line", lang)
        rows = [row._replace(where=row.where.rpartition(":")[2]) if row is not None else None for row in rows]
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold",
                  title=file_name or None, title_justify="left", title_style="bold")
    for index, title in enumerate(titles):
        table.add_column(title, overflow="fold", no_wrap=index < 3,
                         justify="right" if index in (0, 2) and file_name else "left")
    omitted = 0
    if len(rows) > max_rows:
        half = max_rows // 2
        omitted = len(rows) - 2 * half
        rows = rows[:half] + [None] + rows[-half:]
    for row in rows:
        if row is None:
            table.add_row("", "", "", MESSAGES.get("table.omitted", lang, n=omitted), "")
            continue
        # Text, not markup: ``counter[i]`` would otherwise lose ``[i]`` as a style tag.
        # One operation a line: "read x -> 0" and "write x <- 1" each stay whole.
        table.add_row(*(Text(cell) for cell in (str(row.step), row.thread, row.where, row.source,
                                                 row.operation.replace("; ", "\n"))))
    return table


def _one_file(wheres: list[str]) -> str:
    """The file every step ran in ("spinlock.py"), or "" when the steps span files or lack one."""
    files = {where.rpartition(":")[0] for where in wheres}
    return files.pop() if len(files) == 1 and all(wheres) else ""


def step_table_text(result: Result, lang: str | None = None, *, keep: Callable[[Step], bool] | None = None,
                    max_rows: int = 16, indent: str = "    ") -> list[str]:
    """The step table as aligned lines: thread, where, source, operation ([] when no step is kept).

    No header (the caller says what the table shows); past ``max_rows`` one
    last line says how many more steps there are.
    """
    lang = lang or result.lang
    rows = step_rows(result, lang, keep=keep)
    if not rows:
        return []
    shown = rows[:max_rows]
    width = max(len(row.source) for row in shown)
    where = max(len(row.where) for row in shown)
    lines = []
    for row in shown:
        operation = f"   {row.operation}" if row.operation else ""
        lines.append(f"{indent}{row.thread:<3} {row.where:<{where}}  {row.source:<{width}}{operation}".rstrip())
    if len(rows) > max_rows:
        lines.append(indent + MESSAGES.get("table.more-rows", lang, count=len(rows) - max_rows))
    return lines


class StepTable(RichRenderer):
    """The step table as a renderer: on a console, as text at ``width`` columns, or to a file."""

    def __init__(self, result: Result, lang: str | None = None, *, max_rows: int = 60,
                 width: int = 80) -> None:
        self.result, self.lang, self.max_rows, self.width = result, lang, max_rows, width

    def __rich_console__(self, console: Any, options: Any) -> Any:
        table = render_step_table(self.result, self.lang, max_rows=self.max_rows)
        if table is not None:
            yield table
