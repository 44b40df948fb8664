"""Level: consumers wait on a Condition with `if` instead of `while`."""

import threading

cond = threading.Condition()
items = []


def consumer():
    with cond:
        if not items:
            cond.wait()
        items.pop()


def producer():
    for job in ("a", "b"):
        with cond:
            items.append(job)
            cond.notify()


THREADS = [consumer, consumer, producer]


LEVEL = {
    "title": {"en": "If, not while", "ja": "while ではなく if"},
    "goal": {"en": "Make a consumer pop from an empty list.",
             "ja": "消費者に空のリストから取り出させてください。"},
    "win": "exception",
    "hints": {
        "en": ["A woken consumer must take the lock back before it goes on, and does not check again.",
               "Put one consumer to sleep in wait(); while it waits for the lock, let the other "
               "consumer take the item."],
        "ja": ["起こされた消費者は、先へ進む前にロックを獲得し直す必要があり、しかも条件を確かめ直しません。",
               "消費者の 1 本を wait() で眠らせ、その消費者がロックを待っている間に、もう 1 本に"
               "要素を取らせてください。"],
    },
    "teaches": {
        "en": "By the time a notified thread holds the lock again, another thread may have taken "
              "what it was woken for. Always wait in a loop: `while not items: cond.wait()` "
              "(or `cond.wait_for(lambda: items)`).",
        "ja": "通知を受けたスレッドがロックを獲得し直すまでに、ほかのスレッドが目当ての要素を"
              "取ってしまうことがあります。条件変数（Condition）は必ずループで待ちます。"
              "`while not items: cond.wait()`（または `cond.wait_for(lambda: items)`）と書きます。",
    },
}
