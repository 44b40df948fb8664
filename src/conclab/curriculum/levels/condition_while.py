"""Level (correct code): consumers wait on a Condition in a `while` loop."""

import threading

cond = threading.Condition()
items = []


def consumer():
    with cond:
        while not items:
            cond.wait()
        items.pop()


def producer():
    for job in ("a", "b"):
        with cond:
            items.append(job)
            cond.notify()


THREADS = [consumer, consumer, producer]


LEVEL = {
    "title": {"en": "While, not if", "ja": "if ではなく while"},
    "goal": {"en": "Make a consumer pop from an empty list.",
             "ja": "消費者に空のリストから取り出させてください。"},
    "win": "exception",
    "correct": True,
    "preemptions": 2,
    "schedules": 600,
    "fixes": "condition-if",
    "hints": {
        "en": ["What does a woken consumer do before it pops?"],
        "ja": ["起こされた消費者は、取り出す前に何をするでしょうか。"],
    },
    "teaches": {
        "en": "The loop checks the condition again after every wake-up, holding the lock, so a "
              "consumer pops only when it has just seen an item.",
        "ja": "ループは、起こされるたびにロックを保持したまま条件を確かめ直します。そのため消費者は、"
              "要素があることを直前に確かめたときにしか取り出しません。",
    },
}
