"""Level (correct code): the check and the withdrawal under one lock."""

import threading

from conclab.explore import Bilingual

balance = 100
lock = threading.Lock()


def withdraw():
    global balance
    with lock:
        if balance >= 80:
            balance -= 80


THREADS = [withdraw, withdraw]


def check():
    assert balance >= 0, Bilingual(
        f"the balance is {balance}",
        ja=f"残高が {balance} になりました")


LEVEL = {
    "title": {"en": "The locked account", "ja": "ロックつき口座"},
    "goal": {"en": "Make the balance negative.", "ja": "残高をマイナスにしてください。"},
    "win": "assertion",
    "correct": True,
    "fixes": "withdraw",
    "hints": {
        "en": ["Can the second thread reach the `if` while the first is between check and withdrawal?"],
        "ja": ["1 本目が確認と引き出しの間にいるとき、2 本目は `if` までたどり着けるでしょうか。"],
    },
    "teaches": {
        "en": "With the check and the withdrawal inside one `with lock:`, the second thread sees the "
              "balance only after the first has finished with it.",
        "ja": "確認と引き出しを同じ `with lock:` の中に置くと、2 本目が残高を見るのは 1 本目が"
              "使い終わった後になります。",
    },
}
