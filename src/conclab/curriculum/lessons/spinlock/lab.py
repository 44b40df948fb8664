"""Lab ``spinlock``: the hand-made flag lock lets two threads in, and spinning burns CPU.

A race that chance rarely shows is shown here on purpose: a trace hook holds
each thread on the line between the test and the set until the other thread
has got there too. That is only the unlucky timing chance produces now and
then; a real lock would keep the second thread out of that line altogether.
"""

from __future__ import annotations

import contextlib
import inspect
import sys
import threading
from collections.abc import Callable, Iterator
from types import CodeType, FrameType
from typing import Any

from conclab.curriculum.lessons.spinlock import example
from conclab.lab import Claim, Lab, LabContext, Measured
from conclab.services import CounterServer, run_load
from conclab.timeline import Recorder, recording

#: The code of the hand-made acquire and its "set" line, found in the source.
ACQUIRE_CODE: CodeType = example.acquire.__code__


def set_line() -> int:
    """The line number of ``busy = True`` in ``example.acquire``."""
    lines, first = inspect.getsourcelines(example.acquire)
    for offset, text in enumerate(lines):
        if text.strip().startswith("busy = True"):
            return first + offset
    raise LookupError("example.acquire has no 'busy = True' line")


TraceFunction = Callable[[FrameType, str, Any], Any]


@contextlib.contextmanager
def held_between_test_and_set(parties: int, timeout: float = 1.0) -> Iterator[list[str]]:
    """Threads started in the block pause before ``busy = True`` until ``parties`` got there.

    A thread only reaches that line after its own test saw the flag free, so
    with a correct lock the others could never arrive: the barrier would time
    out and let the first one go on alone. The names that passed are yielded.
    """
    line = set_line()
    barrier = threading.Barrier(parties)
    passed: list[str] = []

    def local(frame: FrameType, event: str, arg: Any) -> TraceFunction | None:
        if event == "line" and frame.f_lineno == line:
            passed.append(threading.current_thread().name)
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout)
        return local

    def tracer(frame: FrameType, event: str, arg: Any) -> TraceFunction | None:
        return local if frame.f_code is ACQUIRE_CODE else None

    threading.settrace(tracer)
    try:
        yield passed
    finally:
        threading.settrace(None)  # type: ignore[arg-type]
        sys.settrace(None)


def _entered(ctx: LabContext, name: str, company: list[str]) -> str:
    """"B entered with A inside" (or "with nobody inside"), in the learner's language."""
    others = [other for other in company if other != name]
    if not others:
        return ctx.text({"en": "{0} entered alone", "ja": "{0} は一人で入った"}, name)
    return ctx.text({"en": "{0} entered with {1} inside", "ja": "{0} が入ったとき {1} が中にいた"},
                    name, ", ".join(others))


def by_chance(rounds: int, names: list[str]) -> int:
    """Rounds of visits in which some thread met another inside, left to the scheduler alone."""
    collisions = 0
    for _ in range(rounds):
        met = example.visit_together(names, 0.001)
        collisions += any(len(company) > 1 for company in met.values())
    return collisions


def server_rows(work: float, requests: int) -> list[dict[str, Any]]:
    """conclab's spinlock counter, bare and with a yield between test and set."""
    rows = []
    scratch = Recorder()  # 40 handler lanes would bury the lesson's timeline
    try:
        for gap in (False, True):
            with recording(scratch), CounterServer(mode="threading", counter="spinlock",
                                                    work=work, spin_gap=gap) as server:
                report = run_load(server.url, concurrency=requests, requests=requests)
                stats = server.stats()
            counted = report.counter.counted if report.counter else server.count
            rows.append({"gap": gap, "sent": report.ok, "counted": counted,
                         "lost": report.ok - counted, "peak": stats["peak_in_critical"]})
    finally:
        scratch.close()
    return rows


def run(ctx: LabContext) -> None:
    example.busy = False
    example.inside.clear()
    _who_is_inside(ctx)
    _what_waiting_costs(ctx)
    _the_counter_server(ctx)


def _who_is_inside(ctx: LabContext) -> None:
    """Left to chance, then with a switch forced between the test and the set."""
    m = ctx.measured
    rounds = int(ctx.pick(20, 5))
    m["chance_rounds"] = rounds
    m["chance_collisions"] = by_chance(rounds, ["A", "B", "C", "D"])

    stay = ctx.pick(0.1, 0.03)
    with ctx.trace(example, visit={"en": "inside {0}", "ja": "{0} が中にいる"}), held_between_test_and_set(2) as passed:
        met = example.visit_together(["A", "B"], stay)
    m["forced_passed_test"] = len(passed)
    m["forced_most_inside"] = max(len(company) for company in met.values())
    m["forced_met"] = "; ".join(_entered(ctx, name, company) for name, company in sorted(met.items()))
    ctx.table(
        {"en": "Who was inside the critical section at the same time",
         "ja": "同時にクリティカルセクションの中にいたスレッド"},
        [{"en": "run", "ja": "実行"}, {"en": "visits", "ja": "入った回数"},
         {"en": "two or more inside at once", "ja": "2 つ以上が同時に中にいた回数"},
         {"en": "detail", "ja": "詳細"}],
        [[ctx.text({"en": "left to chance, {0} rounds of 4 threads", "ja": "成り行きまかせ、スレッド 4 本 x {0} 回"}, rounds),
          4 * rounds, m["chance_collisions"], ""],
         [ctx.text({"en": "a switch forced between test and set", "ja": "テストとセットのあいだで切り替えを強制"}),
          2, 1 if m["forced_most_inside"] > 1 else 0, m["forced_met"]]],
    )


def _what_waiting_costs(ctx: LabContext) -> None:
    """CPU used by a thread waiting on the spin lock, then on a threading.Lock."""
    m = ctx.measured
    hold = ctx.pick(0.5, 0.12)
    m["hold_s"] = hold
    example.busy = False
    with ctx.measure("spin_wait", label={"ja": "スピンして待つ"}):
        spin = example.wait_cost(example.acquire, example.release, hold)
    lock = threading.Lock()
    with ctx.measure("lock_wait", label={"ja": "Lock で待つ"}):
        blocked = example.wait_cost(lock.acquire, lock.release, hold)
    m["spin_cpu_s"], m["spin_wall_s"] = spin["cpu_s"], spin["wall_s"]
    m["lock_cpu_s"], m["lock_wall_s"] = blocked["cpu_s"], blocked["wall_s"]
    m["spin_cpu_share"] = spin["cpu_s"] / spin["wall_s"]
    m["lock_cpu_share"] = blocked["cpu_s"] / blocked["wall_s"]
    ctx.table(
        {"en": f"A second thread waits while the first holds the lock for {hold:.2f} s",
         "ja": f"1 つ目のスレッドが {hold:.2f} 秒ロックを持つあいだ、2 つ目が待つ"},
        [{"en": "lock", "ja": "ロック"}, {"en": "waited (s)", "ja": "待ち時間（秒）"},
         {"en": "CPU used while waiting (s)", "ja": "待つあいだの CPU 時間（秒）"},
         {"en": "CPU / wait", "ja": "CPU / 待ち時間"}],
        [[ctx.text({"en": "hand-made spin lock", "ja": "手作りのスピンロック"}), spin["wall_s"],
          spin["cpu_s"], f"{m['spin_cpu_share']:.0%}"],
         ["threading.Lock", blocked["wall_s"], blocked["cpu_s"], f"{m['lock_cpu_share']:.0%}"]],
    )


def _the_counter_server(ctx: LabContext) -> None:
    """The spin-lock counter of ``conclab serve counter``, with and without a switch in the gap."""
    m = ctx.measured
    requests = 20
    work = ctx.pick(0.05, 0.02)
    m["server_requests"] = requests
    rows = server_rows(work, requests)
    for row in rows:
        key = "server_gap" if row["gap"] else "server_bare"
        m[f"{key}_lost"] = row["lost"]
        m[f"{key}_peak"] = row["peak"]
    ctx.table(
        {"en": f"conclab serve counter --counter spinlock, {requests} requests at once, --work {work}",
         "ja": f"conclab serve counter --counter spinlock、同時に {requests} リクエスト、--work {work}"},
        [{"en": "between test and set", "ja": "テストとセットのあいだ"}, {"en": "sent", "ja": "送信"},
         {"en": "counted", "ja": "カウント"}, {"en": "lost", "ja": "損失"},
         {"en": "most inside at once", "ja": "中にいた最大数"}],
        [[ctx.text({"en": "nothing (as written)", "ja": "何もしない（書いたとおり）"}) if not row["gap"]
          else ctx.text({"en": "time.sleep(0): a thread switch", "ja": "time.sleep(0): スレッドの切り替え"}),
          row["sent"], row["counted"], row["lost"], row["peak"]] for row in rows],
    )


def spin_burns(m: Measured) -> bool:
    return m["spin_cpu_share"] >= 0.25 and m["spin_wall_s"] >= 0.9 * m["hold_s"]


def lock_sleeps(m: Measured) -> bool:
    return m["lock_cpu_s"] <= 0.05 * m["lock_wall_s"] + 0.005 and m["lock_wall_s"] >= 0.9 * m["hold_s"]


LAB = Lab(
    id="spinlock",
    chapter="locks",
    order=1,
    title={"en": "A hand-made spin lock: two threads get in, and waiting burns CPU",
           "ja": "手作りのスピンロック: 2 つのスレッドが入り込み、待つだけで CPU を食う"},
    summary={"en": "A boolean flag tested then set is not a lock: forced between the two, both threads enter; spinning uses a core.",
             "ja": "フラグを調べてから立てるだけではロックにならない。その間で切り替わると両方が入る。待つあいだもコアを使い切る。"},
    example=(example.__name__,),
    run=run,
    claims=(
        Claim("both-inside",
              {"en": "With a thread switch between the test and the set, both threads passed the test and were inside together ({forced_met}).",
               "ja": "テストとセットのあいだでスレッドが切り替わると、両方がテストを通り、同時に中に入りました（{forced_met}）。"},
              lambda m: m["forced_passed_test"] == 2 and m["forced_most_inside"] == 2,
              uses=("forced_passed_test", "forced_most_inside", "forced_met"), sensitive_to=(),
              not_held={"en": "With a thread switch between the test and the set, both threads were not inside together this time ({forced_met}).",
                        "ja": "テストとセットのあいだでスレッドが切り替わっても、今回は 2 本が同時に中に入りませんでした（{forced_met}）。"}),
        Claim("spin-burns-cpu",
              {"en": "Spinning for {spin_wall_s:.2f} s used {spin_cpu_s:.2f} s of CPU: the waiting thread kept a core busy.",
               "ja": "{spin_wall_s:.2f} 秒のスピン待ちで CPU を {spin_cpu_s:.2f} 秒使いました。待っているだけのスレッドがコアを使い続けました。"},
              spin_burns, uses=("spin_cpu_s", "spin_wall_s", "spin_cpu_share", "hold_s"),
              sensitive_to=("load", "cores"),
              not_held={"en": "Spinning for {spin_wall_s:.2f} s used only {spin_cpu_s:.2f} s of CPU: less than the busy core this lab expects.",
                        "ja": "{spin_wall_s:.2f} 秒のスピン待ちで使った CPU は {spin_cpu_s:.2f} 秒だけでした。このラボが想定するほどコアを使い続けませんでした。"}),
        Claim("lock-waits-idle",
              {"en": "Waiting {lock_wall_s:.2f} s in threading.Lock used {lock_cpu_s:.4f} s of CPU: a blocked thread costs nothing.",
               "ja": "threading.Lock で {lock_wall_s:.2f} 秒待っても、CPU は {lock_cpu_s:.4f} 秒しか使いませんでした。ブロックしたスレッドは CPU を使いません。"},
              lock_sleeps, uses=("lock_cpu_s", "lock_wall_s", "hold_s"), sensitive_to=("load",),
              not_held={"en": "Waiting {lock_wall_s:.2f} s in threading.Lock used {lock_cpu_s:.4f} s of CPU: more than an idle wait should, or the wait was shorter than the hold.",
                        "ja": "threading.Lock で {lock_wall_s:.2f} 秒待って CPU を {lock_cpu_s:.4f} 秒使いました。何もせずに待つにしては多いか、待ちがロックの保持時間より短くなりました。"}),
        Claim("server-spinlock-leaks",
              {"en": "Under {server_requests} requests at once, conclab's spinlock counter with a switch in the gap let {server_gap_peak} handlers in together and lost {server_gap_lost} counts.",
               "ja": "同時に {server_requests} リクエストを送ると、テストとセットのあいだで切り替わる conclab の spinlock カウンターは {server_gap_peak} 個のハンドラーを同時に入れ、{server_gap_lost} 件を数え損ないました。"},
              lambda m: m["server_gap_peak"] >= 2 and m["server_gap_lost"] > 0,
              uses=("server_gap_peak", "server_gap_lost", "server_requests"),
              sensitive_to=("timing", "load"),
              not_held={"en": "Under {server_requests} requests at once, conclab's spinlock counter with a switch in the gap let {server_gap_peak} handler(s) in together and lost {server_gap_lost}: no leak this time.",
                        "ja": "同時に {server_requests} リクエストを送っても、conclab の spinlock カウンターが同時に入れたハンドラーは {server_gap_peak} 個、数え損ないは {server_gap_lost} 件で、今回はすり抜けが起きませんでした。"}),
    ),
)
