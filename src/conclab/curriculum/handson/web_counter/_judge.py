"""Judge one step of the web-counter hands-on from what the probe and the explorer saw.

Each step states what its server must show (:class:`Expect`): the requests
overlap or take turns, the count loses updates or is exact, the explorer
finds a schedule that breaks it or none, the waiting requests spin or sleep.
A result that differs says which mistake it is, read from ``main.py``.
"""

from __future__ import annotations

import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from conclab.curriculum.handson.web_counter._messages import MESSAGES
from conclab.curriculum.handson.web_counter._probe import CLIENTS, Probe, attach, listening, start
from conclab.curriculum.handson.web_counter._source import explorable, has_method, mistakes
from conclab.exercises import CheckResult, ExploreRun, explore_program

TOGETHER_UNITS = 1.6  # at most this many units of work for 3 requests: they overlapped
TURNS_UNITS = 2.2     # at least this many: they took turns
SPIN_SHARE = 0.08     # a spinning waiter keeps a core busy (0.15 of one even at load 11 on 2 cores); a sleeping one ~0
SCHEDULES = 200

HARNESS = '''
from conclab.explore import Bilingual as _conclab_Bilingual


WORK_S = 0  # the work is a yield point: the other request may run while this one "works"


def _conclab_request():
    SimpleHelloHandler.count_and_do_something(object.__new__(SimpleHelloHandler), "/")


THREADS = [_conclab_request, _conclab_request]


def check():
    total = SimpleHelloHandler.request_total
    assert total == 2, _conclab_Bilingual(
        f"two requests, but request_total = {total}",
        ja=f"リクエストは 2 件なのに request_total = {total} です")
'''


@dataclass(frozen=True)
class Expect:
    """What a step's server shows: ``counts`` None|lost|exact|luck, ``explore`` None|spin|plus|none."""

    together: bool
    counts: str | None = None
    explore: str | None = None
    spins: bool = False
    log: str = "turns"  # overlap | same-before | turns | small


class Verdict:
    """The results of one check, in order, with a line on how the server was reached."""

    def __init__(self, step: int, lang: str) -> None:
        self.step = step
        self.lang = lang
        self.results: list[CheckResult] = []
        self.notes: list[str] = []

    def add(self, key: str, passed: bool, detail: str) -> None:
        self.results.append(CheckResult(MESSAGES.get(key + "-name", self.lang), passed, detail))

    def say(self, key: str, **values: object) -> str:
        return MESSAGES.get(key, self.lang, **values)

    @property
    def passed(self) -> bool:
        return bool(self.results) and all(result.passed for result in self.results)


def explore(main: Path, lang: str) -> ExploreRun:
    """Two calls of the learner's ``count_and_do_something()`` under the explorer, on a server-less copy."""
    with tempfile.TemporaryDirectory(prefix="conclab-handson-") as folder:
        copy = Path(folder) / "main.py"
        copy.write_text(explorable(main.read_text(encoding="utf-8")), encoding="utf-8")
        return explore_program(copy, HARNESS, lang=lang, schedules=SCHEDULES, seed=0, limit_s=20.0)


def _answers(verdict: Verdict, probe: Probe, found: set[str]) -> bool:
    missing = [a for a in probe.answers if a.error is not None or a.finished_s is None]
    if not missing:
        bodies = ", ".join(f"'{body}'" for body in sorted({a.body.strip() for a in probe.answers}))  # program output, quoted
        verdict.add("answers", True, verdict.say("answers-ok", bodies=bodies))
        return True
    reasons = "; ".join(sorted({a.error or "?" for a in missing}))
    cause = verdict.say("no-release" if "no-release" in found else "stuck-other")
    verdict.add("answers", False, verdict.say("answers-missing", missing=len(missing), reasons=reasons) + " " + cause)
    return False


def _timing(verdict: Verdict, probe: Probe, expect: Expect, found: set[str]) -> None:
    units = probe.units
    if units is None:
        return
    times = sorted(a.finished_s or 0.0 for a in probe.answers)
    timing = verdict.say("timing-text", units=units, first=times[0], last=times[-1])
    if units <= TOGETHER_UNITS:
        key = "together-ok" if expect.together else "together-unexpected"
    elif units >= TURNS_UNITS:
        if not expect.together:
            key = "turns-spin" if expect.spins else "turns-ok"
        elif "one-at-a-time" in found:
            key = "one-at-a-time"
        elif "lock-around-work" in found:
            key = "lock-around-work"
        else:
            key = "turns-unexpected"
    else:
        key = "timing-unclear"
    verdict.add("timing", key in ("together-ok", "turns-ok", "turns-spin"),
                verdict.say(key, timing=timing, step=verdict.step))


def _lost_key(found: set[str], expect: Expect) -> str:
    if "lock-per-call" in found:
        return "lost-lock-per-call"
    if expect.spins and "no-flag" in found:
        return "lost-no-flag"
    if expect.log == "small" and "copy-before-work" in found:
        return "lost-copy-before-work"
    return "lost-other"


def _counts(verdict: Verdict, probe: Probe, expect: Expect, found: set[str]) -> None:
    if expect.counts is None:
        return
    counts = probe.counts
    if len(counts) < len(probe.answered):
        verdict.add("count", False, verdict.say("no-counts", body=probe.answered[0].body.strip()))
        return
    listed = ", ".join(map(str, counts))
    shown = (verdict.say("counts-from", base=probe.base, total=max(counts), counts=listed) if probe.base is not None
             else verdict.say("counts", counts=listed))
    lost = probe.lost if probe.lost is not None else CLIENTS - len(set(counts))
    lone = probe.lone.count if probe.lone is not None else None
    if lost and lone is not None and lone <= max(counts):
        verdict.add("count", False, verdict.say("instance-attribute", counts=shown, alone=lone))
    elif lost:
        ok = expect.counts == "lost"
        detail = verdict.say("lost-ok", counts=shown, lost=lost) if ok else verdict.say(_lost_key(found, expect),
                                                                                        counts=shown)
        verdict.add("count", ok, detail)
    elif expect.counts == "lost":
        verdict.add("count", False, verdict.say("exact-unexpected", counts=shown))
    else:
        verdict.add("count", True, verdict.say("exact-by-luck" if expect.counts == "luck" else "exact-ok",
                                               counts=shown))


def _log(verdict: Verdict, probe: Probe, expect: Expect) -> None:
    if probe.log is None:
        expect_key = {"overlap": "expect-1", "same-before": "expect-2", "small": "expect-small"}.get(
            expect.log, "expect-turns")
        verdict.add("log", True, verdict.say("log-attached", expect=verdict.say(expect_key)))
        return
    starts = [line for line in probe.log if line.kind == "start"]
    if not starts:
        verdict.add("log", False, verdict.say("log-missing"))
        return
    first_end = next((i for i, line in enumerate(probe.log) if line.kind == "end"), len(probe.log))
    overlapped = first_end >= CLIENTS
    if expect.log == "same-before" and overlapped:
        befores = [line.count for line in starts if line.count is not None]
        common = max(set(befores), key=befores.count) if befores else 0
        verdict.add("log", True, verdict.say("log-same-before", before=common, times=befores.count(common)))
    elif overlapped:
        verdict.add("log", True, verdict.say("log-overlap"))
    else:
        verdict.add("log", not expect.together, verdict.say("log-turns"))


def _cpu(verdict: Verdict, probe: Probe, expect: Expect) -> None:
    if not expect.spins:
        return
    share = probe.cpu_share
    if share is None or probe.cpu_s is None:
        verdict.add("cpu", True, verdict.say("cpu-unknown"))
        return
    key = "cpu-spin" if share >= SPIN_SHARE else "cpu-idle"
    verdict.add("cpu", share >= SPIN_SHARE, verdict.say(key, cpu=probe.cpu_s, wall=probe.wall_s, share=share))


def _explored(verdict: Verdict, outcome: ExploreRun | None, expect: Expect, found: set[str]) -> None:
    if expect.explore is None or outcome is None:
        return
    if not outcome.run.ok or outcome.error is not None or not outcome.completed:
        detail = outcome.error or (outcome.run.stderr.strip().splitlines() or ["?"])[-1]
        verdict.add("explore", False, detail)
        return
    if outcome.ok:
        verdict.add("explore", expect.explore == "none", verdict.say("explore-none", n=outcome.schedules))
        return
    if expect.explore == "spin":
        key = "explore-busy" if outcome.kind == "step-limit" else "explore-spin"
    elif expect.explore == "plus":
        key = "explore-plus"
    else:
        key = ("explore-lock-per-call" if "lock-per-call" in found
               else "explore-unlocked" if "no-lock" in found else "explore-unexpected")
    table = outcome.table_text(verdict.lang)
    verdict.add("explore", expect.explore in ("spin", "plus"), "\n".join(filter(None, [verdict.say(key), table])))


def check_step(step: int, expect: Expect, main: Path, *, port: int, lang: str) -> Verdict:
    """Probe the learner's server (attached on ``port``, else started) and judge it for ``step``."""
    verdict = Verdict(step, lang)
    text = main.read_text(encoding="utf-8")
    found = mistakes(text)
    explored: list[ExploreRun] = []
    explorer = None
    if expect.explore is not None and has_method(text, "count_and_do_something"):
        explorer = threading.Thread(target=lambda: explored.append(explore(main, lang)), name="explorer")
        explorer.start()
    elif expect.explore is not None:
        verdict.add("explore", False, verdict.say("explore-missing"))
    try:
        probe = attach(main, port) if listening(port) else start(main, lang=lang)
    finally:
        if explorer is not None:
            explorer.join()
    _judge(verdict, probe, expect, found, explored[0] if explored else None, port, main.name)
    return verdict


def _judge(verdict: Verdict, probe: Probe, expect: Expect, found: set[str], outcome: ExploreRun | None,
           port: int, main_name: str) -> None:
    if probe.program is not None:
        verdict.add("server", False, verdict.say("other-program", port=port, program=probe.program, file="main.py"))
        return
    if probe.failure is not None:
        verdict.add("server", False, verdict.say("failure", file=main_name, detail=probe.failure))
        _explored(verdict, outcome, expect, found)
        return
    if probe.mode == "attached":
        verdict.notes.append(verdict.say("mode-attached", port=port))
    else:
        from conclab.curriculum.handson.web_counter._probe import STARTED_WORK_S

        verdict.notes.append(verdict.say("mode-started", wanted=port, port=probe.port, work=STARTED_WORK_S))
    if probe.stale:
        verdict.notes.append(verdict.say("stale", file="main.py"))
    if _answers(verdict, probe, found):
        _timing(verdict, probe, expect, found)
        _counts(verdict, probe, expect, found)
        _log(verdict, probe, expect)
        _cpu(verdict, probe, expect)
    _explored(verdict, outcome, expect, found)
