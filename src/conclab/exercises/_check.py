"""Checking one exercise: the context a check function drives, and how failures read.

A check function gets a :class:`CheckContext`, runs the learner's program
through it (as often as it needs, with its own arguments) and records named
results. The context turns every way a program can go wrong before the check
even starts (syntax error, crash, hang) into a message a learner can act on:
the file and line, the last lines of the traceback, or where each thread was
waiting when it was stopped.
"""

from __future__ import annotations

import linecache
import signal
import time
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from conclab.errors import ConclabError
from conclab.exercises._explore import ExploreRun, explore_program
from conclab.exercises._model import CheckResult, Exercise, Verdict
from conclab.exercises._runner import Interrupt, ProgramRun, ThreadStack, run_program
from conclab.exercises._serve import ServedProgram, serve_program
from conclab.exercises._source import LearnerSource, compile_learner_file
from conclab.i18n import Messages

MESSAGES = Messages({
    "runs": {"en": "runs", "ja": "実行"},
    "ran": {"en": "ran to the end in {elapsed:.2f} s (exit status 0)",
            "ja": "最後まで実行できました（{elapsed:.2f} 秒、終了コード 0）"},
    "syntax": {"en": "syntax error in {file}, line {line}: {message}\n    {text}\n    {caret}",
               "ja": "{file} の {line} 行目に構文エラーがあります: {message}\n    {text}\n    {caret}"},
    "crash": {"en": "the program ended with exit status {code}. Last lines of its error output:\n{tail}",
              "ja": "プログラムが終了コード {code} で終わりました。エラー出力の最後の行:\n{tail}"},
    "killed": {"en": "the program was killed by signal {signal}",
               "ja": "プログラムがシグナル {signal} で強制終了されました"},
    "hang": {"en": "did not finish within {limit:g} s, so conclab stopped it (and every process it started). "
                   "Where each thread was waiting:",
             "ja": "{limit:g} 秒以内に終わらなかったため、conclab が停止しました（起動したプロセスもすべて停止）。"
                   "各スレッドが待っていた場所:"},
    "hang-nostacks": {"en": "(the stacks could not be read on this platform)",
                      "ja": "（このプラットフォームではスタックを取得できませんでした）"},
    "hang-nousr1": {"en": "(the stacks could not be read: the program did not answer SIGUSR1, which conclab "
                          "sends to ask for them; does it ignore or handle SIGUSR1 itself?)",
                    "ja": "（スタックを取得できませんでした: conclab がスタックを求めて送る SIGUSR1 に"
                          "プログラムが応答しませんでした。SIGUSR1 を無視または独自に処理していませんか?）"},
    "hang-hint": {"en": "A thread that waits forever is usually a queue.get() with no sentinel, a join() "
                        "on something that never ends, or a lock that is never released.",
                  "ja": "いつまでも待ち続けるスレッドの原因は、たいてい番兵のない queue.get()、終わらないものへの "
                        "join()、解放されないロックのどれかです。"},
    "who": {"en": "{process}, {thread}:", "ja": "{process}、{thread}:"},
    "main-thread": {"en": "main thread", "ja": "メインスレッド"},
    "thread": {"en": "thread {ident}", "ja": "スレッド {ident}"},
    "process": {"en": "process {pid}", "ja": "プロセス {pid}"},
    "child-process": {"en": "child process {pid}", "ja": "子プロセス {pid}"},
    "waiting-in": {"en": "waiting in {function}() ({where})", "ja": "{function}() で待機中（{where}）"},
    "more-threads": {"en": "... and {count} more threads", "ja": "... ほか {count} スレッド"},
    "missing": {"en": "the exercise file {path} does not exist; run 'conclab reset {exercise}' to write the starter again",
                "ja": "演習ファイル {path} がありません。'conclab reset {exercise}' でスターターを書き直してください"},
    "error-in-check": {"en": "the checker itself failed ({error}); please report this",
                       "ja": "チェッカー自体が失敗しました（{error}）。報告してください"},
})

_SHOWN_THREADS = 12


class CheckContext:
    """What a check function uses: run the learner's file, record results, speak the learner's language.

    ``limit_s`` is the time limit for each run (the exercise's, unless the caller
    shortened it). ``workdir`` is where the program runs and where data files
    (``urls.txt``) are written.
    """

    def __init__(self, exercise: Exercise, path: Path, *, lang: str, limit_s: float,
                 workdir: Path) -> None:
        self.exercise = exercise
        self.path = path
        self.lang = lang
        self.limit_s = limit_s
        self.workdir = workdir
        self.results: list[CheckResult] = []
        self.runs: list[ProgramRun] = []
        self._source: LearnerSource | None = None

    @property
    def source(self) -> LearnerSource:
        """The learner's file, compiled on first use and then shared by every run of this check."""
        if self._source is None:
            self._source = compile_learner_file(self.path.resolve())
        return self._source

    def run(self, args: Sequence[str] = (), *, env: Mapping[str, str] | None = None,
            limit_s: float | None = None, interrupt: Interrupt | None = None) -> ProgramRun:
        """Run the learner's program once (``python FILE ARGS``) and keep the record.

        ``interrupt`` sends a signal while it runs (Ctrl-C, ``kill``): see :class:`Interrupt`.
        """
        record = run_program(self.path, [str(a) for a in args], limit_s=limit_s or self.limit_s,
                             cwd=self.workdir, env=env, interrupt=interrupt, source=self.source)
        self.runs.append(record)
        return record

    def explore(self, harness: str, **options: Any) -> ExploreRun:
        """Explore the interleavings of the learner's file with ``harness`` appended (see :func:`explore_program`)."""
        options.setdefault("limit_s", self.limit_s)
        outcome = explore_program(self.path, harness, lang=self.lang, source=self.source, **options)
        self.runs.append(outcome.run)
        return outcome

    def serve(self, args: Sequence[str] = (), *, port: int, ready_s: float | None = None,
              env: Mapping[str, str] | None = None) -> AbstractContextManager[ServedProgram]:
        """Run the learner's server (``python FILE ARGS``) for the length of a ``with`` block."""
        return serve_program(self.path, [str(a) for a in args], port=port, ready_s=ready_s or self.limit_s,
                             cwd=self.workdir, env=env, source=self.source)

    def add(self, name: str, passed: bool, detail: str) -> bool:
        """Record one named result; returns ``passed`` so checks can stop early."""
        self.results.append(CheckResult(name, bool(passed), detail))
        return bool(passed)

    def require_clean_run(self, run: ProgramRun, name: str | None = None) -> bool:
        """Record whether the run ended by itself with status 0; on failure say exactly why."""
        label = name or MESSAGES.get("runs", self.lang) + (
            f" ({' '.join(Path(a).name if '/' in a else a for a in run.args)})" if run.args else "")
        if run.ok:
            return self.add(label, True, MESSAGES.get("ran", self.lang, elapsed=run.elapsed_s))
        return self.add(label, False, describe_failure(run, self.lang))

    def message(self, messages: Messages, key: str, **values: object) -> str:
        return messages.get(key, self.lang, **values)


def describe_failure(run: ProgramRun, lang: str) -> str:
    """Why a run did not end cleanly, in words a learner can act on."""
    if run.syntax_error is not None:
        problem = run.syntax_error
        caret = " " * max(0, problem.column - 1) + "^"
        return MESSAGES.get("syntax", lang, file=Path(problem.file).name, line=problem.line,
                            message=problem.message, text=problem.text, caret=caret)
    if run.timed_out:
        lines = [MESSAGES.get("hang", lang, limit=run.limit_s)]
        lines.extend(describe_stacks(run.stacks, run.script, lang, root_pid=run.pid) or
                     ["  " + MESSAGES.get("hang-nousr1" if hasattr(signal, "SIGUSR1") else "hang-nostacks",
                                          lang)])
        lines.append(MESSAGES.get("hang-hint", lang))
        return "\n".join(lines)
    if run.returncode is not None and run.returncode < 0:
        return MESSAGES.get("killed", lang, signal=-run.returncode)
    tail = "\n".join("    " + line for line in run.stderr.strip().splitlines()[-8:]) or "    (none)"
    return MESSAGES.get("crash", lang, code=run.returncode, tail=tail)


def describe_stacks(stacks: Sequence[ThreadStack], script: str, lang: str,
                    root_pid: int | None = None) -> list[str]:
    """One line per thread: which process and thread, the learner's line, and what it waited in.

    ``root_pid`` is the learner's program itself; without it, the first process
    whose main thread still sits in the bootstrap is taken for it (a forked child
    also starts there, so the pid is better when known).
    """
    lines: list[str] = []
    main_pid = root_pid if root_pid is not None and any(s.pid == root_pid for s in stacks) else next(
        (s.pid for s in stacks if s.is_main), stacks[0].pid if stacks else 0)
    ordered = sorted(stacks, key=lambda s: (s.pid != main_pid, s.pid, not s.is_main))
    for stack in ordered[:_SHOWN_THREADS]:
        process = (MESSAGES.get("process", lang, pid=stack.pid) if stack.pid == main_pid
                   else MESSAGES.get("child-process", lang, pid=stack.pid))
        thread = MESSAGES.get("main-thread", lang) if stack.is_main else MESSAGES.get(
            "thread", lang, ident=f"'{stack.name}'" if stack.name else stack.ident)
        own = stack.innermost_in(script)
        innermost = stack.frames[0] if stack.frames else None
        parts = ["  " + MESSAGES.get("who", lang, process=process, thread=thread)]
        if own is not None:
            source = linecache.getline(own.file, own.line).strip()
            parts.append(f"{Path(own.file).name}:{own.line} in {own.function}()")
            if source:
                parts.append(f"`{source}`")
        if innermost is not None and innermost != own:
            where = f"{Path(innermost.file).name}:{innermost.line}"
            parts.append("- " + MESSAGES.get("waiting-in", lang, function=innermost.function, where=where))
        lines.append(" ".join(parts))
    if len(ordered) > _SHOWN_THREADS:
        lines.append("  " + MESSAGES.get("more-threads", lang, count=len(ordered) - _SHOWN_THREADS))
    return lines


def _check_readable(path: Path, exercise: Exercise) -> None:
    """The learner's file is there, a regular file, and readable: else one line that says which."""
    import stat

    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise ConclabError(MESSAGES.get("missing", "en", path=path, exercise=exercise.id),
                           ja=MESSAGES.get("missing", "ja", path=path, exercise=exercise.id)) from None
    except OSError as error:
        raise ConclabError(f"cannot read {path}: {error.strerror or error}",
                           ja=f"{path} を読めません: {error.strerror or error}") from None
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a FIFO, device or socket)"
        kind_ja = "フォルダー" if stat.S_ISDIR(mode) else "通常のファイルではないもの（FIFO、デバイス、ソケット）"
        raise ConclabError(f"{path} is {kind}, not an exercise file; move it away and run "
                           f"'conclab reset {exercise.id}' to get the starter",
                           ja=f"{path} は{kind_ja}で、演習のファイルではありません。別の場所に移してから 'conclab reset {exercise.id}' を実行し、スターターを取り直してください")
    try:
        with open(path, "rb"):
            pass
    except OSError as error:
        raise ConclabError(f"cannot read {path}: {error.strerror or error}; "
                           f"check its permissions (chmod u+r {path.name})",
                           ja=f"{path} を読めません: {error.strerror or error}。権限を確かめてください（chmod u+r {path.name}）") from None


def run_check(exercise: Exercise, path: Path, *, lang: str = "en", limit_s: float | None = None,
              workdir: Path | None = None) -> Verdict:
    """Check the learner's file ``path`` against ``exercise``; never raises for anything the learner wrote."""
    _check_readable(path, exercise)
    start = time.perf_counter()
    context = CheckContext(exercise, path, lang=lang, limit_s=limit_s or exercise.limit_s,
                           workdir=workdir or path.parent)
    try:
        exercise.check(context)
    except ConclabError:
        raise
    except Exception as error:  # a defect in a checker must still give a verdict, not a traceback
        context.add("checker", False, MESSAGES.get("error-in-check", lang, error=f"{type(error).__name__}: {error}"))
    return Verdict(exercise.id, tuple(context.results), time.perf_counter() - start)
