"""Run frontrun 0.7 (DPOR and random) on the SCTBench port; one JSON line per program and strategy.

Run under frontrun's wrapper, where frontrun is installed (``benchmarks/sctbench.py``
does it): ``frontrun python benchmarks/frontrun_scenarios/sctbench_run.py
[--schedules N] [--timeout S] [--fixed] PATH ...``. Each scenario file runs
through ``conclab_file.FileScenario``; the budget is ``--schedules``
executions for DPOR (``max_executions``, its default preemption bound 2) and
attempts for random (``max_attempts``, seed 0), and ``--timeout`` seconds of
``total_timeout``. Timing starts just before ``frontrun.explore`` and stops
when it returns (``reproduce_on_failure=0``), so start-up is not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import frontrun  # noqa: E402
from conclab_file import FileScenario  # noqa: E402

STRATEGIES = ["dpor", "random"]


def measure(path: str, strategy: str, schedules: int, timeout: float) -> dict[str, object]:
    scenario = FileScenario(path)
    options: dict[str, object] = {"reproduce_on_failure": 0, "total_timeout": timeout}
    if strategy == "random":
        options.update(seed=0, max_attempts=schedules)
    else:
        options.update(max_executions=schedules)
    start = time.perf_counter()
    result = frontrun.explore(setup=scenario.setup, workers=scenario.workers,
                              invariant=scenario.invariant, strategy=strategy, **options)
    elapsed = time.perf_counter() - start
    return {"program": scenario.name, "strategy": strategy, "elapsed_s": elapsed,
            "found": result.property_holds is False, "explored": result.num_explored,
            "verdict": {True: "holds", False: "violated", None: "inconclusive"}[result.property_holds]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schedules", type=int, default=1000)
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    print(json.dumps({"frontrun": frontrun.__version__, "python": sys.version.split()[0],
                      "preload": bool(os.environ.get("LD_PRELOAD"))}), flush=True)
    for path in args.paths:
        for strategy in STRATEGIES:
            try:
                row = measure(path, strategy, args.schedules, args.timeout)
            except Exception as error:  # a frontrun failure is a figure, not a crash
                row = {"program": os.path.basename(path)[:-3], "strategy": strategy,
                       "error": f"{type(error).__name__}: {str(error)[:200]}"}
            print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
