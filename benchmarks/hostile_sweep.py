"""The hostile-input and fault sweep of issue 14, run against the real ``conclab`` command.

Each case runs ``conclab`` as a learner would (a subprocess, its own session,
loopback only), bounded by a timeout, and prints one line: the case, what the
contract expects, what was observed, the time it took, and ok / FAIL. Whatever
a case leaves running is reported and then killed. Cases whose fix belongs
inside the explorer (``src/conclab/explore/``) are marked ``[explore]``: they
show the state of that work rather than this sweep's.

Run:  python benchmarks/hostile_sweep.py [CASE-PREFIX ...]
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import psutil

CONCLAB = [sys.executable, "-m", "conclab"]
ENV = {**os.environ, "CONCLAB_LANG": "en", "NO_COLOR": "1", "COLUMNS": "100", "PYTHONWARNINGS": "ignore"}


@dataclass
class Ran:
    code: int | str
    out: str
    err: str
    seconds: float
    peak_rss_mb: float = 0.0
    pid: int = 0

    @property
    def one_line(self) -> bool:
        return self.err.count("\n") == 1 and self.err.startswith("conclab: error:") and "Traceback" not in self.err


def run(args: Sequence[str], *, cwd: Path, timeout: float = 30,
        signal_after: tuple[float, int] | None = None, watch_rss: bool = False) -> Ran:
    """``conclab ARGS`` in its own session; killed (as a group) if it outlives ``timeout``.

    ``signal_after=(seconds, SIGINT)`` is Ctrl-C to the whole group; any other signal goes to conclab alone.
    """
    started = time.perf_counter()
    process = subprocess.Popen([*CONCLAB, *args], cwd=cwd, env=ENV, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, start_new_session=True)
    chunks: tuple[list[bytes], list[bytes]] = ([], [])
    pumps = [threading.Thread(target=_pump, args=(stream, into), daemon=True)
             for stream, into in ((process.stdout, chunks[0]), (process.stderr, chunks[1]))]
    for pump in pumps:
        pump.start()
    peak, sent = 0.0, False
    code: int | str = "hung"
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            code = process.returncode
            break
        if watch_rss:
            with contextlib.suppress(psutil.Error):
                peak = max(peak, psutil.Process(process.pid).memory_info().rss / 2**20)
        if signal_after and not sent and time.perf_counter() - started >= signal_after[0]:
            with contextlib.suppress(OSError):
                if signal_after[1] == signal.SIGINT:
                    os.killpg(process.pid, signal.SIGINT)
                else:
                    os.kill(process.pid, signal_after[1])
            sent = True
        time.sleep(0.01)
    if code == "hung":
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    seconds = time.perf_counter() - started
    for pump in pumps:
        pump.join(2)  # bounded: a stray process may still hold the pipe
    out, err = (b"".join(list(into)).decode(errors="replace") for into in chunks)
    return Ran(code, out, err, seconds, peak, process.pid)


def _pump(stream: IO[bytes] | None, into: list[bytes]) -> None:
    """Read a pipe into ``into``; keep the first 200 kB (the sweep checks size, not content)."""
    kept = 0
    with contextlib.suppress(OSError, ValueError):
        while stream is not None:
            data = os.read(stream.fileno(), 65536)
            if not data:
                break
            if kept < 200_000:
                into.append(data)
            kept += len(data)


def leftovers(marker: str) -> int:
    """Processes whose command line holds ``marker`` (killed after being counted)."""
    found = 0
    for process in psutil.process_iter(["cmdline"]):
        with contextlib.suppress(psutil.Error):
            if marker in " ".join(process.info["cmdline"] or []) and process.pid != os.getpid():
                found += 1
                process.kill()
    return found


def workspace(root: Path) -> Path:
    folder = root / "ws"
    subprocess.run([*CONCLAB, "exercises", "init", str(folder)], env=ENV, capture_output=True, check=True, timeout=60)
    return folder


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- the cases: each returns (expected, observed, ok) --------------------------------------------------

Result = tuple[str, str, bool]
PC = "producer_consumer.py"


def case_01_detached_grandchild(tmp: Path) -> Result:
    ws = workspace(tmp)
    (ws / PC).write_text('import subprocess\nsubprocess.Popen(["sleep", "301.01"], start_new_session=True)\n')
    ran = run(["check", "producer-consumer"], cwd=ws, timeout=40)
    left = leftovers("301.01")
    return ("exit 1 in < 5 s, no sleep left", f"exit {ran.code} in {ran.seconds:.1f} s, {left} left",
            ran.code == 1 and ran.seconds < 5 and left == 0)


def case_02_checker_killed(tmp: Path) -> Result:
    ws = workspace(tmp)
    (ws / PC).write_text("import sys\nmarker = 'spin-302'\nwhile True:\n    pass\n")
    ran = run(["check", "producer-consumer", "--limit", "30"], cwd=ws, timeout=20,
              signal_after=(1.5, signal.SIGTERM))
    time.sleep(0.5)
    left = leftovers(str(ws / PC))
    stacks = list(Path(tempfile.gettempdir()).glob(f"conclab-stacks-{ran.pid}-*"))
    return ("SIGTERM: exit 143, program gone, no stack folder", f"exit {ran.code}, {left} left, "
            f"{len(stacks)} stack folders left", ran.code == 143 and left == 0 and not stacks)


def case_03_explore_popen(tmp: Path) -> Result:
    scenario = tmp / "s.py"
    scenario.write_text("import subprocess\ndef w():\n    subprocess.Popen(['sleep', '303.03'])\nTHREADS = [w, w]\n")
    ran = run(["explore", str(scenario), "--schedules", "20"], cwd=tmp, timeout=60)
    left = leftovers("303.03")
    return ("[explore] no sleep left", f"exit {ran.code} in {ran.seconds:.1f} s, {left} sleeps left", left == 0)


def _trace_case(tmp: Path, source: str, limit: int, marker: str) -> Result:
    script = tmp / "t.py"
    script.write_text(source)
    ran = run(["trace", str(script), "--timeout", str(limit)], cwd=tmp, timeout=40)
    left = leftovers(marker)
    return (f"exit 2 within {limit} + 2 s, nothing left", f"exit {ran.code} in {ran.seconds:.1f} s, {left} left",
            ran.code == 2 and ran.seconds < limit + 2 + 1.0 and left == 0)  # + interpreter start-up


def case_04a_trace_mp_child(tmp: Path) -> Result:
    return _trace_case(tmp, "import multiprocessing, time\nmarker = 'mp-304'\n"
                            "def c():\n    time.sleep(300)\nif __name__ == '__main__':\n"
                            "    p = multiprocessing.Process(target=c); p.start(); p.join()\n", 5, str(tmp / "t.py"))


def case_04b_trace_ignores_sigterm(tmp: Path) -> Result:
    return _trace_case(tmp, "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                            "while True:\n    time.sleep(0.05)\n", 2, str(tmp / "t.py"))


def case_05_output_without_newlines(tmp: Path) -> Result:
    ws = workspace(tmp)
    (ws / PC).write_text("import sys\nfor _ in range(300):\n    sys.stdout.write('x' * 1_000_000)\n")
    ran = run(["check", "producer-consumer", "--limit", "30"], cwd=ws, timeout=60, watch_rss=True)
    return ("conclab RSS < 200 MB, output < 20 kB, says cut", f"exit {ran.code}, RSS {ran.peak_rss_mb:.0f} MB, "
            f"output {len(ran.out) / 1000:.1f} kB", ran.peak_rss_mb < 200 and len(ran.out) < 20_000
            and "output cut" in ran.out)


def case_06_escapes(tmp: Path) -> Result:
    ws = workspace(tmp)
    (ws / PC).write_text("import sys\nprint('\\x1b[2J\\x1b]0;pwned\\x07', file=sys.stderr)\nsys.exit(1)\n")
    ran = run(["check", "producer-consumer"], cwd=ws, timeout=30)
    raw = "\x1b" in ran.out + ran.err
    return ("no raw ESC on the terminal, shown as \\x1b", f"exit {ran.code}, raw ESC: {raw}",
            not raw and "\\x1b[2J" in ran.out)


def _serve_with_idle(tmp: Path, mode: str, idle: int) -> Result:
    port = free_port()
    process = subprocess.Popen([*CONCLAB, "serve", "counter", "--mode", mode, "--port", str(port)], env=ENV,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    assert process.stdout is not None
    process.stdout.readline()
    clients = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(idle)]
    time.sleep(0.3)  # let the server take them in hand: what is measured is the stop
    started = time.perf_counter()
    os.killpg(process.pid, signal.SIGINT)
    try:
        code: int | str = process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        process.kill()
        code = "hung"
    seconds = time.perf_counter() - started
    for client in clients:
        client.close()
    return (f"{mode}, {idle} idle: Ctrl-C exits within 2 s", f"exit {code} after {seconds:.2f} s",
            code == 0 and seconds < 2)


def case_07a_single_idle(tmp: Path) -> Result:
    return _serve_with_idle(tmp, "single", 1)


def case_07b_forking_idle(tmp: Path) -> Result:
    return _serve_with_idle(tmp, "forking", 10)


def case_07c_forking_64_idle(tmp: Path) -> Result:
    return _serve_with_idle(tmp, "forking", 64)


def _with_counter(mode: str, counter: str, body: Callable[[int], Result]) -> Result:
    port = free_port()
    process = subprocess.Popen([*CONCLAB, "serve", "counter", "--mode", mode, "--counter", counter,
                                "--work", "0", "--port", str(port)], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    assert process.stdout is not None
    process.stdout.readline()
    try:
        return body(port)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=10)


def case_08_loopback_names(tmp: Path) -> Result:
    def body(port: int) -> Result:
        codes = [run(["load", f"http://{name}:{port}/", "-n", "5", "-c", "1", "--timeout", "3"], cwd=tmp).code
                 for name in ("foo.localhost", "LOCALHOST.")]
        return ("foo.localhost, LOCALHOST. go to 127.0.0.1 (no resolver)", f"exits {codes}", codes == [0, 0])
    return _with_counter("threading", "lock", body)


def case_09_forking_count(tmp: Path) -> Result:
    def body(port: int) -> Result:
        ran = run(["load", f"http://127.0.0.1:{port}/", "-n", "300", "-c", "10"], cwd=tmp)
        lost = "lost 300" in ran.out or "lost 3" in ran.out
        return ("no 'lost N'; says each child counts", f"exit {ran.code}, says lost: {lost}",
                ran.code == 0 and not lost and "each child process" in ran.out)
    return _with_counter("forking", "lock", body)


def case_10_damaged_progress(tmp: Path) -> Result:
    ws = workspace(tmp)
    seen = []
    for damage in (b"\xa9garbage", b'{"exercises": {"a": {"attempts": 1e400}}}', b"[" * 100_000):
        (ws / ".conclab" / "progress.json").write_bytes(damage)
        ran = run(["progress"], cwd=ws)
        seen.append(f"{ran.code}{'T' if 'Traceback' in ran.err else ''}")
    aside = len(list((ws / ".conclab").glob("progress.json.corrupt-*")))
    return ("exit 0, no traceback, 3 kept aside", f"exits {seen}, {aside} aside",
            seen == ["0", "0", "0"] and aside == 3)


def case_11_reset_twice(tmp: Path) -> Result:
    ws = workspace(tmp)
    for version in ("one", "two"):
        (ws / PC).write_text(f"# {version}\n")
        run(["reset", "producer-consumer"], cwd=ws)
    kept = sorted(p.read_text() for p in (ws / ".conclab" / "backups").iterdir())
    return ("both versions kept", f"{len(kept)} backups", kept == ["# one\n", "# two\n"])


def case_12_symlinks(tmp: Path) -> Result:
    ws = workspace(tmp)
    precious = tmp / "precious.py"
    precious.write_text("# mine\n")
    (ws / PC).unlink()
    (ws / PC).symlink_to(precious)
    run(["reset", "producer-consumer"], cwd=ws)
    fresh = tmp / "fresh"
    (fresh / ".conclab").mkdir(parents=True)
    (fresh / ".conclab" / "workspace.json").symlink_to(precious)
    (fresh / PC).symlink_to(tmp / "nowhere.py")
    run(["exercises", "init", str(fresh)], cwd=tmp)
    intact = precious.read_text() == "# mine\n" and not (tmp / "nowhere.py").exists()
    return ("no write through a link", f"target intact: {intact}", intact)


BAD_INPUTS: list[tuple[str, list[str]]] = [
    ("load --timeout -1", ["load", "http://127.0.0.1:9/", "--timeout", "-1"]),
    ("load --timeout nan", ["load", "http://127.0.0.1:9/", "--timeout", "nan"]),
    ("load --timeout inf", ["load", "http://127.0.0.1:9/", "--timeout", "inf"]),
    ("explore --timeout nan", ["explore", "lost-update", "--timeout", "nan"]),
    ("explore --timeout inf", ["explore", "lost-update", "--timeout", "inf"]),
    ("explore --replay 0x9999...", ["explore", "lost-update", "--replay", "0x99999999999999999999"]),
    ("explore --replay 0x1000000000", ["explore", "lost-update", "--replay", "0x1000000000"]),
    ("check --limit nan", ["check", "producer-consumer", "--limit", "nan"]),
    ("trace --timeout nan", ["trace", "t.py", "--timeout", "nan"]),
]


def case_13_bad_input(tmp: Path) -> Result:
    ws = workspace(tmp)
    (ws / "t.py").write_text("print('ran')\n")
    bad = []
    slowest = 0.0
    for label, args in BAD_INPUTS:
        ran = run(args, cwd=ws, timeout=20)
        slowest = max(slowest, ran.seconds)
        if not (ran.code == 2 and ran.one_line):
            bad.append(f"{label}: exit {ran.code}")
    bad += _reset_cases(ws)
    total = len(BAD_INPUTS) + 3
    return (f"{total} bad inputs: exit 2, one line", f"{total - len(bad)} ok (slowest {slowest:.1f} s)"
            + (f"; {bad}" if bad else ""), not bad)


def _reset_cases(ws: Path) -> list[str]:
    """reset when the exercise path is a folder or a FIFO, and when .conclab/backups is a file."""
    bad = []
    target = ws / PC
    for label in ("reset of a folder", "reset of a FIFO", "reset with backups a file"):
        _clear(target)
        if label.endswith("folder"):
            target.mkdir()
        elif label.endswith("FIFO"):
            os.mkfifo(target)
        else:
            target.write_text("# mine\n")
            shutil.rmtree(ws / ".conclab" / "backups", ignore_errors=True)  # an earlier reset may have made it
            (ws / ".conclab" / "backups").write_text("x")
        ran = run(["reset", "producer-consumer"], cwd=ws, timeout=10)
        if not (ran.code == 2 and ran.one_line):
            bad.append(f"{label}: exit {ran.code}")
    _clear(target)
    return bad


def _clear(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.rmdir() if path.is_dir() and not path.is_symlink() else path.unlink()


def _explore_case(tmp: Path, source: str, args: Sequence[str], expect: str, timeout: float,
                  ok: Callable[[Ran], bool]) -> Result:
    scenario = tmp / "s.py"
    scenario.write_text(source)
    ran = run(["explore", str(scenario), *args], cwd=tmp, timeout=timeout)
    first = (ran.err.strip().splitlines() or [""])[-1][:60]
    return (expect, f"exit {ran.code} in {ran.seconds:.1f} s: {first!r}", ok(ran))


def case_14a_scenario_sys_exit(tmp: Path) -> Result:
    return _explore_case(tmp, "import sys\nsys.exit(3)\n", [], "exit 1, one line naming sys.exit(3)", 20,
                         lambda r: r.code == 1 and "sys.exit(3)" in r.err)


def case_14b_scenario_os_exit_in_thread(tmp: Path) -> Result:
    return _explore_case(tmp, "import os\ndef w():\n    os._exit(7)\nTHREADS = [w, w]\n", [],
                         "[explore] exit 1, a finding naming exit 7", 20,
                         lambda r: r.code == 1 and "7" in r.err + r.out)


def case_14c_scenario_module_loop(tmp: Path) -> Result:
    return _explore_case(tmp, "while True:\n    pass\n", ["--timeout", "2"],
                         "[explore] stopped within 2 s + 2 s", 15, lambda r: r.code in (1, 2) and r.seconds < 4.5)


def case_14d_stuck_check(tmp: Path) -> Result:
    return _explore_case(tmp, "import threading\ndef w():\n    pass\nTHREADS = [w, w]\n"
                              "def check():\n    threading.Event().wait()\n", ["--timeout", "2"],
                         "[explore] stuck check() found within 2 s + 2 s", 20,
                         lambda r: r.code == 1 and r.seconds < 4.5)


def case_15a_ctrl_c_pool(tmp: Path) -> Result:
    ran = run(["run", "pool"], cwd=tmp, timeout=20, signal_after=(1.2, signal.SIGINT))
    lines = ran.err.count("\n")
    return ("Ctrl-C: exit 130, one line", f"exit {ran.code}, {lines} stderr lines",
            ran.code == 130 and ran.err == "conclab: error: interrupted\n")


def case_15b_ctrl_c_explore(tmp: Path) -> Result:
    scenario = tmp / "s.py"
    scenario.write_text("import threading\nlock = threading.Lock()\nc = 0\ndef w():\n    global c\n"
                        "    for _ in range(50):\n        with lock:\n            c += 1\nTHREADS = [w, w, w]\n")
    ran = run(["explore", str(scenario), "--schedules", "100000"], cwd=tmp, timeout=20,
              signal_after=(1.5, signal.SIGINT))
    after = ran.seconds - 1.5
    return ("[explore] Ctrl-C: exit 130, one line, < 1 s", f"exit {ran.code}, {ran.err.count(chr(10))} lines, "
            f"{after:.1f} s after", ran.code == 130 and ran.err.count("\n") == 1 and after < 1)


def case_16_messages(tmp: Path) -> Result:
    ws = workspace(tmp)
    (ws / PC).write_text("import signal, threading\nsignal.signal(signal.SIGUSR1, signal.SIG_IGN)\n"
                         "threading.Event().wait()\n")
    usr1 = run(["check", "producer-consumer", "--limit", "1"], cwd=ws)
    (ws / PC).unlink()
    (ws / PC).mkdir()
    folder = run(["check", "producer-consumer"], cwd=ws)
    (ws / PC).rmdir()
    (ws / ".conclab" / "progress.json").write_text('{"exercises": {"producer-consumer": {"attempts": -3}}}')
    progress = run(["progress"], cwd=ws)
    checks = {"SIGUSR1": "did not answer SIGUSR1" in usr1.out, "folder": "is a folder" in folder.err,
              "-3 checks": "-3 checks" not in progress.out}
    return ("each message says what happened", ", ".join(f"{k}: {'ok' if v else 'no'}" for k, v in checks.items()),
            all(checks.values()))


CASES: dict[str, Callable[[Path], Result]] = {
    name[len("case_"):]: function for name, function in sorted(globals().items()) if name.startswith("case_")
}


def main(prefixes: Sequence[str]) -> int:
    failed = 0
    total_started = time.perf_counter()
    print(f"{'case':<30} {'expected':<52} {'observed':<58} {'time':>6}")
    for name, case in CASES.items():
        if prefixes and not any(name.startswith(prefix) for prefix in prefixes):
            continue
        tmp = Path(tempfile.mkdtemp(prefix="conclab-sweep-"))
        started = time.perf_counter()
        try:
            expected, observed, ok = case(tmp)
        except Exception as error:  # a sweep reports, it does not stop
            expected, observed, ok = "-", f"sweep error: {type(error).__name__}: {error}", False
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        seconds = time.perf_counter() - started
        failed += not ok
        print(f"{name:<30} {expected:<52} {observed:<58} {seconds:5.1f}s {'ok' if ok else 'FAIL'}", flush=True)
    print(f"{len(CASES) - failed if not prefixes else '-'} ok, {failed} FAIL, "
          f"{time.perf_counter() - total_started:.0f} s in all")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
