"""Shared helpers for the explorer tests: scenario files from strings, leak checks."""

from __future__ import annotations

import socket
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

from conclab.explore import ORIGINALS


def scenario(tmp_path: Path, source: str, name: str = "scenario.py") -> Path:
    """Write a scenario file and return its path."""
    path = tmp_path / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def snapshot() -> dict[str, Any]:
    """What an exploration must leave as it found it, beyond the replaced classes (see assert_no_leak)."""
    return {
        "socket timeout": socket.getdefaulttimeout(),
        "trace function": sys.gettrace(),
        "threading._active": set(threading._active),  # type: ignore[attr-defined]
        "threading._limbo": set(threading._limbo),  # type: ignore[attr-defined]
    }


def assert_no_leak(before: dict[str, Any] | None = None) -> None:
    """The standard objects are back, no explorer thread is alive, and nothing else changed.

    With ``before`` (a :func:`snapshot` taken before the test) also: the socket
    default timeout and this thread's trace function are what they were, and the
    thread registry (``threading._active``, ``threading._limbo``) holds no entry
    it did not hold before.
    """
    import asyncio
    import os
    import queue
    import subprocess
    import time

    modules = {"threading": threading, "queue": queue, "time": time, "asyncio": asyncio,
               "asyncio.locks": asyncio.locks, "os": os, "Popen": subprocess.Popen}
    for (module, name), original in ORIGINALS.items():
        assert getattr(modules[module], name) is original, f"{module}.{name} was not restored"
    alive = [t for t in threading.enumerate() if t.name.startswith(("conclab-explore", "T"))
             and t is not threading.main_thread() and t.daemon]
    assert not alive, f"threads left behind: {alive}"
    if before is None:
        return
    after = snapshot()
    for key in ("socket timeout", "trace function"):
        assert after[key] == before[key], f"{key} was not restored: {before[key]!r} -> {after[key]!r}"
    for key in ("threading._active", "threading._limbo"):
        extra = after[key] - before[key]
        assert not extra, f"{key} has entries left behind: {sorted(extra)}"


def reduce_search(on: bool, hide: bool = True) -> None:
    """Turn on or off what makes dfs run fewer schedules of the same space: partial-order
    reduction and symmetry between threads (the soundness tests compare the search with
    both against the plain search). ``hide``: loads of globals no thread assigns are no
    scheduling points; that changes the space itself (where time slices end), so it is
    compared apart, at a bound where both spaces are whole.
    """
    from conclab.explore import _decode, _strategies, _symmetry

    _strategies.REDUCE = on
    _symmetry.ENABLED = on
    _decode.HIDE_CONSTANTS = hide
