"""Time frontrun 0.7 on the scenarios of ``scenarios.py``; one JSON line each.

Run under frontrun's wrapper, in an environment where frontrun is installed:
``frontrun python benchmarks/frontrun_scenarios/run.py [--repeat N] [NAME ...]``.
Timing starts just before ``frontrun.explore`` and stops when it returns, so
interpreter start-up and imports are not counted. ``reproduce_on_failure=0``:
the time is the search, not frontrun's extra replays of a counterexample
(conclab's "found after" figure is likewise measured before shrinking).
Each figure is the best of ``--repeat`` runs (a run over one second is not
repeated), after one untimed warm-up exploration.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import frontrun  # noqa: E402
from scenarios import SCENARIOS  # noqa: E402

STRATEGIES = ["random", "dpor"]


def measure(name: str, strategy: str) -> dict[str, object]:
    scenario = SCENARIOS[name]
    options: dict[str, object] = {"reproduce_on_failure": 0, "total_timeout": 30.0}
    if strategy == "random":
        options.update(seed=1)  # and frontrun's default budget, max_attempts=200
    else:
        options.update(max_executions=100_000)
    start = time.perf_counter()
    result = frontrun.explore(setup=scenario.setup, workers=scenario.workers,
                              invariant=scenario.invariant, strategy=strategy, **options)
    elapsed = time.perf_counter() - start
    found = result.property_holds is False
    return {"scenario": name, "strategy": strategy, "elapsed_s": elapsed, "found": found,
            "explored": result.num_explored, "expect_bug": scenario.expect_bug,
            "verdict": {True: "holds", False: "violated", None: "inconclusive"}[result.property_holds]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("names", nargs="*", default=list(SCENARIOS))
    args = parser.parse_args()
    print(json.dumps({"frontrun": frontrun.__version__, "python": sys.version.split()[0],
                      "preload": bool(os.environ.get("LD_PRELOAD"))}), flush=True)
    measure("lost-update", "dpor")  # warm up imports and frontrun's native module
    measure("lost-update", "random")
    for name in args.names:
        for strategy in STRATEGIES:
            try:
                runs = [measure(name, strategy)]
                while len(runs) < args.repeat and float(runs[-1]["elapsed_s"]) < 1.0:  # type: ignore[arg-type]
                    runs.append(measure(name, strategy))
                row = min(runs, key=lambda r: float(r["elapsed_s"]))  # type: ignore[arg-type]
            except Exception as error:  # a frontrun failure is a figure, not a crash
                row = {"scenario": name, "strategy": strategy, "error": f"{type(error).__name__}: {error}"}
            print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
