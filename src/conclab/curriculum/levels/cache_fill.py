"""Level: a cache filled on a miss; check, then act."""

from conclab.explore import Bilingual

cache = {}
loads = 0


def load(key):
    global loads
    loads += 1
    return key.upper()


def get_user():
    if "ada" not in cache:
        cache["ada"] = load("ada")
    return cache["ada"]


THREADS = [get_user, get_user]


def check():
    assert loads == 1, Bilingual(
        f"load() ran {loads} times",
        ja=f"load() が {loads} 回実行されました")


LEVEL = {
    "title": {"en": "Check, then act", "ja": "確かめてから動く"},
    "goal": {"en": "Make the expensive load() run twice.",
             "ja": "重い処理 load() を 2 回実行させてください。"},
    "win": "assertion",
    "hints": {
        "en": ["The check on one line and the fill on the next are two steps.",
               "Let both threads see the miss before either fills the cache."],
        "ja": ["ある行での確認と次の行での書き込みは、別々の 2 歩です。",
               "どちらかがキャッシュを埋める前に、両方に「ない」と判断させてください。"],
    },
    "teaches": {
        "en": "`if key not in cache: cache[key] = ...` is a check-then-act race: the answer of the "
              "check is stale by the time the thread acts on it. Hold a lock across both, or use an "
              "operation that checks and acts at once (`dict.setdefault`).",
        "ja": "`if key not in cache: cache[key] = ...` は「確かめてから動く」型の競合状態です。"
              "動くときには、確認の結果はもう古くなっているかもしれません。両方を 1 つのロックの中で"
              "行うか、確認と更新を一度に行う操作（`dict.setdefault`）を使います。",
    },
}
