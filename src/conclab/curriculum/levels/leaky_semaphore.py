"""Level: one careless thread releases the Semaphore twice."""

import threading

from conclab.explore import Bilingual

slots = threading.Semaphore(1)
inside = 0


def use_slot():
    global inside
    inside += 1
    assert inside == 1, Bilingual(
        "two threads hold the one slot",
        ja="1 つしかない枠を 2 本のスレッドが使っています")
    inside -= 1


def careful():
    with slots:
        use_slot()


def careless():
    slots.acquire()
    use_slot()
    slots.release()
    slots.release()


THREADS = [careless, careful, careful]


LEVEL = {
    "title": {"en": "The leaking Semaphore", "ja": "漏れるセマフォ"},
    "goal": {"en": "The Semaphore has one slot. Get two threads into use_slot() at once.",
             "ja": "セマフォの枠は 1 つです。2 本のスレッドを同時に use_slot() に入れてください。"},
    "win": "exception",
    "hints": {
        "en": ["Count the releases in careless().",
               "After careless() has finished, how many threads can acquire the Semaphore?"],
        "ja": ["careless() が解放する回数を数えてください。",
               "careless() が終わった後、何本のスレッドがセマフォを獲得できるでしょうか。"],
    },
    "teaches": {
        "en": "A Semaphore is only a counter: every release() adds a slot, even one nobody "
              "acquired. `threading.BoundedSemaphore` raises ValueError on such a release, and "
              "`with slots:` pairs each acquire with exactly one release.",
        "ja": "セマフォの中身はただのカウンターです。release() を呼ぶたびに枠が 1 つ増えます。"
              "獲得していない分を解放しても増えます。`threading.BoundedSemaphore` は、そのような"
              "解放で ValueError を送出します。`with slots:` と書けば、獲得と解放は必ず 1 対 1 に"
              "なります。",
    },
}
