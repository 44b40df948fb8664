"""The explorer's throughput as the thread count grows (issue 19, "many threads").

Run: ``python benchmarks/many_threads.py`` (``--repeat N``, default 3, best run
kept; ``--schedules N``, default 1,000). For a two-thread scenario and SCTBench
programs of 8 to 27 threads, side by side in one run, it prints the default
strategy's schedules per second and, because a schedule of 27 threads runs far
more code than one of two, the scenario instructions per second: the
instructions one schedule runs are counted once, on a plain sequential run of
the scenario's threads under ``sys.settrace`` (the explorer itself is not
involved in that count), and multiplied by the schedules per second. The last
column is that rate over the two-thread scenario's.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import types
from pathlib import Path
from typing import Any

from conclab import explore
from explore import TEN_LINES  # benchmarks/explore.py, beside this file

HERE = Path(__file__).resolve().parent
TWO = TEN_LINES  # the two-thread scenario of ``benchmarks/explore.py``
PROGRAMS = ["wronglock_fixed", "reorder_10_fixed", "twostage_10_fixed", "reorder_20_fixed", "fsbench_fixed"]


def instructions(path: str) -> tuple[int, int]:
    """(threads, scenario instructions) of one sequential run of ``path``'s threads."""
    source = Path(path).read_text(encoding="utf-8")
    namespace: dict[str, Any] = {"__name__": "many_threads_scenario", "__file__": path}
    exec(compile(source, path, "exec"), namespace)  # noqa: S102 - our own benchmark scenarios
    count = 0

    def local(frame: types.FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "opcode":
            count += 1
        return local

    def hook(frame: types.FrameType, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename != path:
            return None
        frame.f_trace_opcodes = True
        return local

    setup = namespace.get("setup")
    if callable(setup):
        setup()
    threads = namespace["THREADS"]
    sys.settrace(hook)
    try:
        for func in threads:
            func()
    finally:
        sys.settrace(None)
    return len(threads), count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--schedules", type=int, default=1000)
    args = parser.parse_args()
    print(f"conclab explore, many threads: {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}, best of {args.repeat}, "
          f"{args.schedules} schedules (default strategy)")
    with tempfile.TemporaryDirectory() as folder:
        two = os.path.join(folder, "two_threads.py")
        Path(two).write_text(TWO, encoding="utf-8")
        paths = [("two threads, ten lines", two)] + [(name, str(HERE / "sctbench" / f"{name}.py")) for name in PROGRAMS]
        print(f"{'scenario':24} {'threads':>7} {'schedules/s':>12} {'instr/schedule':>15} {'instr/s':>10} {'vs two':>7}")
        base = None
        for label, path in paths:
            threads, per_schedule = instructions(path)
            best = min((explore.run(path, schedules=args.schedules) for _ in range(args.repeat)),
                       key=lambda result: result.elapsed_s)
            rate = best.schedules_explored / best.elapsed_s
            work = rate * per_schedule
            base = base or work
            print(f"{label:24} {threads:>7} {rate:>12,.0f} {per_schedule:>15,} {work:>10,.0f} {work / base:>7.2f}")
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
