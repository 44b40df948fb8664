"""Helpers the Dask lessons share: which cluster to use, and Dask's task stream on the timeline.

Not a lab (no ``LAB``). Dask is imported only when a Dask lab runs (``import
dask.distributed`` takes about a second, and the registry loads every lab), so
the labs load their example with :func:`load_example` inside ``run``. The learner-facing code (starting a ``LocalCluster``,
connecting a ``Client``) lives in each lesson's ``example.py``; this module only
reads the ``--scheduler`` choice and turns what the scheduler recorded into spans.
"""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Callable, Iterable, Mapping
from types import ModuleType
from typing import Any

from conclab.lab import SCHEDULER_ENV, LabContext
from conclab.timeline import Span


def scheduler_address() -> str | None:
    """The address of the learner's own Dask scheduler, or None for an embedded cluster."""
    return os.environ.get(SCHEDULER_ENV) or None


def load_example(name: str) -> ModuleType:
    """Import a Dask lesson's example (and with it Dask) now, when the lab runs."""
    return importlib.import_module(name)


def limit_for(count_primes: Callable[[tuple[int, int]], int], seconds: float, probe: int = 20_000) -> int:
    """The limit whose prime count takes about ``seconds`` here (trial division grows as n**1.5)."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        count_primes((1, probe + 1))
        best = min(best, time.perf_counter() - start)
    return max(probe, int(probe * (seconds / max(best, 1e-6)) ** (2 / 3)))


def quiet_dask() -> None:
    """Keep Dask's log lines (a worker's heartbeat error while a loaded cluster shuts down) off the report.

    The environment variable reaches the worker processes Dask starts (their
    logging is set up from Dask's configuration when they import it); a learner
    who set it already keeps their own level.
    """
    import logging

    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "critical")
    for name in ("distributed", "distributed.worker", "distributed.nanny", "distributed.scheduler"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def worker_names(client: Any) -> dict[str, str]:
    """Worker address -> a short lane name ("worker 1", ...), in the order of their names."""
    workers = client.scheduler_info().get("workers", {})
    ordered = sorted(workers.items(), key=lambda item: str(item[1].get("name", item[0])))
    return {address: f"worker {index}" for index, (address, _) in enumerate(ordered, 1)}


def wall_offset(ctx: LabContext) -> float:
    """Seconds to subtract from a wall-clock time (``time.time()``) to get the lab's clock."""
    return time.time() - ctx.now()


def task_spans(records: Iterable[Mapping[str, Any]], lanes: Mapping[str, str], offset: float,
               since: float = 0.0) -> list[Span]:
    """Spans from Dask's task stream: one per ``compute`` interval, on the lane of its worker.

    A record is what ``Client.get_task_stream()`` returns: the task's key, the
    worker's address and ``startstops`` (wall-clock ``start``/``stop`` per action).
    A worker not in ``lanes`` keeps its address as its lane.
    """
    from dask.utils import key_split

    spans = []
    for record in records:
        worker = str(record.get("worker", "?"))
        name = key_split(record.get("key", "task"))
        for interval in record.get("startstops", ()):
            if interval.get("action") != "compute":
                continue
            start = float(interval["start"]) - offset
            if start < since:
                continue
            spans.append(Span(name, lanes.get(worker, worker), start, float(interval["stop"]) - offset,
                              0, 0, "process", {"worker": worker}))
    return sorted(spans, key=lambda s: s.start_s)


def add_spans(ctx: LabContext, spans: list[Span]) -> list[Span]:
    """Put spans read from elsewhere (Dask's task stream) on the lab's timeline; the spans."""
    for one in spans:
        ctx.recorder.add(one)
    return spans
