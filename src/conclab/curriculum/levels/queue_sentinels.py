"""Level (correct code): one sentinel per consumer."""

import queue

jobs = queue.Queue()
done = 0


def producer():
    for job in ("a", "b"):
        jobs.put(job)
    for _ in range(2):
        jobs.put(None)


def consumer():
    global done
    while True:
        job = jobs.get()
        if job is None:
            break
        done += 1


THREADS = [producer, consumer, consumer]


LEVEL = {
    "title": {"en": "A sentinel each", "ja": "番兵を 1 本に 1 つ"},
    "goal": {"en": "Leave a consumer waiting on the queue for ever.",
             "ja": "消費者の 1 本を、キューの前で永遠に待たせてください。"},
    "win": "deadlock",
    "correct": True,
    "preemptions": 2,
    "schedules": 600,
    "fixes": "queue-sentinel",
    "hints": {
        "en": ["Can one consumer take both sentinels?"],
        "ja": ["1 本の消費者が番兵を 2 つとも取ることはあるでしょうか。"],
    },
    "teaches": {
        "en": "A consumer stops at the first sentinel it takes, so it can never take two: with one "
              "sentinel per consumer, every consumer gets one.",
        "ja": "消費者は最初に取った番兵で止まるので、2 つ取ることはありません。番兵を消費者の数だけ"
              "入れれば、どの消費者も必ず 1 つ受け取ります。",
    },
}
