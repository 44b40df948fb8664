"""SCTBench, ported to Python: conclab's strategies and frontrun's side by side, program by program.

Run by hand: ``python benchmarks/sctbench.py`` (``--schedules N`` budget, default
1000 as a new user gets; ``--only NAME`` to pick programs; ``--fixed`` to run
every column on the fixed twins too, ``--fixed-only`` for the default alone on
the fixed twins (``--fixed-schedules N`` for a fixed budget); ``--strategies auto,pos`` to pick
conclab's columns; ``--seed``; ``--cli`` to add the default's wall time as a
user sees it, ``conclab explore PROGRAM`` in a fresh process, start-up
included; ``--no-frontrun`` to leave frontrun out, ``--frontrun-timeout S``
for its ``total_timeout`` per run). Programs are in ``benchmarks/sctbench/``
(one-line provenance in each docstring): ``NAME.py`` has the bug,
``NAME_fixed.py`` is its fixed twin. conclab's strategies run in this process,
one after the other, with the explorer's defaults otherwise (shrinking and the
step table included). frontrun 0.7 (DPOR with its default preemption bound 2,
and random with seed 0) runs in its own venv under its own wrapper
(``frontrun_helper``), each scenario file adapted by
``frontrun_scenarios/conclab_file.py`` (what that cannot express is said
there), with the same budget of executions.

A cell reads ``schedules to the first bug/seconds`` (conclab: the whole
``explore.run`` call, search, shrinking and step table; frontrun: its
``explore`` call, ``reproduce_on_failure=0``) or ``-/seconds`` when nothing
was found. With ``--fixed`` it ends in `` ok`` when the fixed twin got no
report, `` FA`` (false alarm) when it did, `` err`` when the run failed.
Totals: bugs found; *right*: found, and no false alarm on the twin (with
``--fixed``); seconds and schedules summed over the bug programs.

``--fixed-only`` prints, per fixed twin, the default as a learner gets it: the
verdict (``none``, or ``FALSE ALARM``), whether the preemption-bound-2 space
was exhausted, schedules and seconds, and the count exhausted within 5 s.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass

from frontrun_helper import find_frontrun, run_script

from conclab import explore

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sctbench")
STRATEGIES = ["auto", "pos", "pct", "random", "dfs"]
FRONTRUN = ["dpor", "random"]


@dataclass
class Cell:
    """One program under one column: the bug's run and, with ``--fixed``, the twin's."""

    found: bool = False
    schedules: int = 0
    seconds: float = 0.0
    error: str = ""
    twin: str = ""  # "", "ok", "FA" or "err"

    def text(self) -> str:
        head = "err" if self.error else f"{self.schedules if self.found else '-'}/{self.seconds:.2f}"
        return f"{head} {self.twin}".rstrip()


def programs() -> list[str]:
    names = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(HERE, "*.py")))
    return [n for n in names if not n.endswith("_fixed")]


def conclab_run(path: str, strategy: str, schedules: int | None, seed: int) -> Cell:
    started = time.perf_counter()
    result = explore.run(path, strategy=strategy, schedules=schedules, seed=seed)
    return Cell(result.finding is not None, result.schedules_explored, time.perf_counter() - started)


def cli_run(path: str, schedules: int, seed: int) -> Cell:
    """``conclab explore PATH`` in a fresh process: wall time with start-up, as a user waits."""
    command = [sys.executable, "-m", "conclab", "explore", path, "--schedules", str(schedules),
               "--seed", str(seed), "--json"]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        return Cell(seconds=seconds, error=done.stderr.strip()[-200:])
    data = json.loads(done.stdout)
    return Cell(done.returncode == 1, int(data["schedules_explored"]), seconds)


def frontrun_cells(names: list[str], fixed: bool, schedules: int, timeout: float,
                   venv: str) -> tuple[dict[tuple[str, str], Cell], str]:
    """Every program (and twin) under frontrun's DPOR and random, in one subprocess."""
    paths = [os.path.join(HERE, n + ".py") for n in names]
    if fixed:
        paths += [os.path.join(HERE, n + "_fixed.py") for n in names]
    args = ["--schedules", str(schedules), "--timeout", str(timeout), *paths]
    rows, header = run_script(venv, "sctbench_run.py", args, timeout=len(paths) * 2 * (timeout + 30))
    cells: dict[tuple[str, str], Cell] = {}
    for row in rows:
        program, strategy = row["program"], f"fr {row['strategy']}"
        if program.endswith("_fixed"):
            cell = cells.setdefault((program[:-6], strategy), Cell())
            cell.twin = "err" if "error" in row else ("FA" if row["found"] else "ok")
            continue
        cell = cells.setdefault((program, strategy), Cell())
        if "error" in row:
            cell.error = row["error"]
        else:
            cell.found, cell.schedules, cell.seconds = row["found"], row["explored"], row["elapsed_s"]
    return cells, header


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schedules", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", action="append", help="program name (repeatable)")
    parser.add_argument("--strategies", default=",".join(STRATEGIES))
    parser.add_argument("--fixed", action="store_true", help="also run every column on the fixed twins")
    parser.add_argument("--fixed-only", action="store_true", help="the default alone on the fixed twins")
    parser.add_argument("--fixed-schedules", type=int, default=None,
                        help="budget on the fixed twins with --fixed-only (default: the explorer's own default)")
    parser.add_argument("--cli", action="store_true", help="add the default's wall time with start-up")
    parser.add_argument("--no-frontrun", action="store_true", help="leave frontrun's columns out")
    parser.add_argument("--frontrun-venv", help="venv with frontrun 0.7 (default: look under /tmp)")
    parser.add_argument("--frontrun-timeout", type=float, default=10.0,
                        help="frontrun's total_timeout per run, seconds (default 10)")
    args = parser.parse_args()
    strategies = args.strategies.split(",")
    names = args.only or programs()
    if args.fixed_only:
        return fixed_twins(names, args.fixed_schedules, args.seed)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"SCTBench port, budget {args.schedules} schedules, seed {args.seed}, "
          f"Python {sys.version.split()[0]}, load average {load:.2f}")
    cells: dict[tuple[str, str], Cell] = {}
    columns = list(strategies)
    if args.cli:
        columns.append("auto cli")
    if not args.no_frontrun:
        venv, why = find_frontrun(args.frontrun_venv, install=True)
        if venv is None:
            print(f"frontrun: NOT MEASURED: {why}")
        else:
            found, header = frontrun_cells(names, args.fixed, args.schedules, args.frontrun_timeout, venv)
            print(f"{header} ({venv}, {why}); total_timeout {args.frontrun_timeout:g} s per run")
            cells.update(found)
            columns += [f"fr {s}" for s in FRONTRUN]
    print(f"{'bug':17}" + "".join(f"{c:>16}" for c in columns))
    for name in names:
        path = os.path.join(HERE, name + ".py")
        for strategy in strategies:
            cell = cells[(name, strategy)] = conclab_run(path, strategy, args.schedules, args.seed)
            if args.fixed:
                twin = conclab_run(os.path.join(HERE, name + "_fixed.py"), strategy, args.schedules, args.seed)
                cell.twin = "FA" if twin.found else "ok"
        if args.cli:
            cells[(name, "auto cli")] = cli_run(path, args.schedules, args.seed)
        row = [cells.get((name, c), Cell(error="missing")).text() for c in columns]
        print(f"{name:17}" + "".join(f"{c:>16}" for c in row), flush=True)
    totals(names, columns, cells, args.fixed)
    return 0


def totals(names: list[str], columns: list[str], cells: dict[tuple[str, str], Cell], fixed: bool) -> None:
    """Found, right (found and no false alarm on the twin), false alarms, seconds and schedules."""
    def line(label: str, value: object) -> None:
        print(f"{label:17}" + "".join(f"{value(c):>16}" for c in columns))  # type: ignore[operator]

    column_cells = {c: [cells.get((n, c), Cell(error="missing")) for n in names] for c in columns}
    count = len(names)
    line("found", lambda c: f"{sum(x.found for x in column_cells[c])}/{count}")
    if fixed:
        # The cli column runs the bugs only (its twins are the auto column's runs).
        twins = {c: any(x.twin for x in column_cells[c]) for c in columns}
        line("right", lambda c: f"{sum(x.found and x.twin == 'ok' for x in column_cells[c])}/{count}"
             if twins[c] else "")
        line("false alarms", lambda c: f"{sum(x.twin == 'FA' for x in column_cells[c])}" if twins[c] else "")
    line("seconds", lambda c: f"{sum(x.seconds for x in column_cells[c]):.2f}")
    line("schedules", lambda c: f"{sum(x.schedules for x in column_cells[c])}")


def fixed_twins(names: list[str], schedules: int | None, seed: int) -> int:
    """The default (auto) on every fixed twin: no false alarm, and the bound-2 space exhausted within 5 s.

    With no budget given (``--fixed-schedules`` left out) auto runs as a learner's
    ``conclab explore`` does: 1,000 schedules, then dfs alone for up to 5 s of search
    in all until the bound is exhausted.
    """
    budget = "the default (1000, then up to 5 s to exhaust)" if schedules is None else str(schedules)
    print(f"fixed twins (auto, preemption bound 2, budget {budget}), load average {_load():.2f}")
    print(f"{'program':26}{'verdict':>16}{'bound 2':>12}{'schedules':>11}{'seconds':>9}")
    alarms = cleared = count = 0
    for name in names:
        path = os.path.join(HERE, name + "_fixed.py")
        if not os.path.exists(path):
            continue
        count += 1
        started = time.perf_counter()
        result = explore.run(path, strategy="auto", schedules=schedules, seed=seed)
        seconds = time.perf_counter() - started
        hit, exhausted = result.finding is not None, bool(result.exhausted)
        alarms += hit
        cleared += exhausted and not hit and seconds <= 5.0
        verdict = "FALSE ALARM" if hit else "none"
        print(f"{name + '_fixed':26}{verdict:>16}{'exhausted' if exhausted else 'not':>12}"
              f"{result.schedules_explored:>11}{seconds:>8.2f}s", flush=True)
    print(f"false alarms: {alarms} of {count}; exhausted at bound 2 within 5 s: {cleared} of {count}")
    return 0


def _load() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


if __name__ == "__main__":
    raise SystemExit(main())
