"""Benchmark of the interleaving explorer against the goals of issue 4.

Run: ``python benchmarks/explore.py`` (add ``--repeat N``, default 3; the best
run of each figure is printed, because other processes on the machine only ever
make a figure slower). Figures:

* time to find each built-in bug (the schedule that fails, before shrinking)
  and the total time including shrinking and the step-table replay, per strategy;
* each fixed built-in cleared by ``dfs`` with preemption bound 2;
* schedules per second on a two-thread, ten-line scenario, per strategy.

* side by side with frontrun 0.7 on lost-update, spinlock, lock-order-deadlock
  and locked-counter (``benchmarks/frontrun_scenarios/``): frontrun runs in a
  subprocess under its own ``frontrun python`` wrapper, in a separate venv (it is
  not a dependency), and times itself inside that process so start-up is not
  counted. The venv is found with ``--frontrun-venv``, else
  ``/tmp/venv-frontrun<major><minor>`` for this Python, else any
  ``/tmp/venv*/bin/frontrun``; if none exists the script tries to create
  ``/tmp/venv-frontrun<major><minor>`` with ``pip install frontrun==0.7.*``
  (``--no-frontrun`` skips the comparison). When frontrun cannot be installed the
  table says so and leaves its columns out.

Goals: every bug found in at most 0.05 s and none slower than frontrun's best
strategy; the spin lock in at most 0.1 s under dfs; every fixed version cleared
by dfs (bound 2) in at most 1 s; at least 2,000 schedules per second.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import textwrap
from typing import Any

from frontrun_helper import find_frontrun, run_script

from conclab import explore

BUGS = ["lost-update", "spinlock", "lock-order-deadlock", "check-then-act", "async-dirty-write"]
FIXED = ["locked-counter", "fixed-spinlock", "ordered-locks", "locked-check-then-act", "async-locked"]
STRATEGIES = ["auto", "random", "pct", "pos", "dfs"]

TEN_LINES = textwrap.dedent("""
    import threading

    lock = threading.Lock()
    total = 0
    items = []


    def worker():
        global total
        local = 0
        for i in range(3):
            local += i
        with lock:
            total += local
            items.append(local)
        return len(items)


    THREADS = [worker, worker]


    def check():
        assert total == 6
""")


def best(repeat: int, func):  # type: ignore[no-untyped-def]
    results = [func() for _ in range(repeat)]
    return min(results, key=lambda r: r.elapsed_s), results


FRONTRUN_SCENARIOS = ["lost-update", "spinlock", "lock-order-deadlock", "locked-counter"]


def run_frontrun(venv: str, repeat: int) -> tuple[dict[tuple[str, str], dict[str, Any]], str]:
    """Run benchmarks/frontrun_scenarios/run.py under ``frontrun python``; rows by (scenario, strategy)."""
    rows, header = run_script(venv, "run.py", ["--repeat", str(repeat)], timeout=900)
    return {(row["scenario"], row["strategy"]): row for row in rows}, header


def frontrun_cell(row: dict[str, Any] | None) -> str:
    if row is None:
        return "-"
    if "error" in row:
        return "error"
    text = f"{row['elapsed_s']:.4f}s"
    if row["expect_bug"] and not row["found"]:
        text += " (missed)" if row["verdict"] != "inconclusive" else " (timeout)"
    return text


def side_by_side(repeat: int, venv: str | None, why: str) -> int:
    """Print the table of conclab (per strategy) against frontrun (random / DPOR); return misses."""
    ours: dict[str, dict[str, explore.Result]] = {}
    for name in FRONTRUN_SCENARIOS:
        ours[name] = {}
        for strategy in STRATEGIES:
            result, _ = best(repeat, lambda n=name, s=strategy: explore.run(n, strategy=s, seed=1))
            ours[name][strategy] = result
    theirs: dict[tuple[str, str], dict[str, Any]] = {}
    if venv is not None:
        theirs, header = run_frontrun(venv, repeat)
        print(f"   {header} ({venv}, {why})")
    else:
        print(f"   frontrun: NOT MEASURED: {why}. Install it with "
              "'python -m venv /tmp/venv-frontrun && /tmp/venv-frontrun/bin/pip install frontrun==0.7.*'"
              " and pass --frontrun-venv /tmp/venv-frontrun.")
    print("   conclab: time to find the bug per strategy (before shrinking), and auto's whole run "
          "(search, shrinking, step-table replay); locked-counter: time to clear it (dfs exhausts its "
          "space, the others spend the 1,000-schedule budget). frontrun: its search "
          "(reproduce_on_failure=0); random stops at its default 200 schedules.")
    cols = "".join(f"{s:>9}" for s in STRATEGIES)
    extra = f"{'fr random':>18}{'fr DPOR':>18}{'ratio':>7}{'worst':>7}" if theirs else ""
    print(f"   {'scenario':<21}{cols}{'auto all':>9}{extra}")
    misses = 0
    for name in FRONTRUN_SCENARIOS:
        expect_bug = name != "locked-counter"
        results = ours[name]
        times = {s: (r.found_after_s or 0.0) if expect_bug else r.elapsed_s for s, r in results.items()}
        cells = "".join(f"{times[s]:>8.4f}s" for s in STRATEGIES)
        ours_best = results["auto"].elapsed_s if expect_bug else results["dfs"].elapsed_s
        wrong = [s for s, r in results.items() if (r.finding is not None) != expect_bug]
        line = f"   {name:<21}{cells}{results['auto'].elapsed_s:>8.4f}s"
        if theirs:
            fr_random = theirs.get((name, "random"))
            fr_dpor = theirs.get((name, "dpor"))
            usable = [r["elapsed_s"] for r in (fr_random, fr_dpor)
                      if r is not None and "error" not in r and (r["found"] or not expect_bug)]
            frontrun_best = min(usable) if usable else None
            slowest = max(times.values()) if expect_bug else ours_best
            if frontrun_best:
                line += (f"{frontrun_cell(fr_random):>18}{frontrun_cell(fr_dpor):>18}"
                         f"{frontrun_best / ours_best:>6.1f}x{frontrun_best / slowest:>6.1f}x")
            else:
                line += f"{frontrun_cell(fr_random):>18}{frontrun_cell(fr_dpor):>18}{'-':>7}{'-':>7}"
            if expect_bug and frontrun_best is not None and slowest > frontrun_best:
                wrong.append("a strategy finds it slower than frontrun's best")
        if wrong:
            misses += 1
            line += f"  <-- {', '.join(wrong)}"
        print(line)
    if theirs:
        print("   ratio = frontrun's best / conclab auto's whole run (dfs for locked-counter); worst = "
              "frontrun's best / conclab's slowest strategy to find it. Above 1: conclab is faster.")
    return misses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--frontrun-venv", help="venv with frontrun 0.7 installed (default: look under /tmp)")
    parser.add_argument("--no-frontrun", action="store_true", help="skip the side-by-side comparison")
    parser.add_argument("--no-install", action="store_true",
                        help="do not try to pip-install frontrun into a venv under /tmp")
    args = parser.parse_args()
    repeat = max(1, args.repeat)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"conclab explore benchmark: {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, load average {load:.2f}, best of {repeat}")
    explore.run("lost-update")  # warm up imports and the first thread pool
    failures = 0

    print("\n1. Time to find each built-in bug (goal <= 0.05 s; spin lock <= 0.1 s under dfs)")
    print(f"   {'scenario':<22}{'strategy':<9}{'found after':>12}{'total':>10}{'schedules':>11}  kind")
    for name in BUGS:
        for strategy in STRATEGIES:
            result, runs = best(repeat, lambda n=name, s=strategy: explore.run(n, strategy=s, seed=1))
            found = min(r.found_after_s or 0.0 for r in runs)
            goal = 0.1 if (name == "spinlock" and strategy == "dfs") else 0.05
            ok = result.finding is not None and found <= goal
            failures += not ok
            print(f"   {name:<22}{strategy:<9}{found:>11.4f}s{result.elapsed_s:>9.4f}s"
                  f"{result.schedules_explored:>11}  {result.kind}{'' if ok else '  <-- MISSES GOAL'}")

    print("\n2. Fixed built-ins cleared by dfs, preemption bound 2 (goal <= 1 s, exhausted)")
    for name in FIXED:
        result, _ = best(repeat, lambda n=name: explore.run(n, strategy="dfs", preemptions=2,
                                                            schedules=100_000))
        ok = result.verdict == "none" and result.exhausted and result.elapsed_s <= 1.0
        failures += not ok
        print(f"   {name:<24}{result.elapsed_s:>8.4f}s {result.schedules_explored:>6} schedules, "
              f"exhausted={result.exhausted}, verdict={result.verdict}{'' if ok else '  <-- MISSES GOAL'}")

    print("\n3. Schedules per second, two threads, ten lines (goal >= 2,000/s)")
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "ten_lines.py")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(TEN_LINES)
        for strategy in STRATEGIES:
            result, _ = best(repeat, lambda s=strategy: explore.run(path, strategy=s, schedules=2000))
            rate = result.schedules_explored / result.elapsed_s
            ok = rate >= 2000 or strategy == "random"
            print(f"   {strategy:<8}{result.schedules_explored:>6} schedules in {result.elapsed_s:.3f}s = "
                  f"{rate:>7.0f}/s{'' if rate >= 2000 else '  (below 2,000/s)'}")
            failures += not ok
    if args.no_frontrun:
        print("\n4. Side by side with frontrun 0.7: skipped (--no-frontrun)")
    else:
        print("\n4. Side by side with frontrun 0.7 (goal: every bug found no slower than frontrun's best)")
        venv, why = find_frontrun(args.frontrun_venv, install=not args.no_install)
        failures += side_by_side(repeat, venv, why)
    print(f"\n{'all goals met' if not failures else f'{failures} figure(s) miss their goal'}")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
