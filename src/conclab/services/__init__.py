"""Local HTTP services for the labs: the counter server, the practice server, the load client.

Each server runs in a background thread of the caller's process, so a lab,
an exercise check or a test can start one, drive it and read what happened::

    from conclab.services import CounterServer, PracticeServer, run_load

    with CounterServer(mode="threading", counter="unsafe", work=0.05) as server:
        report = run_load(server.url, concurrency=20, requests=100)
        report.ok, report.counter.counted, report.lost, server.log_lines

Everything binds to 127.0.0.1 by default and the load client refuses any
host that is not loopback (judged from the text, before any lookup) unless
told otherwise. The engine never imports the curriculum, the labs or the CLI.
"""

from conclab.services._base import BackgroundServer, LogEvent
from conclab.services._net import LOOPBACK, format_url, is_loopback_host, open_listener
from conclab.services.counter import COUNTERS, MODES, CounterServer, check_counter_options
from conclab.services.load import CounterCheck, LoadReport, Target, check_target, run_load
from conclab.services.practice import PracticeServer

__all__ = [
    "COUNTERS",
    "LOOPBACK",
    "MODES",
    "BackgroundServer",
    "CounterCheck",
    "CounterServer",
    "LoadReport",
    "LogEvent",
    "PracticeServer",
    "Target",
    "check_counter_options",
    "check_target",
    "format_url",
    "is_loopback_host",
    "open_listener",
    "run_load",
]
