"""Timelines of a learner's own script: run it under VizTracer, draw what a learner cares about.

VizTracer records threads, child processes and asyncio tasks into Chrome
trace-event JSON; :mod:`conclab.timeline._trace_convert` keeps the learner's
own calls and waits from it.

:func:`trace_script` runs the script in a subprocess so a crash, a hang or a
``sys.exit`` in the learner's code cannot take conclab down: a time limit
asks the script for its threads' stacks (faulthandler), then stops every
process of it with SIGTERM, which VizTracer answers by saving what it has, so
even a stopped or crashed script leaves its partial timeline. A limit is a
limit: whatever has not saved :data:`SAVE_GRACE_S` later is killed, so the
run ends within the limit plus about two seconds. Nothing of it is left
running, and VizTracer's temporary files (it puts them under ``TMPDIR``) go
with the run's own folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from conclab._process import ProcessTree, launch
from conclab.errors import ConclabError
from conclab.i18n import Messages
from conclab.timeline._render import Renderer
from conclab.timeline._span import Span
from conclab.timeline._trace_convert import MIN_WAIT_S, TraceConversion, spans_from_trace

# -- running a script ---------------------------------------------------------

#: After the limit: time for faulthandler to write the stacks, then for VizTracer to save.
STACKS_WAIT_S = 0.3
SAVE_GRACE_S = 1.2

_BOOT = """\
import faulthandler, os, signal, sys
if sys.platform.startswith("linux") and os.environ.get("CONCLAB_PARENT_PID", "").isdigit():
    import ctypes  # die with conclab (PR_SET_PDEATHSIG), as the exercise bootstrap does
    ctypes.CDLL(None).prctl(1, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != int(os.environ["CONCLAB_PARENT_PID"]):
        os._exit(1)
if hasattr(signal, "SIGUSR1"):
    faulthandler.register(signal.SIGUSR1, all_threads=True)
from viztracer.main import main
main()
"""

#: Frames of the machinery around the learner's script, dropped from tracebacks and stacks.
_MACHINERY = ("/viztracer/", "<frozen runpy>", 'File "<string>"', "/conclab/timeline/")


def clean_traceback(text: str) -> str:
    """Drop VizTracer's and conclab's frames from a traceback: what is left is the script's."""
    lines = text.splitlines()
    out: list[str] = []
    skip_source = False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("File ") and any(marker in stripped for marker in _MACHINERY):
            skip_source = True
            continue
        if skip_source and line.startswith("    ") and not stripped.startswith("File "):
            continue  # the source line (and caret line) of a dropped frame
        skip_source = False
        out.append(line)
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


@dataclass
class ScriptTrace:
    """What running a script under VizTracer produced."""

    script: Path
    args: tuple[str, ...]
    returncode: int | None
    timed_out: bool
    elapsed_s: float
    stdout: str
    stderr: str
    conversion: TraceConversion | None
    limit_s: float
    left_behind: list[int] = field(default_factory=list)

    @property
    def spans(self) -> list[Span]:
        return self.conversion.spans if self.conversion else []

    @property
    def crashed(self) -> bool:
        """The script ended with an error (an exception, ``sys.exit(1)``, a signal)."""
        return not self.timed_out and self.returncode not in (0, None)


def trace_script(script: str | os.PathLike[str], args: Sequence[str] = (), *, limit_s: float = 60.0,
                 min_wait_s: float = MIN_WAIT_S, on_output: Callable[[str], None] | None = None,
                 cwd: str | os.PathLike[str] | None = None) -> ScriptTrace:
    """Run ``python SCRIPT ARGS`` under VizTracer in a subprocess and convert its trace.

    ``on_output`` receives the script's standard output line by line as it
    comes. Raises :class:`ConclabError` for a script that is not a readable
    file or a limit that is not positive; a script that fails is *not* an
    error here (see :attr:`ScriptTrace.crashed`).
    """
    path = Path(script)
    if not path.exists():
        raise ConclabError(f"no such script {os.fspath(script)!r}; give the path of a Python file",
                           ja=f"スクリプト {os.fspath(script)!r} がありません。Python ファイルのパスを指定してください")
    if not path.is_file():
        raise ConclabError(f"{os.fspath(script)!r} is not a file; give the path of a Python file",
                           ja=f"{os.fspath(script)!r} はファイルではありません。Python ファイルのパスを指定してください")
    if limit_s <= 0:
        raise ConclabError(f"time limit must be positive, got {limit_s}",
                           ja=f"制限時間は正の値で指定してください（指定された値: {limit_s}）")
    path = path.resolve()
    workdir = tempfile.mkdtemp(prefix="conclab-trace-")
    out_json = os.path.join(workdir, "viztracer.json")
    env = dict(os.environ)
    env.setdefault("PYTHONIOENCODING", "utf-8")
    env["PYTHONUNBUFFERED"] = "1"
    env["TMPDIR"] = workdir  # VizTracer's per-process files (.viztmp) are removed with it
    command = [sys.executable, "-c", _BOOT, "--quiet", "--log_async", "-o", out_json,
               "--", str(path), *args]
    out: list[str] = []
    err: list[str] = []

    def on_stdout(at: float, text: str) -> None:
        out.append(text)
        if on_output is not None:
            on_output(text)

    tree = launch(command, cwd=cwd or path.parent, env=env, on_stdout=on_stdout,
                  on_stderr=lambda at, text: err.append(text))
    with tree:
        timed_out = tree.wait(limit_s) is None
        if timed_out:
            _stop_saving(tree)
    cleanup = tree.finish()
    start = tree.start
    elapsed = time.perf_counter() - start
    conversion = None
    try:
        with open(out_json, encoding="utf-8") as handle:
            document = json.load(handle)
        conversion = spans_from_trace(document, path.parent, tree.pid, min_wait_s)
    except (OSError, ValueError):
        conversion = None
    finally:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    return ScriptTrace(path, tuple(args), tree.returncode, timed_out, elapsed, "".join(out),
                       clean_traceback("".join(err)), conversion, limit_s, cleanup.left_behind)


def _stop_saving(tree: ProcessTree, grace_s: float = SAVE_GRACE_S) -> None:
    """Stacks to stderr (faulthandler), then SIGTERM to every process, which VizTracer answers by saving.

    Every process, not only the script: VizTracer's main process waits for
    its traced children to save theirs, so a sleeping child would keep it
    waiting. What has not ended ``grace_s`` later (a script that ignores
    SIGTERM) is killed: the trace may then be missing, the limit is kept.
    """
    usr1 = getattr(signal, "SIGUSR1", None)
    if usr1 is not None:
        tree.send(usr1)
        tree.wait(STACKS_WAIT_S)
    for process in tree.members():
        with contextlib.suppress(psutil.Error):
            process.send_signal(signal.SIGTERM)
    if tree.wait(grace_s) is None:
        tree.kill()


# -- drawing a script's trace -------------------------------------------------

MESSAGES = Messages({
    "title": {"en": "Timeline of {script}", "ja": "{script} のタイムライン"},
    "kept": {
        "en": "{spans} span(s) on {lanes} lane(s): your functions (files under {folder}), and sleeps, "
              "lock waits, joins and I/O waits of {ms:g} ms or more inside them.",
        "ja": "{lanes} レーンに {spans} 個のスパン: あなたの関数（{folder} 以下のファイル）と、"
              "その中での {ms:g} ミリ秒以上のスリープ・ロック待ち・join・I/O 待ち。",
    },
    "hidden": {
        "en": "{count} very short calls of your functions were left out to keep the picture readable.",
        "ja": "図を読みやすくするため、ごく短い関数呼び出し {count} 件を省きました。",
    },
    "overflow": {
        "en": "VizTracer's buffer filled up, so the earliest events are missing.",
        "ja": "VizTracer のバッファがいっぱいになったため、最初のほうのイベントが欠けています。",
    },
    "crashed": {
        "en": "{script} ended with exit status {code}; the traceback below is from your script.",
        "ja": "{script} は終了ステータス {code} で終わりました。次のトレースバックはあなたのスクリプトのものです。",
    },
    "timed-out": {
        "en": "{script} was still running after {limit:g} s and was stopped; where each thread was:",
        "ja": "{script} は {limit:g} 秒たっても終わらなかったので停止しました。各スレッドがいた場所:",
    },
    "command": {"en": "Command", "ja": "コマンド"},
})


def summary_lines(trace: ScriptTrace, lang: str, min_wait_s: float = MIN_WAIT_S) -> list[str]:
    """What the timeline shows and what it leaves out, in the learner's language."""
    from conclab.timeline._layout import Layout

    conversion = trace.conversion
    if conversion is None:
        return []
    lanes = len(Layout.from_spans(conversion.spans).lanes)
    lines = [MESSAGES.get("kept", lang, spans=len(conversion.spans), lanes=lanes,
                          folder=str(trace.script.parent), ms=min_wait_s * 1000)]
    if conversion.hidden_short_calls:
        lines.append(MESSAGES.get("hidden", lang, count=conversion.hidden_short_calls))
    if conversion.overflow:
        lines.append(MESSAGES.get("overflow", lang))
    return lines


def chart_title(trace: ScriptTrace, lang: str) -> str:
    """The title over the script's timeline ("Timeline of a.py")."""
    return MESSAGES.get("title", lang, script=trace.script.name)


def problem_line(trace: ScriptTrace, lang: str) -> str | None:
    """The sentence that introduces the script's own stderr when it failed or hung."""
    if trace.timed_out:
        return MESSAGES.get("timed-out", lang, script=trace.script.name, limit=trace.limit_s)
    if trace.crashed:
        return MESSAGES.get("crashed", lang, script=trace.script.name, code=trace.returncode)
    return None


class ScriptTracePage(Renderer):
    """A self-contained HTML page of a script's timeline (``conclab trace --html``)."""

    def __init__(self, trace: ScriptTrace, lang: str = "en", min_wait_s: float = MIN_WAIT_S) -> None:
        self.trace = trace
        self.lang = lang
        self.min_wait_s = min_wait_s

    def render_text(self) -> str:
        from conclab.timeline._html import HtmlTimeline, html_page

        trace, lang = self.trace, self.lang
        title = MESSAGES.get("title", lang, script=trace.script.name)
        command = " ".join(["python", trace.script.name, *trace.args])
        body = [f"<h1>{_esc(title)}</h1>",
                f'<p class="cl-meta">{_esc(MESSAGES.get("command", lang))}: <code>{_esc(command)}</code></p>']
        body.extend(f"<p>{_esc(line)}</p>" for line in summary_lines(trace, lang, self.min_wait_s))
        body.append(HtmlTimeline(trace.spans, title=None, lang=lang).figure())
        problem = problem_line(trace, lang)
        if problem:
            body.append(f'<section class="cl-problem"><p>{_esc(problem)}</p>'
                        f"<pre>{_esc(trace.stderr)}</pre></section>")
        return html_page(title, "\n".join(body), lang)


def _esc(value: object) -> str:
    import html

    return html.escape(str(value), quote=True)
