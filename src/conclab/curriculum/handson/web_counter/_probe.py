"""Fire the seed's three concurrent requests at the learner's ``main.py`` and record what came back.

Two ways to reach the server, as a classroom works:

* **attached**: something already listens on the port (the learner ran
  ``python main.py`` in another terminal). The probe fires at it as it is,
  finds the listening process (to measure its CPU and to notice a server
  started before ``main.py`` was last saved), and cannot read its log: the
  learner reads it in their own terminal.
* **started**: nothing listens, so the probe starts ``python main.py PORT WORK``
  itself on a free loopback port with a short unit of work, reads its log, and
  stops it with everything it started.

Time is measured in units of the server's own work: the first answer comes
after about one unit whatever ``WORK_S`` is, so ``last / first`` is about 1 when
the three requests overlap and about 3 when they take turns.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from conclab.exercises import describe_failure, free_port, serve_program

CLIENTS = 3          # the seed's three 'curl localhost:8000 &'
STARTED_WORK_S = 0.4  # the unit of work when the probe starts main.py itself
READY_S = 5.0
FIRST_WAIT_S = 60.0   # an attached server works 5 s by default; a slow classroom laptop gets room
_COUNT = re.compile(r"count\s*=\s*'?(-?\d+)")
# searched anywhere in a line: two threads printing at once can share one line
_LOG = re.compile(r"(start|end) processing path = (/(?:check-(?:[1-9]\d*|alone))?)"
                  r"(?:, (?:before|after) request count = (-?\d+))?")


@dataclass
class Answer:
    """One client's request and what it got (``error`` when there was no answer)."""

    path: str
    status: int | None = None
    body: str = ""
    error: str | None = None
    finished_s: float | None = None

    @property
    def count(self) -> int | None:
        match = _COUNT.search(self.body)
        return int(match.group(1)) if match else None


@dataclass
class LogLine:
    """``start``/``end`` of one request in the server's log, with the count it printed (if any)."""

    kind: str
    path: str
    count: int | None


@dataclass
class Probe:
    """Everything one check saw; ``log`` is None when the server's log could not be read (attached)."""

    mode: str
    port: int
    answers: list[Answer] = field(default_factory=list)
    lone: Answer | None = None
    base: int | None = None  # the count before the burst: 0 on a server the probe started, else read first
    cpu_s: float | None = None
    wall_s: float = 0.0
    log: list[LogLine] | None = None
    raw_log: list[str] = field(default_factory=list)
    pid: int | None = None
    stale: bool = False
    program: str | None = None
    failure: str | None = None  # the server never listened, or crashed: what the learner must fix first

    @property
    def answered(self) -> list[Answer]:
        return [a for a in self.answers if a.error is None and a.finished_s is not None]

    @property
    def units(self) -> float | None:
        """The time to the last answer in units of the first (about 1 together, about 3 in turns)."""
        times = [a.finished_s for a in self.answered if a.finished_s]
        if len(times) < len(self.answers) or not times or min(times) <= 0:
            return None
        return max(times) / min(times)

    @property
    def counts(self) -> list[int]:
        return sorted(a.count for a in self.answered if a.count is not None)

    @property
    def lost(self) -> int | None:
        """Updates the burst lost: the last request to count reads every count made before it.

        The answers read the shared count when they are sent, so concurrent
        requests that all counted may all say the final total (``6, 6, 6``):
        the highest answer is the total after the burst, whatever the others say.
        """
        counts = self.counts
        if self.base is None or len(counts) < CLIENTS:
            return None
        return max(0, self.base + CLIENTS - max(counts))

    @property
    def cpu_share(self) -> float | None:
        """CPU time of the server over the wall time of the burst: about 0 when it waits, 1 when it spins."""
        if self.cpu_s is None or self.wall_s <= 0:
            return None
        return self.cpu_s / self.wall_s


def listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.3)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def parse_log(lines: list[str]) -> list[LogLine]:
    """The seed's ``start/end processing path = ...`` lines, in order; every other line is ignored."""
    found = []
    for line in lines:
        for match in _LOG.finditer(line):
            count = int(match.group(3)) if match.group(3) is not None else None
            found.append(LogLine(match.group(1), match.group(2), count))
    return found


def _get(opener: urllib.request.OpenerDirector, url: str, answer: Answer, start: float, timeout: float) -> None:
    try:
        with opener.open(url, timeout=timeout) as response:
            answer.status = response.status
            answer.body = response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:
        answer.status = error.code
    except urllib.error.URLError as error:
        answer.error = str(error.reason)
    except OSError as error:
        answer.error = "timed out" if isinstance(error, TimeoutError) else f"{type(error).__name__}: {error}"
    if answer.error is None:
        answer.finished_s = time.perf_counter() - start


def fire(base_url: str, paths: list[str], *, first_wait_s: float = FIRST_WAIT_S) -> list[Answer]:
    """GET every path at once, from threads released together, as ``curl ... &`` three times does.

    Waits up to ``first_wait_s`` for the first answer, then as long again as
    every other request would need if they took turns (plus a margin): a
    request still unanswered then is reported as such instead of waiting forever.
    """
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never a proxy
    answers = [Answer(path) for path in paths]
    together = threading.Barrier(len(paths) + 1)
    start = 0.0

    def client(answer: Answer) -> None:
        together.wait()
        _get(opener, base_url + answer.path, answer, start, first_wait_s * (len(paths) + 2))

    threads = [threading.Thread(target=client, args=(a,), daemon=True, name=f"curl{a.path}") for a in answers]
    for thread in threads:
        thread.start()
    start = time.perf_counter()
    together.wait()
    deadline = start + first_wait_s
    while time.perf_counter() < deadline and all(a.finished_s is None and a.error is None for a in answers):
        time.sleep(0.01)
    first = min((a.finished_s for a in answers if a.finished_s is not None), default=None)
    if first is not None:
        deadline = start + first * (len(paths) + 1.5) + 1.0
    for thread in threads:
        thread.join(max(0.0, deadline - time.perf_counter()))
    for answer in answers:
        if answer.finished_s is None and answer.error is None:
            answer.error = f"no answer after {time.perf_counter() - start:.1f} s"
    return answers


def _tree_cpu(pid: int | None) -> float | None:
    if pid is None:
        return None
    import psutil

    try:
        process = psutil.Process(pid)
        processes = [process, *process.children(recursive=True)]
        return sum(sum(p.cpu_times()[:2]) for p in processes)
    except (psutil.Error, OSError):
        return None


def burst(probe: Probe, base_url: str, *, first_wait_s: float = FIRST_WAIT_S) -> None:
    """The three concurrent requests; then, if some count went missing, one request alone.

    On a server the learner started, one request alone goes first to read the
    count the burst starts from (their own curls have moved it).
    """
    if probe.mode == "attached":
        probe.base = fire(base_url, ["/check-0"], first_wait_s=first_wait_s)[0].count
    before = _tree_cpu(probe.pid)
    start = time.perf_counter()
    probe.answers = fire(base_url, [f"/check-{i}" for i in range(1, CLIENTS + 1)], first_wait_s=first_wait_s)
    probe.wall_s = time.perf_counter() - start
    after = _tree_cpu(probe.pid)
    probe.cpu_s = after - before if before is not None and after is not None else None
    if probe.lost and len(probe.answered) == CLIENTS:
        probe.lone = fire(base_url, ["/check-alone"], first_wait_s=first_wait_s)[0]


def listener(port: int) -> tuple[int | None, list[str], float | None]:
    """The process listening on ``port`` here: its pid, command line and start time (best effort)."""
    import psutil

    try:
        for connection in psutil.net_connections(kind="tcp"):
            if (connection.status == psutil.CONN_LISTEN and connection.laddr and connection.laddr.port == port
                    and connection.pid):
                process = psutil.Process(connection.pid)
                return connection.pid, process.cmdline(), process.create_time()
    except (psutil.Error, OSError):
        pass
    return None, [], None


def attach(main: Path, port: int, *, first_wait_s: float = FIRST_WAIT_S) -> Probe:
    """Probe the server the learner already runs on ``port``."""
    probe = Probe(mode="attached", port=port)
    pid, cmdline, created = listener(port)
    probe.pid = pid
    if cmdline:
        files = [Path(arg) for arg in cmdline[1:] if arg.endswith(".py")]
        if not any(_same_file(file, main, pid) for file in files):
            probe.program = " ".join(cmdline)
            return probe
        if created is not None and main.is_file() and main.stat().st_mtime > created + 0.5:
            probe.stale = True
    burst(probe, f"http://127.0.0.1:{port}", first_wait_s=first_wait_s)
    return probe


def _same_file(file: Path, main: Path, pid: int | None) -> bool:
    import psutil

    if not file.is_absolute() and pid is not None:
        with contextlib.suppress(psutil.Error, OSError):
            file = Path(psutil.Process(pid).cwd()) / file
    try:
        return file.resolve() == main.resolve()
    except OSError:
        return False


def start(main: Path, *, lang: str) -> Probe:
    """Start ``python main.py PORT WORK`` on a free port, probe it, read its log, stop it."""
    port = free_port()
    probe = Probe(mode="started", port=port, base=0)
    with serve_program(main, [str(port), str(STARTED_WORK_S)], port=port, ready_s=READY_S,
                       cwd=main.parent) as served:
        if served.ready:
            probe.pid = served.run.pid
            burst(probe, served.url, first_wait_s=STARTED_WORK_S * 10)
            time.sleep(0.1)  # the 'end' lines come just after the answers
    run = served.run
    if not served.ready:
        probe.failure = (describe_failure(run, lang) if served.exited
                         else f"main.py did not listen on port {port} within {READY_S:g} s")
        return probe
    probe.raw_log = [*run.output_lines, *run.stderr.splitlines()]
    probe.log = parse_log(run.output_lines)
    return probe
