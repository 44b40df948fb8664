"""Shared helpers for the explorer tests: scenario files from strings, leak checks."""

from __future__ import annotations

import textwrap
import threading
from pathlib import Path

from conclab.explore import ORIGINALS


def scenario(tmp_path: Path, source: str, name: str = "scenario.py") -> Path:
    """Write a scenario file and return its path."""
    path = tmp_path / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def assert_no_leak() -> None:
    """The standard objects are back and no explorer thread is alive."""
    import asyncio
    import queue
    import time

    modules = {"threading": threading, "queue": queue, "time": time, "asyncio": asyncio,
               "asyncio.locks": asyncio.locks}
    for (module, name), original in ORIGINALS.items():
        assert getattr(modules[module], name) is original, f"{module}.{name} was not restored"
    alive = [t for t in threading.enumerate() if t.name.startswith(("conclab-explore", "T"))
             and t is not threading.main_thread() and t.daemon]
    assert not alive, f"threads left behind: {alive}"
