"""Lab ``event``: workers held at a start Event, then stopped with a stop Event, two ways.

Measured from the spans: when each worker's first ``step`` began relative to
``start.set()``; and, around ``shut_down``, the time from ``stop.set()`` to
every worker joined, for a worker that rests with ``stop.wait`` and one that
rests with ``time.sleep``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from conclab.curriculum.lessons.event import example
from conclab.lab import Claim, Lab, LabContext, Measured
from conclab.timeline import span


def _one_run(ctx: LabContext, name: str, worker: Callable[..., None], seconds: float, pause: float,
             hold: float, run_for: float) -> None:
    m = ctx.measured
    began = ctx.now()
    threads, start, stop = example.start_workers(worker, example.WORKERS, seconds, pause)
    time.sleep(hold)  # the workers are started, and blocked in start.wait()
    set_at = ctx.now()
    with span("start.set()"):
        start.set()
    time.sleep(run_for)
    with ctx.measure(f"{name}_shutdown", label=SHUTDOWN[name]):
        example.shut_down(threads, stop)
    firsts: dict[str, float] = {}
    for found in ctx.recorder.spans():
        if found.name == "step" and found.start_s >= began:
            firsts.setdefault(found.lane, found.start_s)
    m[f"{name}_started"] = len(firsts)
    m[f"{name}_early"] = sum(1 for t in firsts.values() if t < set_at)
    m[f"{name}_spread_s"] = max(firsts.values()) - min(firsts.values()) if firsts else 0.0
    m[f"{name}_alive_after"] = sum(t.is_alive() for t in threads)

#: Each shutdown's span on the timeline.
SHUTDOWN = {"polite": {"ja": "停止（stop.wait）"}, "sleepy": {"ja": "停止（time.sleep）"}}


def run(ctx: LabContext) -> None:
    scale = ctx.pick(1.0, 0.2)
    seconds, pause = example.STEP * scale, example.PAUSE * scale
    hold, run_for = 0.1 * scale, 0.3 * pause
    m = ctx.measured
    m.update(workers=example.WORKERS, pause_s=pause, step_s=seconds,
             expected_sleepy_s=pause + seconds - run_for)
    with ctx.trace(example, "step", polite_worker="worker (stop.wait)", sleepy_worker="worker (time.sleep)"):
        _one_run(ctx, "polite", example.polite_worker, seconds, pause, hold, run_for)
        _one_run(ctx, "sleepy", example.sleepy_worker, seconds, pause, hold, run_for)
    ctx.table(
        {"en": f"{example.WORKERS} workers: {seconds:.2f} s steps, {pause:.2f} s rests",
         "ja": f"ワーカー {example.WORKERS} 本: 1 ステップ {seconds:.2f} 秒、休憩 {pause:.2f} 秒"},
        [{"en": "rest with", "ja": "休み方"},
         {"en": "first steps spread (s)", "ja": "最初のステップのばらつき（秒）"},
         {"en": "stop.set() to all joined (s)", "ja": "stop.set() から全員 join まで（秒）"}],
        [["stop.wait(pause)", m["polite_spread_s"], m["polite_shutdown_s"]],
         ["time.sleep(pause)", m["sleepy_spread_s"], m["sleepy_shutdown_s"]]],
    )


def start_together(m: Measured) -> bool:
    return all(m[f"{n}_started"] == m["workers"] and m[f"{n}_early"] == 0 and m[f"{n}_spread_s"] <= 0.1
               for n in ("polite", "sleepy"))


def polite_is_prompt(m: Measured) -> bool:
    return m["polite_shutdown_s"] <= 0.2 * m["pause_s"] + 0.02 and m["polite_alive_after"] == 0


def sleepy_is_late(m: Measured) -> bool:
    return m["sleepy_shutdown_s"] >= 0.5 * m["expected_sleepy_s"] and m["sleepy_alive_after"] == 0


LAB = Lab(
    id="event",
    chapter="coordination",
    order=3,
    title={"en": "threading.Event: a start signal and a graceful shutdown",
           "ja": "threading.Event: 開始の合図とグレースフルシャットダウン"},
    summary={"en": "Workers wait for one start signal; a stop Event ends them promptly if they rest with stop.wait.",
             "ja": "ワーカーは 1 つの合図で一斉に動き出す。stop.wait で休むワーカーは停止の合図ですぐに止まる。"},
    example=(example.__name__,),
    run=run,
    claims=(
        Claim("start-together",
              {"en": "All {workers} workers waited for start.set(): none began before it, and their first steps "
                     "began within {polite_spread_s:.4f} s of each other.",
               "ja": "{workers} 本のワーカーはすべて start.set() を待っていました。合図より前に動き出したものはなく、最初のステップの開始は互いに {polite_spread_s:.4f} 秒以内にそろいました。"},
              start_together, uses=("workers", "polite_started", "polite_early", "polite_spread_s",
                                    "sleepy_started", "sleepy_early", "sleepy_spread_s"),
              not_held={"en": "Not every worker waited for start.set(), or their first steps were spread over {polite_spread_s:.4f} s.",
                        "ja": "start.set() を待たずに動いたワーカーがいたか、最初のステップの開始が {polite_spread_s:.4f} 秒にわたってばらつきました。"}),
        Claim("stop-wait-is-prompt",
              {"en": "Workers resting with stop.wait(pause) were all stopped and joined {polite_shutdown_s:.3f} s "
                     "after stop.set().",
               "ja": "stop.wait(pause) で休むワーカーは、stop.set() の {polite_shutdown_s:.3f} 秒後には全員止まって join できました。"},
              polite_is_prompt, uses=("polite_shutdown_s", "pause_s"),
              not_held={"en": "Workers resting with stop.wait(pause) took {polite_shutdown_s:.3f} s after stop.set() to stop, or one was still alive: not the prompt stop expected.",
                        "ja": "stop.wait(pause) で休むワーカーが止まるまでに、stop.set() から {polite_shutdown_s:.3f} 秒かかったか、生き残ったワーカーがいました。想定した「すぐ止まる」にはなりませんでした。"}),
        Claim("time-sleep-is-late",
              {"en": "Workers resting with time.sleep(pause) took {sleepy_shutdown_s:.2f} s to stop: they finished "
                     "their nap first (about {expected_sleepy_s:.2f} s were left of it).",
               "ja": "time.sleep(pause) で休むワーカーは、止まるまでに {sleepy_shutdown_s:.2f} 秒かかりました。残りおよそ {expected_sleepy_s:.2f} 秒の昼寝を済ませてから、やっと合図に気づきました。"},
              sleepy_is_late, uses=("sleepy_shutdown_s", "expected_sleepy_s"),
              not_held={"en": "Workers resting with time.sleep(pause) stopped after {sleepy_shutdown_s:.2f} s: sooner than the rest of their nap (about {expected_sleepy_s:.2f} s), or one was still alive.",
                        "ja": "time.sleep(pause) で休むワーカーは {sleepy_shutdown_s:.2f} 秒で止まりました。残りの昼寝（およそ {expected_sleepy_s:.2f} 秒）より早いか、生き残ったワーカーがいました。"}),
    ),
)
