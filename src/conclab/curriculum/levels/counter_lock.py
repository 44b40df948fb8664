"""Level (correct code): the read, sleep and write happen under one lock."""

import threading
import time

from conclab.explore import Bilingual

counter = 0
lock = threading.Lock()


def worker():
    global counter
    with lock:
        value = counter
        time.sleep(0)
        counter = value + 1


THREADS = [worker, worker, worker]


def check():
    assert counter > 1, Bilingual(
        f"counter is {counter}: two of the three updates were lost",
        ja=f"counter は {counter} です。3 回の更新のうち 2 回が消えました")


LEVEL = {
    "title": {"en": "The locked counter", "ja": "ロックつきカウンター"},
    "goal": {"en": "Three threads each add 1. Make the final count 1.",
             "ja": "3 本のスレッドがそれぞれ 1 を足します。最後のカウンターを 1 にしてください。"},
    "win": "assertion",
    "correct": True,
    "preemptions": 2,
    "fixes": "read-sleep-write",
    "hints": {
        "en": ["Try to make a second thread read counter while the first one sleeps.",
               "A thread that wants the lock while another holds it must wait."],
        "ja": ["1 本目が眠っている間に、2 本目に counter を読ませてみてください。",
               "ほかのスレッドがロックを保持している間、ロックを獲得しようとするスレッドは待つしかありません。"],
    },
    "teaches": {
        "en": "The lock makes read, sleep and write one critical section: only the holder is inside, "
              "and the others wait at `with lock:`. The price is that this part runs one thread at a "
              "time, so keep it short.",
        "ja": "ロックによって、読み出し、スリープ、書き込みが 1 つのクリティカルセクションになります。"
              "中に入れるのはロックを保持するスレッドだけで、ほかは `with lock:` で待ちます。その代わり"
              "この部分は 1 本ずつしか実行されないので、できるだけ短く保ちます。",
    },
}
