"""Helpers the parallelism labs share: sizing CPU work, reading the children's spans.

Not a lab (no ``LAB``): the registry imports it and finds nothing to register.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable

from conclab.lab import LabContext
from conclab.timeline import Span


def start_method() -> str:
    """The start method new processes use here (fork, spawn or forkserver)."""
    return multiprocessing.get_start_method()


def size_for(work: Callable[[int], object], seconds: float, probe: int = 100_000) -> int:
    """How big ``work(n)`` must be to take about ``seconds`` here.

    Machines differ ten-fold in speed, so a fixed size would make a default
    run take half a second on one laptop and ten on another. The best of
    three short probes ignores a probe that a busy machine slowed down.
    """
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        work(probe)
        best = min(best, time.perf_counter() - start)
    return max(probe // 10, int(probe * seconds / max(best, 1e-6)))


def ideal_speedup(cores: int, tasks: int) -> int:
    """The best speed-up ``tasks`` equal tasks can get from ``cores`` cores."""
    return max(1, min(cores, tasks))


def child_spans(ctx: LabContext, prefix: str = "", since: float = 0.0) -> list[Span]:
    """Spans recorded in child processes (named ``prefix...``) that started after ``since``."""
    owner = ctx.recorder.owner_pid
    return [s for s in ctx.recorder.spans()
            if s.pid != owner and s.name.startswith(prefix) and s.start_s >= since]


def window(spans: list[Span]) -> float:
    """From the first start to the last end: how long the spans took side by side."""
    if not spans:
        return 0.0
    return max(s.end_s for s in spans) - min(s.start_s for s in spans)
