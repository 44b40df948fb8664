"""The class server under a bootcamp's load, through a crash, and what it costs a learner's check.

Runs the real ``conclab class serve`` in its own process on a loopback port:

1. ``--learners`` simulated learners (default 200) post ``--results`` results each
   (default 20) at once, one connection each: results accepted per second, p50
   and p99 latency of one accepted result (committed to SQLite before the reply).
2. The same again with each learner checking as ``conclab check`` does (outbox
   file, then send), while the server is killed with SIGKILL halfway through and
   restarted on the same port and database three quarters through: every result
   made must be in the database exactly once.
3. The cost to a learner: the synchronous part of the verdict hook (outbox write
   with fsync) not in a class, with the server up, and with it down; how long the
   background send takes; and ``conclab check`` wall time in the three cases.

Usage::

    python benchmarks/class_server.py [--learners 200] [--results 20] [--checks 3]

Exit code 1 if a result was lost or stored twice. Speed figures are for reading.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "classroom"))

from class_helpers import (  # noqa: E402
    ServerProcess,
    a_result,
    check_through_a_kill,
    closed_port_url,
    join,
    post_concurrently,
    stored_ids,
)

from conclab.classroom import SENDER, ClassConfig, report_result  # noqa: E402
from conclab.curriculum.exercises import catalogue  # noqa: E402

EXERCISE = "future-handoff"


def load(folder: Path, learners: int, per_learner: int) -> bool:
    server = ServerProcess(folder / "load.db").start()
    try:
        figures = post_concurrently(server.url, server.code, learners, per_learner, catalogue().ids())
    finally:
        server.stop()
    stored = len(stored_ids(folder / "load.db"))
    print(f"load: {learners} learners x {per_learner} results at once: {figures.results} results in "
          f"{figures.seconds:.2f} s = {figures.per_second:.0f} results/s accepted; latency p50 "
          f"{1000 * figures.percentile(0.5):.1f} ms, p99 {1000 * figures.percentile(0.99):.1f} ms, "
          f"max {1000 * max(figures.latencies):.1f} ms; stored {stored}")
    return stored == figures.results


def crash(folder: Path, learners: int, per_learner: int) -> bool:
    server = ServerProcess(folder / "crash.db").start()
    began = time.perf_counter()
    try:
        figures = check_through_a_kill(server, folder / "outboxes", learners, per_learner, catalogue().ids())
    finally:
        server.stop()
    stored = Counter(stored_ids(folder / "crash.db"))
    once = stored == Counter(figures.made)
    print(f"crash: {learners} learners x {per_learner} checks, server SIGKILLed at half and restarted: "
          f"{len(figures.made)} made, {sum(stored.values())} stored, each exactly once: {once}; "
          f"down {figures.downtime_s:.2f} s; {figures.resent} resends found already stored; the "
          f"instructor's room view answered {len(figures.room_s)} times meanwhile, slowest "
          f"{1000 * max(figures.room_s, default=0):.0f} ms; "
          f"whole run {time.perf_counter() - began:.1f} s")
    return once


def _hook_ms(repeat: int = 50) -> float:
    verdict = {"exercise": EXERCISE, "passed": False, "elapsed_s": 1.0,
               "checks": [{"name": "hands over the result", "passed": False, "detail": "lost"}]}
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        report_result(verdict, attempt=1, source="check", conclab="0.1.0", cores=2)
        times.append(time.perf_counter() - began)
        SENDER.wait(timeout=10)
    return 1000 * statistics.median(times)


def _check_s(env: dict[str, str], workspace: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run([sys.executable, "-m", "conclab", "check", EXERCISE], cwd=workspace, env=env,
                       capture_output=True, check=False)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def learner_cost(folder: Path, checks: int) -> None:
    """The verdict hook's synchronous cost and ``conclab check`` wall time: no class, server up, down."""
    server = ServerProcess(folder / "cost.db").start()
    config_dirs = {case: folder / f"config-{case}" for case in ("none", "up", "down")}
    try:
        config = join(server.url, server.code, "timer")
        config.save(config_dirs["up"])
        ClassConfig(closed_port_url(), config.name, config.token).save(config_dirs["down"])
        hook, check = {}, {}
        env = {**os.environ, "CONCLAB_LANG": "en"}
        subprocess.run([sys.executable, "-m", "conclab", "exercises", "init", str(folder / "ws")],
                       env=env, capture_output=True, check=True)
        for case, config_folder in config_dirs.items():
            os.environ["CONCLAB_CONFIG_DIR"] = str(config_folder)
            hook[case] = _hook_ms()
            began = time.perf_counter()
            report_result({"exercise": EXERCISE, "passed": True, "checks": [], "elapsed_s": 1.0},
                          attempt=1, source="check", conclab="0.1.0", cores=2)
            SENDER.wait(timeout=10)
            if case == "up":
                print(f"cost: one verdict queued and sent in the background in "
                      f"{1000 * (time.perf_counter() - began):.1f} ms (the check does not wait for it)")
            check[case] = _check_s({**env, "CONCLAB_CONFIG_DIR": str(config_folder)}, folder / "ws", checks)
    finally:
        server.stop()
    print("cost: the verdict hook inside 'conclab check' (median of 50): "
          + ", ".join(f"{case} {value:.2f} ms" for case, value in hook.items()))
    print(f"cost: 'conclab check {EXERCISE}' wall time (median of {checks}): "
          + ", ".join(f"{case} {value:.2f} s" for case, value in check.items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--results", type=int, default=20)
    parser.add_argument("--checks", type=int, default=3, help="conclab check runs per case")
    options = parser.parse_args()
    assert a_result().exercise == EXERCISE
    with tempfile.TemporaryDirectory(prefix="conclab-class-bench-") as temp:
        folder = Path(temp)
        good = load(folder, options.learners, options.results)
        good = crash(folder, options.learners, options.results) and good
        learner_cost(folder, options.checks)
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
