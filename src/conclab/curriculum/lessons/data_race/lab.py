"""Lab ``data-race``: lost updates with a pause between read and write, and the plain ``+=`` loop.

The plain loop's outcome is a fact about the interpreter, not about Python:
CPython 3.10 and later (with the GIL) switch threads only at certain
instructions (a backward jump, the start of a call), never between the load
and the store of ``counter += 1``, so it loses nothing by chance there;
CPython 3.9 and free-threaded builds do lose. So the lab measures, reports what
happened, and backs the reason with a contrast: the same loop with one call
inside the read-write window, with the switch interval cut to a microsecond.
"""

from __future__ import annotations

import sys
import time

from conclab.curriculum.lessons.data_race import example
from conclab.lab import Claim, Lab, LabContext, Measured

FAST_SWITCH = 1e-6  # seconds: thousands of times more hand-over requests than the default


def calibrate_pause(seconds: float) -> int:
    """Iterations per thread of ``add_with_pause`` that take about ``seconds`` in three threads.

    A sleep(0) costs from a microsecond to tens of them depending on the
    version and how the threads hand over the GIL, so it is timed here.
    """
    times = 50
    while True:
        start = time.perf_counter()
        example.race(example.add_with_pause, times)
        took = time.perf_counter() - start
        if took > 0.05 or times >= 1_000_000:
            return max(50, int(times * seconds / max(took, 1e-9)))
        times *= 4


#: Each row's span on the timeline.
SPANS = {"pause": {"ja": "sleep(0) を挟む"}, "plain": {"ja": "+= 1 のループ"},
         "plain_fast": {"ja": "+= 1 のループ（短い間隔）"},
         "call": {"ja": "one() を挟む"}, "call_fast": {"ja": "one() を挟む（短い間隔）"}}
ROWS = (
    # key, worker, switch interval, label
    ("pause", "add_with_pause", None,
     {"en": "read, sleep(0), write", "ja": "読む、sleep(0)、書く"}),
    ("plain", "add_plain", None, {"en": "counter += 1", "ja": "counter += 1"}),
    ("plain_fast", "add_plain", FAST_SWITCH, {"en": "counter += 1", "ja": "counter += 1"}),
    ("call", "add_with_call", None,
     {"en": "counter = counter + one()", "ja": "counter = counter + one()"}),
    ("call_fast", "add_with_call", FAST_SWITCH,
     {"en": "counter = counter + one()", "ja": "counter = counter + one()"}),
)


def run(ctx: LabContext) -> None:
    m = ctx.measured
    times = {
        "pause": calibrate_pause(ctx.pick(1.0, 0.12)),
        "plain": int(ctx.pick(1_000_000, 100_000)),
        "call": int(ctx.pick(300_000, 100_000)),
    }
    m["default_switch_ms"] = 1000 * sys.getswitchinterval()
    m["fast_switch_us"] = FAST_SWITCH * 1e6
    rows = []
    with ctx.trace(example, add_with_pause="add_with_pause({0})", add_plain="add_plain({0})",
                   add_with_call="add_with_call({0})"):
        for key, worker, interval, label in ROWS:
            per_thread = times[key.removesuffix("_fast")]
            with ctx.measure(key, label=SPANS[key]):
                total = example.race(getattr(example, worker), per_thread, interval)
            expected = example.THREADS * per_thread
            m[f"{key}_total"], m[f"{key}_expected"] = total, expected
            m[f"{key}_lost"] = expected - total
            m[f"{key}_lost_pct"] = 100 * (expected - total) / expected
            switch = (f"{m['fast_switch_us']:.0f} µs" if interval
                      else f"{m['default_switch_ms']:.0f} ms")
            rows.append([ctx.text(label), switch, f"{expected:,}", f"{total:,}",
                         f"{expected - total:,}", m[f"{key}_s"]])
    ctx.table(
        {"en": "Three threads add to one shared counter",
         "ja": "スレッド 3 本で 1 つのカウンターに足す"},
        [{"en": "each thread runs", "ja": "各スレッドの処理"},
         {"en": "switch interval", "ja": "切り替え間隔"},
         {"en": "expected", "ja": "期待値"}, {"en": "counted", "ja": "結果"},
         {"en": "lost", "ja": "消えた更新"}, {"en": "took (s)", "ja": "所要（秒）"}],
        rows,
    )
    if m["plain_lost"] or m["plain_fast_lost"]:
        ctx.note({"en": "On this interpreter the plain counter += 1 loop DID lose updates ({0:,} and {1:,}): "
                        "it can switch threads between the read and the write, so the race shows by chance here.",
                  "ja": "このインタープリターでは、素の counter += 1 のループでも更新が消えました（{0:,} と {1:,}）。"
                        "読み込みと書き込みのあいだでもスレッドが切り替わりうるので、ここでは競合が偶然でも起きる。"},
                 m["plain_lost"], m["plain_fast_lost"])
    ctx.note({"en": "To see the += race every time, not by chance: conclab run race-explorer.",
              "ja": "+= の競合を偶然ではなく毎回見るには: conclab run race-explorer"})


def pause_loses(m: Measured) -> bool:
    """A sleep(0) between read and write hands the GIL over every time: most updates vanish."""
    return m["pause_lost"] >= 0.1 * m["pause_expected"]


def plain_lost_nothing(m: Measured) -> bool:
    return m["plain_lost"] == 0 and m["plain_fast_lost"] == 0


LAB = Lab(
    id="data-race",
    chapter="races",
    order=4,
    title={"en": "Data race: lost updates, and why counter += 1 rarely shows them",
           "ja": "データ競合: 更新の消失と、counter += 1 でそれが滅多に見えない理由"},
    summary={"en": "Three threads lose most updates with a pause between read and write; the plain += loop "
                   "loses none by chance on this CPython, a call inside the gap does.",
             "ja": "読み込みと書き込みのあいだに待ちを入れると、更新の大半が消える。素の += ループはこの CPython "
                   "では偶然には消えないが、隙間に関数呼び出しを 1 つ入れると消える。"},
    example=(example.__name__,),
    run=run,
    claims=(
        Claim("pause-loses-updates",
              {"en": "With time.sleep(0) between the read and the write, three threads counted "
                     "{pause_total:,} of {pause_expected:,}: {pause_lost_pct:.0f}% of the updates were lost.",
               "ja": "読み込みと書き込みのあいだに time.sleep(0) を入れると、スレッド 3 本で {pause_expected:,} 回足したはずが {pause_total:,} になりました。更新の {pause_lost_pct:.0f}% が消えました。"},
              pause_loses, uses=("pause_total", "pause_expected", "pause_lost_pct"),
              not_held={"en": "With time.sleep(0) between the read and the write, three threads counted {pause_total:,} of {pause_expected:,}: only {pause_lost_pct:.0f}% lost, less than the 10% this lab expects.",
                        "ja": "読み込みと書き込みのあいだに time.sleep(0) を入れても、スレッド 3 本で {pause_expected:,} 回中 {pause_total:,} でした。消えた更新は {pause_lost_pct:.0f}% で、このラボが想定する 10% に届きませんでした。"}),
        Claim("plain-loop-lost-nothing",
              {"en": "Without the pause, the plain counter += 1 loop counted {plain_total:,} of {plain_expected:,}, "
                     "and {plain_fast_total:,} of {plain_fast_expected:,} with the switch interval cut to "
                     "{fast_switch_us:.0f} µs: on this interpreter the race did not show by chance.",
               "ja": "待ちを入れない素の counter += 1 のループは {plain_expected:,} 回中 {plain_total:,}、切り替え間隔を {fast_switch_us:.0f} µs に縮めても {plain_fast_expected:,} 回中 {plain_fast_total:,} でした。このインタープリターでは、競合は偶然には現れませんでした。"},
              plain_lost_nothing,
              uses=("plain_total", "plain_expected", "plain_fast_total", "plain_fast_expected", "fast_switch_us"),
              unmeasured={"en": "With the GIL on, the plain counter += 1 loop usually loses nothing on CPython 3.10 and later; this build has no GIL, so that was not checked here (the table shows what it counted).",
                          "ja": "GIL が有効なら、CPython 3.10 以降では素朴な counter += 1 のループはたいてい更新を失いません。この環境には GIL がないので、ここでは確かめていません（数えた結果は表にあります）。"},
              requires=("gil",), sensitive_to=("gil",),
              not_held={"en": "The plain counter += 1 loop counted {plain_total:,} of {plain_expected:,}, and {plain_fast_total:,} of {plain_fast_expected:,} at {fast_switch_us:.0f} µs: on this interpreter the race did show by chance.",
                        "ja": "素の counter += 1 のループは {plain_expected:,} 回中 {plain_total:,}、{fast_switch_us:.0f} µs では {plain_fast_expected:,} 回中 {plain_fast_total:,} でした。このインタープリターでは、競合が偶然に現れました。"}),
        Claim("call-in-the-gap-loses",
              {"en": "With one function call between the read and the write (counter = counter + one()), "
                     "{call_lost:,} of {call_expected:,} updates were lost at the default switch interval and "
                     "{call_fast_lost:,} at {fast_switch_us:.0f} µs: a call is a place where threads switch.",
               "ja": "読み込みと書き込みのあいだに関数呼び出しを 1 つ入れる（counter = counter + one()）と、標準の切り替え間隔で {call_expected:,} 回中 {call_lost:,}、{fast_switch_us:.0f} µs では {call_fast_lost:,} の更新が消えました。関数呼び出しはスレッドが切り替わる場所です。"},
              lambda m: m["call_fast_lost"] > 0,
              uses=("call_lost", "call_fast_lost", "call_expected", "fast_switch_us"),
              not_held={"en": "With one function call between the read and the write, {call_lost:,} of {call_expected:,} updates were lost at the default switch interval and {call_fast_lost:,} at {fast_switch_us:.0f} µs: no loss where one was expected.",
                        "ja": "読み込みと書き込みのあいだに関数呼び出しを 1 つ入れても、消えた更新は標準の切り替え間隔で {call_expected:,} 回中 {call_lost:,}、{fast_switch_us:.0f} µs で {call_fast_lost:,} でした。想定した消失は起きませんでした。"}),
    ),
)
