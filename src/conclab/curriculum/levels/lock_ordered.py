"""Level (correct code): both transfers take lock_a before lock_b."""

import threading

lock_a = threading.Lock()
lock_b = threading.Lock()
balance_a = 100
balance_b = 100


def a_to_b():
    global balance_a, balance_b
    with lock_a:
        with lock_b:
            balance_a -= 10
            balance_b += 10


def b_to_a():
    global balance_a, balance_b
    with lock_a:
        with lock_b:
            balance_b -= 10
            balance_a += 10


THREADS = [a_to_b, b_to_a]


LEVEL = {
    "title": {"en": "One lock order", "ja": "ロックの順序をそろえる"},
    "goal": {"en": "Deadlock them: each thread waits for the lock the other holds.",
             "ja": "デッドロックさせてください。互いに相手が保持するロックを待つ状態にします。"},
    "win": "deadlock",
    "correct": True,
    "fixes": "lock-order",
    "hints": {
        "en": ["Which lock does each thread need first? Can one hold lock_b without lock_a?"],
        "ja": ["各スレッドが最初に必要とするロックはどれでしょう。lock_a なしで lock_b を保持できますか。"],
    },
    "teaches": {
        "en": "With one order, whoever holds lock_b already holds lock_a, so nobody can wait for "
              "lock_a while holding lock_b: no cycle, no deadlock.",
        "ja": "順序が 1 つなら、lock_b を保持しているスレッドは必ず lock_a も保持しています。"
              "lock_b を保持したまま lock_a を待つスレッドはいないので、循環もデッドロックも"
              "起きません。",
    },
}
