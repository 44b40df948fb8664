"""Level: two transfers take the same two locks in opposite orders."""

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
    with lock_b:
        with lock_a:
            balance_b -= 10
            balance_a += 10


THREADS = [a_to_b, b_to_a]


LEVEL = {
    "title": {"en": "Crossed transfers", "ja": "すれ違う振り込み"},
    "goal": {"en": "Deadlock them: each thread waits for the lock the other holds.",
             "ja": "デッドロックさせてください。互いに相手が保持するロックを待つ状態にします。"},
    "win": "deadlock",
    "hints": {
        "en": ["a_to_b takes lock_a first; b_to_a takes lock_b first.",
               "Let each thread take its first lock before either takes its second."],
        "ja": ["a_to_b は lock_a を先に、b_to_a は lock_b を先に獲得します。",
               "どちらかが 2 つ目を獲得する前に、両方に 1 つ目のロックを獲得させてください。"],
    },
    "teaches": {
        "en": "Two threads that take the same locks in opposite orders can each hold one and wait for "
              "the other for ever: a deadlock. The cure is one global order: every thread takes "
              "lock_a before lock_b.",
        "ja": "同じロックを逆の順序で獲得する 2 本のスレッドは、それぞれが 1 つを保持したまま、"
              "もう 1 つを永遠に待つことがあります。これがデッドロックです。対策は順序を 1 つに"
              "決めることです。どのスレッドも lock_a を lock_b より先に獲得します。",
    },
}
