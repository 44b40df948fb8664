"""Facts about the machine a lab runs on, used by labs, claims and ``conclab doctor``.

A claim that does not hold is explained from these facts (one core, the GIL
off, a busy machine), so they are gathered in one place and kept cheap.
"""

from __future__ import annotations

import locale
import multiprocessing
import os
import platform
import shutil
import socket
import sys
import sysconfig
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Machine:
    python_version: str
    implementation: str
    executable: str
    platform: str
    free_threaded: bool
    gil_enabled: bool
    cores: int
    cpu_count: int
    start_method: str
    start_methods: tuple[str, ...]
    locale: str
    curl: str | None
    load_average: float | None

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["start_methods"] = list(self.start_methods)
        return data

    @property
    def busy(self) -> bool:
        """True when the load average says other work competes for the cores."""
        return self.load_average is not None and self.load_average > 0.8 * max(1, self.cores)


def usable_cores() -> int:
    """Cores this process may run on (affinity-aware where the OS tells)."""
    try:
        return len(os.sched_getaffinity(0))  # type: ignore[attr-defined,unused-ignore]
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def gil_enabled() -> bool:
    check = getattr(sys, "_is_gil_enabled", None)
    return True if check is None else bool(check())


def machine_facts() -> Machine:
    """Read the facts now (cheap: no subprocess, no network)."""
    try:
        lang, encoding = locale.getlocale()
        current_locale = ".".join(filter(None, (lang, encoding))) or "C"
    except ValueError:
        current_locale = "unknown"
    try:
        load: float | None = os.getloadavg()[0]
    except (AttributeError, OSError):
        load = None
    return Machine(
        python_version=platform.python_version(),
        implementation=platform.python_implementation(),
        executable=sys.executable,
        platform=platform.platform(terse=True),
        free_threaded=bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        gil_enabled=gil_enabled(),
        cores=usable_cores(),
        cpu_count=os.cpu_count() or 1,
        start_method=multiprocessing.get_start_method(allow_none=True)
        or multiprocessing.get_context().get_start_method(),
        start_methods=tuple(multiprocessing.get_all_start_methods()),
        locale=current_locale,
        curl=shutil.which("curl"),
        load_average=load,
    )


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """True when ``host:port`` can be bound right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True
