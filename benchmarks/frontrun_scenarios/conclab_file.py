"""Run a conclab scenario file (``THREADS`` and ``check()``) under frontrun 0.7's ``explore``.

conclab scenarios are modules: shared state at module level, optional
``setup()``, ``THREADS = [...]``, optional ``check()``. frontrun explores
``setup() -> state``, ``workers`` taking the state and ``invariant(state) -> bool``.
The adapter compiles the file once; frontrun's ``setup`` executes it afresh
into a new module namespace (so every execution starts from the file's state,
with whatever ``threading`` frontrun has patched in at that moment) and calls
its ``setup()``; worker ``i`` calls ``THREADS[i]`` of that namespace; the
invariant is "no worker raised, and ``check()`` did not raise".

What it cannot express, or expresses differently:

* ``TASKS`` (asyncio) scenarios: refused (frontrun has async workers, but the
  adapter only maps threads).
* An exception escaping a worker is caught in the worker and counted as a
  violation (conclab reports it as a finding): letting it escape makes
  ``frontrun.explore`` itself raise, which is not a verdict.
* Deadlocks, blocking and time: frontrun's own (its deadlock detection after
  ``deadlock_timeout``, its patched ``time.sleep``), not conclab's virtual clock.
* Threads a scenario starts itself run under whatever frontrun does with them.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from pathlib import Path
from typing import Any


class FileScenario:
    """A scenario file in frontrun's shape: ``setup``, ``workers``, ``invariant``."""

    def __init__(self, path: str) -> None:
        self.path = str(Path(path).resolve())
        source = Path(self.path).read_text(encoding="utf-8")
        self.code = compile(source, self.path, "exec")
        self.name = Path(self.path).stem
        namespace = self._namespace()
        if "TASKS" in namespace or "THREADS" not in namespace:
            raise ValueError(f"{self.path}: only THREADS scenarios can run under frontrun here")
        self.count = len(namespace["THREADS"])
        self.workers: list[Callable[[Any], None]] = [self._worker(i) for i in range(self.count)]

    def _namespace(self) -> dict[str, Any]:
        namespace: dict[str, Any] = {"__name__": f"conclab_scenario_{self.name}", "__file__": self.path}
        exec(self.code, namespace)  # noqa: S102 - the benchmark's own scenario files
        return namespace

    def setup(self) -> types.SimpleNamespace:
        namespace = self._namespace()
        hook = namespace.get("setup")
        if callable(hook):
            hook()
        return types.SimpleNamespace(ns=namespace, errors=[])

    def _worker(self, index: int) -> Callable[[Any], None]:
        def worker(state: types.SimpleNamespace) -> None:
            try:
                state.ns["THREADS"][index]()
            except Exception as error:  # noqa: BLE001 - an escaping exception is a finding
                state.errors.append(f"T{index}: {type(error).__name__}: {error}")
        worker.__name__ = f"T{index}"
        return worker

    def invariant(self, state: types.SimpleNamespace) -> bool:
        if state.errors:
            return False
        check = state.ns.get("check")
        if not callable(check):
            return True
        try:
            check()
        except Exception:  # noqa: BLE001 - a failed assertion or any error in check()
            return False
        return True
