"""Level: two threads add 1 to a shared counter."""

from conclab.explore import Bilingual

counter = 0


def worker():
    global counter
    counter += 1


THREADS = [worker, worker]


def check():
    assert counter == 2, Bilingual(
        f"counter is {counter}, not 2",
        ja=f"counter は {counter} で、2 ではありません")


LEVEL = {
    "title": {"en": "One plus one", "ja": "1 足す 1"},
    "goal": {"en": "Make the final count 1 instead of 2.",
             "ja": "最後のカウンターを 2 ではなく 1 にしてください。"},
    "win": "assertion",
    "granularity": "opcode",
    "hints": {
        "en": ["`counter += 1` is three steps: read counter, add 1, write it back.",
               "Let both threads read counter before either writes."],
        "ja": ["`counter += 1` は 3 つの手順です。counter を読み、1 を足し、書き戻します。",
               "どちらかが書き戻す前に、両方のスレッドに counter を読ませてください。"],
    },
    "teaches": {
        "en": "`counter += 1` is not atomic: a read, an add and a write. Two threads that both read "
              "0 both write 1, and one update is lost. CPython seldom switches threads there by "
              "chance, but it may; a lock makes the three steps one.",
        "ja": "`counter += 1` はアトミック（不可分）ではありません。読み出し、加算、書き込みの 3 つに"
              "分かれます。両方のスレッドが 0 を読めば、両方が 1 を書き、更新が 1 つ消えます"
              "（更新の消失）。CPython がたまたまそこで切り替えることはまれですが、起こりえます。"
              "ロックを使えば 3 つの手順をひとまとまりにできます。",
    },
}
