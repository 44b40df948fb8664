"""Routes through the material: which labs, exercises and hands-on steps, in what order, for how long.

A route is data: named steps, each a lab (``conclab run ID``), an exercise
(``conclab check ID``) or a hands-on step (``conclab handson web-counter N``),
with the minutes a classroom gives it. ``bootcamp-90`` is the 90-minute
session of the bootcamp texts (seeds 000 and 001); ``full`` is everything in
the order of the chapters; the others follow one source text each.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from conclab.errors import ConclabError

LAB, EXERCISE, HANDSON = "lab", "exercise", "handson"
LAB_MINUTES, EXERCISE_MINUTES = 5, 15


@dataclass(frozen=True)
class RouteStep:
    """One stop of a route: ``kind`` lab|exercise|handson, ``target`` its id (``web-counter:3`` for a step)."""

    kind: str
    target: str
    minutes: int

    @property
    def command(self) -> str:
        if self.kind == HANDSON:
            handson, step = self.target.split(":")
            return f"conclab handson {handson} {step}"
        return f"conclab run {self.target}" if self.kind == LAB else f"conclab check {self.target}"


@dataclass(frozen=True)
class Route:
    name: str
    title: Mapping[str, str]
    source: Mapping[str, str]
    steps: tuple[RouteStep, ...]

    @property
    def minutes(self) -> int:
        return sum(step.minutes for step in self.steps)


def _lab(target: str, minutes: int = LAB_MINUTES) -> RouteStep:
    return RouteStep(LAB, target, minutes)


def _exercise(target: str, minutes: int = EXERCISE_MINUTES) -> RouteStep:
    return RouteStep(EXERCISE, target, minutes)


def _step(number: int, minutes: int) -> RouteStep:
    return RouteStep(HANDSON, f"web-counter:{number}", minutes)


BOOTCAMP_90 = Route(
    "bootcamp-90",
    {"en": "The bootcamp hands-on in 90 minutes, with the labs that explain it",
     "ja": "90 分のブートキャンプ: ハンズオンと、それを説明するラボ"},
    {"en": "the bootcamp hands-on \"並行・並列処理ハンズオン\" (IIJ)",
     "ja": "ブートキャンプのハンズオン『並行・並列処理ハンズオン』（IIJ）"},
    (_lab("concepts"), _step(1, 10), _lab("server-blocking"), _step(2, 10), _lab("fork-vs-thread"),
     _step(3, 10), _lab("spinlock"), _step(4, 5), _step(5, 5), _step(6, 10), _lab("bytecode"), _step(7, 10),
     _lab("critical-section")),
)

BEST_PRACTICE = Route(
    "best-practice",
    {"en": "The best-practice chapter: threads for I/O, processes for CPU, asyncio, futures",
     "ja": "ベストプラクティスの章: I/O にはスレッド、CPU にはプロセス、asyncio、futures"},
    {"en": "the best-practice chapter (\"Chapter 9: Concurrency and Parallelism\")",
     "ja": "並行処理と並列処理のベストプラクティスの章"},
    (_lab("io-threads"), _lab("io-examples"), _exercise("sqlite-threads"), _lab("cpu-gil"), _lab("cpu-examples"),
     _lab("pickle-lock"), _lab("processes-for-io"), _exercise("threads-or-processes"), _lab("asyncio-basics"),
     _lab("asyncio-blocking"), _lab("futures"), _lab("process-pool"), _lab("queue-threads"), _lab("event"),
     _lab("semaphore"), _lab("condition-barrier")),
)

THREADS_PROCESSES_QUEUES = Route(
    "threads-processes-queues",
    {"en": "Threads, processes and queues, with the text's three exercises",
     "ja": "スレッド、プロセス、キューと、テキストの 3 つの演習"},
    {"en": "the hands-on \"Python並行処理ハンズオン\" (threads, processes, queues)",
     "ja": "『Python 並行処理ハンズオン：マルチスレッド、マルチプロセス、キュー』"},
    (_lab("concepts"), _lab("io-threads"), _lab("data-race"), _lab("lock"), _lab("cpu-gil"), _lab("pool"),
     _lab("main-guard"), _lab("ipc-queue"), _exercise("check-urls"), _exercise("find-primes-parallel"),
     _exercise("stream-primes")),
)

ASYNCIO_PRIMER = Route(
    "asyncio-primer",
    {"en": "The asyncio primer: coroutines, tasks, blocking calls, lost updates and locks",
     "ja": "asyncio 入門: コルーチン、タスク、ブロッキング呼び出し、更新の消失とロック"},
    {"en": "the asyncio primer \"並列処理基礎\"",
     "ja": "asyncio の入門書『並列処理基礎』"},
    (_lab("asyncio-basics"), _lab("asyncio-blocking"), _exercise("unblock-event-loop"), _lab("async-dirty-write"),
     _lab("async-lock"), _exercise("fix-dirty-write"), _lab("cpu-gil"), _lab("deadlock"), _lab("asyncio-future"),
     _exercise("future-handoff")),
)


def full_route(labs_by_chapter: Mapping[str, list[str]], exercises_by_chapter: Mapping[str, list[str]],
               chapters: list[str], handson_steps: list[tuple[int, int]]) -> Route:
    """Every lab and exercise in chapter order; the hands-on's steps after chapter 1's."""
    steps: list[RouteStep] = []
    for chapter in chapters:
        steps += [_lab(lab) for lab in labs_by_chapter.get(chapter, [])]
        steps += [_exercise(exercise) for exercise in exercises_by_chapter.get(chapter, [])]
        if chapter == "web-server":
            steps += [_step(number, minutes) for number, minutes in handson_steps]
    return Route("full", {"en": "Everything, in the order of the chapters", "ja": "すべてを章の順に"},
                 {"en": "all five texts", "ja": "5 つのテキストすべて"}, tuple(steps))


def routes() -> tuple[Route, ...]:
    """Every route; ``full`` is built from the registry, so a new lab or exercise joins it by itself."""
    from conclab.curriculum import registry
    from conclab.curriculum.chapters import CHAPTERS
    from conclab.curriculum.exercises import catalogue
    from conclab.curriculum.handson import HANDSONS

    labs: dict[str, list[str]] = {}
    for lab in registry().labs():
        labs.setdefault(lab.chapter, []).append(lab.id)
    exercises: dict[str, list[str]] = {}
    for exercise in catalogue():
        exercises.setdefault(exercise.chapter, []).append(exercise.id)
    steps = [(step.number, step.minutes) for step in HANDSONS[0].steps]
    full = full_route(labs, exercises, [chapter.id for chapter in CHAPTERS], steps)
    return (BOOTCAMP_90, full, BEST_PRACTICE, THREADS_PROCESSES_QUEUES, ASYNCIO_PRIMER)


def find_route(name: str) -> Route:
    known = routes()
    for route in known:
        if route.name == name.strip():
            return route
    raise ConclabError(f"unknown route '{name}'; known routes: {', '.join(r.name for r in known)}",
                       ja=f"順路 '{name}' はありません。ある順路: {'、'.join(r.name for r in known)}")
