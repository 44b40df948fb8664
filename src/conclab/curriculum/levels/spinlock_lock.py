"""Level (correct code): the critical section is guarded by threading.Lock."""

import threading

from conclab.explore import Bilingual

lock = threading.Lock()
inside = 0


def worker():
    global inside
    with lock:
        inside += 1
        assert inside == 1, Bilingual(
            "two threads are inside the critical section",
            ja="2 本のスレッドがクリティカルセクションの中にいます")
        inside -= 1


THREADS = [worker, worker]


LEVEL = {
    "title": {"en": "A real lock", "ja": "本物のロック"},
    "goal": {"en": "Get both threads inside the critical section at once.",
             "ja": "2 本のスレッドを同時にクリティカルセクションに入れてください。"},
    "win": "exception",
    "correct": True,
    "fixes": "spinlock",
    "hints": {
        "en": ["Is there a moment between testing the lock and taking it?"],
        "ja": ["ロックを調べてから獲得するまでの間に、すき間はあるでしょうか。"],
    },
    "teaches": {
        "en": "`with lock:` tests and takes the lock in one atomic step, and a thread that finds it "
              "taken waits without burning a core.",
        "ja": "`with lock:` は、ロックを調べて獲得するまでを 1 歩でアトミック（不可分）に行います。"
              "獲得済みのロックに出会ったスレッドは、コアを使わずに待ちます。",
    },
}
