"""Explore in a forked child, so a scenario that kills its interpreter cannot take conclab with it.

The explorer runs the scenario's code in conclab's own process, which is what
makes it fast. A scenario can still end that process in ways no ``except``
sees: ``os._exit()``, a segmentation fault from ``ctypes``, ``os.abort()``.
Run in place, the command then vanishes with no word (exit 139, or whatever
code the scenario chose). :func:`run_contained` forks first: the child explores
and sends the :class:`Result` back as JSON through a pipe, the parent renders
it. When the child dies before sending anything, the parent says so in one line.

Forking costs a few milliseconds; a fresh interpreter would cost a start-up
and the imports. Fork is used only where it is safe (POSIX, and this process
has one thread: forking a threaded process can leave the child holding locks
whose owners no longer exist). Elsewhere the exploration runs in place, as
:func:`conclab.explore.run` does.
"""

from __future__ import annotations

import contextlib
import faulthandler
import io
import json
import os
import signal
import sys
import threading
import traceback
from typing import Any

from conclab.errors import ConclabError
from conclab.explore import _children
from conclab.explore._explorer import run
from conclab.explore._types import Result


def _can_fork() -> bool:
    """True when :func:`run_contained` will fork: POSIX, and no thread but this one."""
    return hasattr(os, "fork") and threading.active_count() == 1


def run_contained(scenario: str, **options: Any) -> Result:
    """:func:`conclab.explore.run` in a forked child; see the module docstring.

    Raises what ``run`` raises (``ConclabError``, ``SystemExit`` for a scenario
    that called ``sys.exit``, ``KeyboardInterrupt``), and ``ConclabError`` when
    the scenario ended the child's interpreter itself.
    """
    if not _can_fork():
        return run(scenario, **options)
    read_end, write_end = os.pipe()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child ends in os._exit; its work is checked through the parent
        os.close(read_end)
        _child(write_end, scenario, options)
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
    except BaseException:
        _stop(pid)
        raise
    return _outcome(data, status, scenario)


def _child(write_end: int, scenario: str, options: dict[str, Any]) -> None:
    """Explore, write one JSON object to ``write_end`` and leave with ``os._exit``: never return into the CLI."""
    payload: dict[str, Any]
    _children.own_process()  # os._exit in a scenario thread is a finding here too, as in place
    # A crash in C then prints where each thread was, as a hung learner program's stacks are shown;
    # a stderr that is not a real file (a test's captured stream) goes without.
    with contextlib.suppress(AttributeError, ValueError, OSError, io.UnsupportedOperation):
        faulthandler.enable(file=sys.stderr, all_threads=True)
    try:
        payload = {"result": run(scenario, **options).to_json()}
    except ConclabError as exc:
        payload = {"error": str(exc), "ja": getattr(exc, "ja", None)}
    except SystemExit as exc:
        payload = {"exit": exc.code if exc.code is None or isinstance(exc.code, int) else str(exc.code)}
    except KeyboardInterrupt:
        payload = {"interrupted": True}
    except BaseException:  # a bug in conclab: the parent shows the child's traceback
        payload = {"internal": traceback.format_exc()}
    try:
        with os.fdopen(write_end, "w", encoding="utf-8") as pipe:
            json.dump(payload, pipe)
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
    finally:
        os._exit(0)


def _stop(pid: int) -> None:
    """Kill the child (the parent was interrupted while it explored) and reap it."""
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def _outcome(data: bytes, status: int, scenario: str) -> Result:
    try:
        payload = json.loads(data.decode("utf-8")) if data else None
    except (UnicodeDecodeError, ValueError):
        payload = None
    if not isinstance(payload, dict):
        raise _died(status, scenario)
    if "result" in payload:
        return Result.from_json(payload["result"])
    if "error" in payload:
        raise ConclabError(payload["error"], ja=payload.get("ja"))
    if "exit" in payload:
        raise SystemExit(payload["exit"])
    if payload.get("interrupted"):
        raise KeyboardInterrupt
    raise RuntimeError("the exploration failed inside conclab:\n" + str(payload.get("internal", payload)))


_FAULTS = {"SIGSEGV", "SIGFPE", "SIGABRT", "SIGBUS", "SIGILL"}  # faulthandler prints the stacks for these


def _died(status: int, scenario: str) -> ConclabError:
    """The one line for a child that ended before it could report."""
    where = where_ja = ""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        segfault = number == signal.SIGSEGV
        what = f"was killed by {name}" + (" (a segmentation fault: a bad memory access from C code such as "
                                            "ctypes)" if segfault else "")
        what_ja = f"{name}" + ("（セグメンテーション違反: ctypes などの C のコードによる不正なメモリアクセス）"
                                if segfault else "") + " で強制終了しました"
        if name in _FAULTS:
            where = "; the Python stack of each thread is printed above"
            where_ja = "。各スレッドの Python のスタックを上に表示しました"
    else:
        code = os.WEXITSTATUS(status)
        what = f"ended the interpreter with exit code {code} (os._exit, or exit in C code)"
        what_ja = f"終了コード {code} でインタープリターごと終了しました（os._exit か、C のコードの exit）"
    return ConclabError(
        f"the scenario {scenario} {what} before the explorer could report, so there is no schedule to show "
        f"(conclab itself is fine): remove that call from the scenario{where}",
        ja=f"シナリオ {scenario} は、インターリーブ探索が結果を報告する前に、{what_ja}。そのため見せられる"
           f"スケジュールはありません（conclab 自体は無事です）。その呼び出しをシナリオから取り除いてください{where_ja}")
