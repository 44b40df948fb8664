"""Level: two consumers, but the producer puts only one sentinel."""

import queue

jobs = queue.Queue()
done = 0


def producer():
    for job in ("a", "b"):
        jobs.put(job)
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
    "title": {"en": "One sentinel, two consumers", "ja": "番兵 1 つに消費者 2 本"},
    "goal": {"en": "Leave a consumer waiting on the queue for ever.",
             "ja": "消費者の 1 本を、キューの前で永遠に待たせてください。"},
    "win": "deadlock",
    "hints": {
        "en": ["How many None sentinels does the producer put, and how many consumers stop on one?"],
        "ja": ["生産者が入れる番兵 None はいくつで、番兵で止まる消費者は何本でしょうか。"],
    },
    "teaches": {
        "en": "Each consumer stops on its own sentinel, so put one per consumer. A consumer that "
              "takes the only None leaves the other blocked in get() for ever, whatever the order.",
        "ja": "消費者はそれぞれ自分の番兵で止まるので、番兵は消費者の数だけ入れます。ただ 1 つの None を"
              " 1 本が取れば、もう 1 本は順序にかかわらず get() で永遠に待ちます。",
    },
}
