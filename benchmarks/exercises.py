"""Benchmark of the exercise checker: how fast a learner gets an answer.

Two figures, each the median of a few runs on this machine:
- a check that is not about time (target about 1 s): a syntax error, and a
  crash, are answered without waiting on any timing measurement; the
  ``limit_downloads`` reference check is the fastest full check of a
  correct solution that serves real HTTP.
- watch mode's verdict latency after a save (target about 1.5 s): from the
  moment the file is written to the moment the verdict is ready, for a
  program that fails fast (a syntax error) and for a real check.

Run:  python benchmarks/exercises.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from conclab.curriculum.exercises import catalogue, readme
from conclab.exercises import Watcher, WatchEvent, Workspace, run_check

ROUNDS = 5


def _time_check(name: str, source: str, folder: Path) -> float:
    ex = catalogue().get(name)
    path = folder / ex.file_name
    path.write_text(source, encoding="utf-8")
    start = time.perf_counter()
    run_check(ex, path, lang="en", workdir=folder)
    return time.perf_counter() - start


def check_times(folder: Path) -> dict[str, float]:
    stream = catalogue().get("stream_primes")
    cases = {
        "syntax error (stream_primes)": ("stream_primes", "print(\n"),
        "crash at start (stream_primes)": ("stream_primes", "raise SystemExit('boom')\n"),
        "wrong answer, fast (stream_primes overlap variant, 1 run)": ("stream_primes", stream.wrong["wrong_overlap"]),
        "full check, limit_downloads reference": ("limit_downloads", catalogue().get("limit_downloads").solution),
    }
    return {label: statistics.median(_time_check(name, source, folder) for _ in range(ROUNDS))
            for label, (name, source) in cases.items()}


def watch_latency(folder: Path, source: str, rounds: int = ROUNDS) -> float:
    """Median seconds from writing the file to the verdict event."""
    Workspace.init(folder, catalogue(), lang="en", readme=readme("en"))
    verdicts: list[float] = []
    arrived = threading.Event()

    def on_event(event: WatchEvent) -> None:
        if event.kind == "verdict":
            verdicts.append(time.perf_counter())
            arrived.set()

    ex = catalogue().get("stream_primes")
    watcher = Watcher(Workspace(folder), catalogue(), lang="en", on_event=on_event, exercise=ex)
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
    thread.start()
    arrived.wait(30)
    time.sleep(0.5)
    latencies = []
    for index in range(rounds):
        arrived.clear()
        saved = time.perf_counter()
        (folder / ex.file_name).write_text(f"{source}\n# save {index}\n", encoding="utf-8")
        if not arrived.wait(30):
            raise SystemExit("watch gave no verdict within 30 s")
        latencies.append(verdicts[-1] - saved)
        time.sleep(0.3)
    stop.set()
    thread.join(timeout=30)
    return statistics.median(latencies)


def main() -> None:
    print(f"python {sys.version.split()[0]}; median of {ROUNDS} runs")
    with tempfile.TemporaryDirectory() as folder:
        for label, seconds in check_times(Path(folder)).items():
            print(f"check  {label:<60} {seconds:6.2f} s")
    with tempfile.TemporaryDirectory() as folder:
        print(f"watch  {'save -> verdict, syntax error':<60} {watch_latency(Path(folder), 'print(') :6.2f} s")
    with tempfile.TemporaryDirectory() as folder:
        wrong = catalogue().get("stream_primes").wrong["wrong_overlap"]
        print(f"watch  {'save -> verdict, stream_primes overlap variant':<60} "
              f"{watch_latency(Path(folder), wrong):6.2f} s")


if __name__ == "__main__":
    main()
