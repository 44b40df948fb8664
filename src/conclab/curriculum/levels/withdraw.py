"""Level: two withdrawals check the balance, then take the money."""

from conclab.explore import Bilingual

balance = 100


def withdraw():
    global balance
    if balance >= 80:
        balance -= 80


THREADS = [withdraw, withdraw]


def check():
    assert balance >= 0, Bilingual(
        f"the balance is {balance}",
        ja=f"残高が {balance} になりました")


LEVEL = {
    "title": {"en": "Overdrawn", "ja": "残高不足"},
    "goal": {"en": "Make the balance negative.", "ja": "残高をマイナスにしてください。"},
    "win": "assertion",
    "hints": {
        "en": ["Both withdrawals ask whether 80 is there before either takes it.",
               "Let each thread pass the `if` while the balance is still 100."],
        "ja": ["どちらの引き出しも、お金を取る前に 80 あるかを確かめます。",
               "残高が 100 のうちに、両方のスレッドに `if` を通過させてください。"],
    },
    "teaches": {
        "en": "A check and the action that relies on it must be one critical section: two threads "
              "both saw 100, both took 80, and the account went to -60.",
        "ja": "確認と、その結果に頼る操作は、1 つのクリティカルセクションにまとめる必要があります。"
              "両方のスレッドが 100 を見て、両方が 80 を引き出したので、残高は -60 になりました。",
    },
}
