"""SCTBench, ported to Python: bugs found per strategy, schedules and seconds to the first bug.

Run by hand: ``python benchmarks/sctbench.py`` (``--schedules N`` budget, default
1000 as a new user gets; ``--only NAME`` to pick programs; ``--fixed`` to run the
fixed twins too, ``--fixed-only`` for them alone; ``--strategies auto,pct`` to
pick columns; ``--seed``).
Programs are in ``benchmarks/sctbench/`` (one-line provenance in each docstring):
``NAME.py`` has the bug, ``NAME_fixed.py`` is its fixed twin. Every strategy runs
on the same program in the same process, one after the other, with the
explorer's defaults otherwise (shrinking and the step table included).

Per bug and strategy the cell reads ``schedules to the first bug / seconds``
(seconds of the whole ``explore.run`` call, search, shrinking and step table)
or ``-`` when nothing was found in the budget. Fixed twins run with the
default as a learner gets it (``--fixed-schedules N`` for a fixed budget): the
verdict (``none``, or ``FALSE ALARM`` if anything is reported), whether the
preemption-bound-2 space was exhausted, schedules and seconds, and the count
exhausted within 5 s.
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
import time

from conclab import explore

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sctbench")
STRATEGIES = ["auto", "pct", "random", "dfs"]


def programs() -> list[str]:
    names = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(HERE, "*.py")))
    return [n for n in names if not n.endswith("_fixed")]


def one(path: str, strategy: str, schedules: int | None, seed: int) -> tuple[bool, int, float, bool | None]:
    started = time.perf_counter()
    result = explore.run(path, strategy=strategy, schedules=schedules, seed=seed)
    return result.finding is not None, result.schedules_explored, time.perf_counter() - started, result.exhausted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schedules", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", action="append", help="program name (repeatable)")
    parser.add_argument("--strategies", default=",".join(STRATEGIES))
    parser.add_argument("--fixed", action="store_true", help="also run the fixed twins")
    parser.add_argument("--fixed-only", action="store_true", help="run the fixed twins only")
    parser.add_argument("--fixed-schedules", type=int, default=None,
                        help="budget on the fixed twins (default: the explorer's own default)")
    args = parser.parse_args()
    strategies = args.strategies.split(",")
    names = args.only or programs()
    if args.fixed_only:
        return fixed_twins(names, args.fixed_schedules, args.seed)
    found = dict.fromkeys(strategies, 0)
    print(f"SCTBench port, budget {args.schedules} schedules, seed {args.seed}, Python {sys.version.split()[0]}")
    print(f"{'bug':18}" + "".join(f"{s:>18}" for s in strategies))
    for name in names:
        cells = []
        for strategy in strategies:
            hit, explored, seconds, _ = one(os.path.join(HERE, name + ".py"), strategy, args.schedules, args.seed)
            found[strategy] += hit
            cells.append(f"{explored}/{seconds:.2f}s" if hit else f"-/{seconds:.2f}s")
        print(f"{name:18}" + "".join(f"{c:>18}" for c in cells), flush=True)
    print(f"{'found':18}" + "".join(f"{found[s]:>15}/{len(names):<2}" for s in strategies))
    if not args.fixed:
        return 0
    return fixed_twins(names, args.fixed_schedules, args.seed)


def fixed_twins(names: list[str], schedules: int | None, seed: int) -> int:
    """The default (auto) on every fixed twin: no false alarm, and the bound-2 space exhausted within 5 s.

    With no budget given (``--fixed-schedules`` left out) auto runs as a learner's
    ``conclab explore`` does: 1,000 schedules, then dfs alone for up to 5 s of search
    in all until the bound is exhausted.
    """
    budget = "the default (1000, then up to 5 s to exhaust)" if schedules is None else str(schedules)
    print(f"\nfixed twins (auto, preemption bound 2, budget {budget})")
    print(f"{'program':26}{'verdict':>16}{'bound 2':>12}{'schedules':>11}{'seconds':>9}")
    alarms = cleared = count = 0
    for name in names:
        path = os.path.join(HERE, name + "_fixed.py")
        if not os.path.exists(path):
            continue
        count += 1
        hit, explored, seconds, exhausted = one(path, "auto", schedules, seed)
        alarms += hit
        cleared += bool(exhausted) and not hit and seconds <= 5.0
        verdict = "FALSE ALARM" if hit else "none"
        print(f"{name + '_fixed':26}{verdict:>16}{'exhausted' if exhausted else 'not':>12}{explored:>11}"
              f"{seconds:>8.2f}s", flush=True)
    print(f"false alarms: {alarms} of {count}; exhausted at bound 2 within 5 s: {cleared} of {count}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
