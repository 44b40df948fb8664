"""Lab ``framework-workers``: one counting app under gunicorn (sync, gthread) and uvicorn.

Real servers are started as child processes on a listening socket this lab
opens on a free loopback port and hands down (gunicorn ``--bind fd://N``,
uvicorn ``--fd N``), so no port can be taken between choosing and binding.
Each runs in its own session, and every one is stopped, then its whole
process group killed, whatever happens: no worker outlives the lab.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from conclab.curriculum.lessons.framework_workers import example
from conclab.lab import Claim, Lab, LabContext, Measured
from conclab.services import LOOPBACK, open_listener
from conclab.timeline import Span

APP = example.__name__
SYNC_WORKERS = 3
THREADS = 4
START_TIMEOUT_S = 20.0


@dataclass
class Served:
    """A server started by the lab: the process, its URL and its stderr lines."""

    key: str
    command: list[str]
    process: subprocess.Popen[str]
    url: str
    lines: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    def booted_workers(self) -> int:
        return sum("Booting worker" in line for line in list(self.lines))


def _gunicorn_options() -> list[str]:
    """Options that keep gunicorn quiet on the machine: no control socket where it has one."""
    try:
        from gunicorn.config import KNOWN_SETTINGS
    except ImportError:
        return []
    names = {setting.name for setting in KNOWN_SETTINGS}
    return ["--no-control-socket"] if "control_socket_disable" in names else []


def commands(fd: int) -> dict[str, list[str]]:
    gunicorn = [sys.executable, "-m", "gunicorn", "--bind", f"fd://{fd}",
                "--graceful-timeout", "2", *_gunicorn_options()]
    return {
        "sync": [*gunicorn, "--workers", str(SYNC_WORKERS), f"{APP}:wsgi_app"],
        "gthread": [*gunicorn, "--workers", "1", "--worker-class", "gthread",
                    "--threads", str(THREADS), f"{APP}:wsgi_app"],
        "uvicorn": [sys.executable, "-m", "uvicorn", "--fd", str(fd), "--lifespan", "off",
                    "--no-access-log", f"{APP}:asgi_app"],
    }


def available(key: str) -> bool:
    module = "uvicorn" if key == "uvicorn" else "gunicorn"
    try:
        __import__(module)
    except ImportError:
        return False
    return key == "uvicorn" or hasattr(os, "fork")


def start(ctx: LabContext, key: str, work: float) -> Served:
    """Open a free loopback port, start the server on it in its own session; do not wait."""
    sock = open_listener(LOOPBACK, 0)
    try:
        command = commands(sock.fileno())[key]
        env = dict(os.environ, COUNTER_WORK=str(work), PYTHONUNBUFFERED="1")
        process = subprocess.Popen(command, pass_fds=(sock.fileno(),), env=env, text=True,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, start_new_session=True)
        url = f"http://{LOOPBACK}:{sock.getsockname()[1]}"
    finally:
        sock.close()  # the server holds its own copy; connections queue until it accepts
    served = Served(key, command, process, url)

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            served.lines.append(line.rstrip())
            ctx.log(f"[{key}] {_short(line.rstrip())}")

    served.reader = threading.Thread(target=read, name=f"{key}-stderr", daemon=True)
    served.reader.start()
    return served


def _short(line: str) -> str:
    """gunicorn's "[2026-01-01 10:00:00 +0000] [41] [INFO] Booting ..." without the date."""
    return re.sub(r"^\[[^\]]*\] ", "", line)


def wait_ready(served: Served, workers: int) -> None:
    """Until the server answers ``/count`` (and gunicorn has booted every worker)."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while served.booted_workers() < workers:
        if served.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{served.key} did not start: {' | '.join(served.lines[-5:])}")
        time.sleep(0.01)
    example.fetch(served.url + "/count")


def stop(servers: list[Served]) -> None:
    """SIGINT to every server's process group, wait, then SIGKILL whatever is left."""
    for served in servers:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(served.process.pid, signal.SIGINT)
    for served in servers:
        try:
            served.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(served.process.pid, signal.SIGKILL)
            served.process.wait(timeout=5)
        # Workers live in the master's process group: make sure none outlived it.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(served.process.pid, signal.SIGKILL)
        if served.reader is not None:
            served.reader.join(timeout=2)
        if served.process.stderr is not None:
            served.process.stderr.close()


@contextlib.contextmanager
def running(ctx: LabContext, keys: list[str], work: float) -> Iterator[dict[str, Served]]:
    servers: dict[str, Served] = {}
    try:
        for key in keys:
            servers[key] = start(ctx, key, work)
        for key, served in servers.items():
            wait_ready(served, SYNC_WORKERS if key == "sync" else (1 if key == "gthread" else 0))
        yield servers
    finally:
        stop(list(servers.values()))


def drive(ctx: LabContext, served: Served, clients: int) -> dict[str, Any]:
    """``clients`` requests at once; each answer with when it was sent and answered."""
    answers: list[dict[str, Any]] = [{} for _ in range(clients)]

    def one(i: int) -> None:
        start = ctx.now()
        data = example.fetch(served.url + f"/client-{i + 1}")
        answers[i] = {**data, "start_s": start, "end_s": ctx.now()}

    threads = [threading.Thread(target=one, args=(i,), name=f"client-{i + 1}")
               for i in range(clients)]
    with ctx.measure(served.key, label={"ja": served.key}):  # the worker class: code
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    for answer in answers:  # one lane per serving process and thread, as the client saw it
        pid = int(answer["pid"])
        lane = f"{served.key} {pid}" if served.key != "gthread" else \
            f"gthread {answer['worker'].replace('ThreadPoolExecutor-', 't')}"
        ctx.recorder.add(Span(f"GET (count {answer['count']})", lane, answer["start_s"],
                              answer["end_s"], pid, 0, "task" if served.key == "uvicorn" else "thread"))
    per_process: dict[int, int] = {}
    for answer in answers:
        per_process[answer["pid"]] = max(per_process.get(answer["pid"], 0), answer["count"])
    return {
        "processes": len(per_process),
        "workers": len({(a["pid"], a["worker"]) for a in answers}),
        "highest": max(a["count"] for a in answers),
        "per_process": [per_process[pid] for pid in sorted(per_process)],
        "sum": sum(per_process.values()),
    }


def run(ctx: LabContext) -> None:
    m = ctx.measured
    work = ctx.pick(0.1, 0.04)
    clients = 9
    m["work_s"], m["clients"] = work, clients
    m["sync_workers"], m["threads"] = SYNC_WORKERS, THREADS
    keys = [key for key in ("sync", "gthread", "uvicorn") if available(key)]
    for missing in sorted({"sync", "gthread", "uvicorn"} - set(keys)):
        ctx.note({"en": "{0} cannot run here (not installed, or no fork on this platform).",
                  "ja": "{0} はこの環境では動きません（未インストールか、fork のない環境です）。"}, missing)
    rows = []
    with running(ctx, keys, work) as servers:
        for key, served in servers.items():
            result = drive(ctx, served, clients)
            for name, value in result.items():
                m[f"{key}_{name}"] = value
            rows.append([_label(key), result["processes"], result["workers"],
                         " + ".join(map(str, result["per_process"])), result["highest"],
                         m[f"{key}_s"]])
    ctx.table(
        {"en": f"The same app, {clients} requests at once, {work:.2f} s of work each",
         "ja": f"同じアプリに同時に {clients} リクエスト、処理は各 {work:.2f} 秒"},
        [{"en": "served by", "ja": "サーバー"}, {"en": "processes", "ja": "プロセス"},
         {"en": "threads or tasks", "ja": "スレッド / タスク"},
         {"en": "count in each process", "ja": "プロセスごとのカウント"},
         {"en": "highest count answered", "ja": "応答の最大カウント"}, {"en": "took (s)", "ja": "所要（秒）"}],
        rows,
    )


def _label(key: str) -> str:
    return {"sync": f"gunicorn -w {SYNC_WORKERS}",
            "gthread": f"gunicorn -k gthread --threads {THREADS}",
            "uvicorn": "uvicorn"}[key]


def workers_diverge(m: Measured) -> bool:
    return (m["sync_processes"] >= 2 and m["sync_sum"] == m["clients"]
            and m["sync_highest"] < m["clients"])


def threads_share(m: Measured) -> bool:
    return (m["gthread_processes"] == 1 and m["gthread_highest"] == m["clients"]
            and m["gthread_workers"] >= 2)


def loop_shares(m: Measured) -> bool:
    return m["uvicorn_processes"] == 1 and m["uvicorn_highest"] == m["clients"]


def loop_overlaps(m: Measured) -> bool:
    return m["uvicorn_s"] <= max(3 * m["work_s"] + 0.15, m["clients"] * m["work_s"] / 2)


LAB = Lab(
    id="framework-workers",
    chapter="locks",
    order=9,
    title={"en": "Know how your framework runs your code: gunicorn workers, threads, uvicorn",
           "ja": "フレームワークがコードをどう動かすかを知る: gunicorn のワーカー、スレッド、uvicorn"},
    summary={"en": "One counting app: gunicorn's worker processes each count apart; gthread and uvicorn share one count.",
             "ja": "同じカウントアプリでも、gunicorn のワーカープロセスはそれぞれ別に数え、gthread と uvicorn は 1 つのカウントを共有する。"},
    example=(example.__name__,),
    run=run,
    claims=(
        Claim("workers-diverge",
              {"en": "gunicorn with {sync_workers} sync workers: {sync_processes} processes each kept their own count ({sync_per_process}); none reached {clients}.",
               "ja": "sync ワーカー {sync_workers} 個の gunicorn: {sync_processes} 個のプロセスがそれぞれ別のカウントを持ち（{sync_per_process}）、どれも {clients} に届きませんでした。"},
              workers_diverge, uses=("sync_processes", "sync_per_process", "sync_sum", "sync_highest", "clients"),
              unmeasured={"en": "gunicorn's sync workers are separate processes, each with its own count; gunicorn is not installed or cannot fork here, so this was not measured.",
                          "ja": "gunicorn の sync ワーカーは別々のプロセスで、それぞれが自分のカウントを持ちます。この環境には gunicorn がないか fork が使えないので、計測していません。"},
              requires=("gunicorn",), sensitive_to=("timing", "load"),
              not_held={"en": "gunicorn with {sync_workers} sync workers: {sync_processes} process(es), counts {sync_per_process}: not several processes each with its own count.",
                        "ja": "sync ワーカー {sync_workers} 個の gunicorn: プロセス {sync_processes} 個、カウントは {sync_per_process} でした。複数のプロセスが別々のカウントを持つ形にはなりませんでした。"}),
        Claim("gthread-shares",
              {"en": "gunicorn gthread: {gthread_workers} threads in one process shared one count and reached {gthread_highest}.",
               "ja": "gunicorn の gthread: 1 つのプロセスの {gthread_workers} 本のスレッドが 1 つのカウントを共有し、{gthread_highest} に達しました。"},
              threads_share, uses=("gthread_processes", "gthread_workers", "gthread_highest", "clients"),
              unmeasured={"en": "gunicorn's gthread worker runs threads in one process that share one count; gunicorn is not installed or cannot fork here, so this was not measured.",
                          "ja": "gunicorn の gthread ワーカーは 1 つのプロセスの中でスレッドを動かし、スレッドは 1 つのカウントを共有します。この環境には gunicorn がないか fork が使えないので、計測していません。"},
              requires=("gunicorn",), sensitive_to=("timing", "load"),
              not_held={"en": "gunicorn gthread: the count reached {gthread_highest}, not one count shared by {gthread_workers} threads in one process.",
                        "ja": "gunicorn の gthread: カウントは {gthread_highest} で、1 つのプロセスの {gthread_workers} 本のスレッドが 1 つのカウントを共有する形にはなりませんでした。"}),
        Claim("uvicorn-shares",
              {"en": "uvicorn: one process, one event loop, one count that reached {uvicorn_highest}.",
               "ja": "uvicorn: 1 つのプロセス、1 つのイベントループ、1 つのカウントで {uvicorn_highest} に達しました。"},
              loop_shares, uses=("uvicorn_processes", "uvicorn_highest", "clients"),
              unmeasured={"en": "uvicorn runs one process with one event loop and one count; uvicorn is not installed here, so this was not measured.",
                          "ja": "uvicorn は 1 つのプロセスで 1 つのイベントループを動かし、カウントも 1 つです。この環境には uvicorn がないので、計測していません。"},
              requires=("uvicorn",), sensitive_to=(),
              not_held={"en": "uvicorn: the count reached {uvicorn_highest}, not one count in one process.",
                        "ja": "uvicorn: カウントは {uvicorn_highest} で、1 つのプロセスで 1 つのカウントという形にはなりませんでした。"}),
        Claim("uvicorn-overlaps",
              {"en": "In one thread, uvicorn served the {clients} requests in {uvicorn_s:.2f} s: their awaits overlapped.",
               "ja": "uvicorn は 1 つのスレッドで {clients} 件を {uvicorn_s:.2f} 秒で処理しました。await の待ち時間が重なりました。"},
              loop_overlaps, uses=("uvicorn_s", "work_s", "clients"), unmeasured={"en": "In one thread, uvicorn overlaps the awaits of concurrent requests; uvicorn is not installed here, so this was not measured.",
                          "ja": "uvicorn は 1 つのスレッドの中で、同時に来たリクエストの await を重ねます。この環境には uvicorn がないので、計測していません。"},
              requires=("uvicorn",),
              not_held={"en": "uvicorn took {uvicorn_s:.2f} s for the {clients} requests: too long for their awaits to have overlapped.",
                        "ja": "uvicorn は {clients} 件に {uvicorn_s:.2f} 秒かかりました。await の待ち時間が重なったにしては長すぎます。"}),
    ),
)
