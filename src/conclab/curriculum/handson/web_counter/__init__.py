"""The bootcamp's web-counter hands-on (seeds 000 and 001): one ``main.py`` in seven versions.

A threaded server with slow requests; a request counter that loses counts; a
hand-made spin lock; ``Lock`` with acquire/release; ``with``; a smaller
critical section whose ``+= 1`` still races; the lock around the increment only.
"""

from __future__ import annotations

from pathlib import Path

from conclab.curriculum.handson._model import Handson, Step
from conclab.curriculum.handson.web_counter._judge import Expect, check_step

HERE = Path(__file__).parent


def _step(number: int, name: str, minutes: int, en: str, ja: str, expect: Expect) -> Step:
    folder = HERE / f"step{number}_{name.replace('-', '_')}"
    return Step(number=number, name=name, folder=folder, title={"en": en, "ja": ja}, minutes=minutes,
                expect=expect)


STEPS = (
    _step(1, "threaded-server", 10, "A threaded server with slow requests", "時間のかかるリクエストとスレッドのサーバー",
          Expect(together=True, log="overlap")),
    _step(2, "request-counter", 10, "Count the requests: lost updates", "リクエスト数を数える: 更新の消失",
          Expect(together=True, counts="lost", log="same-before")),
    _step(3, "spin-lock", 10, "A hand-made spin lock", "自作のスピンロック",
          Expect(together=False, counts="exact", explore="spin", spins=True)),
    _step(4, "lock", 5, "threading.Lock: acquire and release", "threading.Lock: 獲得と解放",
          Expect(together=False, counts="exact")),
    _step(5, "with-lock", 5, "The with statement", "with 文で書く", Expect(together=False, counts="exact")),
    _step(6, "small-section", 10, "A smaller critical section: is += 1 atomic?",
          "クリティカルセクションを小さく: += 1 はアトミックか", Expect(together=True, counts="luck",
                                                                  explore="plus", log="small")),
    _step(7, "lock-increment", 10, "Lock only the increment", "インクリメントだけをロックする",
          Expect(together=True, counts="exact", explore="none", log="small")),
)

WEB_COUNTER = Handson(id="web-counter", title={"en": "Concurrency in a web server: the request counter",
                                                "ja": "Web サーバーの並行処理: リクエストカウンター"},
                      file_name="main.py", steps=STEPS,
                      check=lambda step, main, port, lang: check_step(step.number, step.expect, main, port=port,
                                                                      lang=lang))

__all__ = ["STEPS", "WEB_COUNTER", "Expect", "check_step"]
