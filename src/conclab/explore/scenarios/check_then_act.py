"""A cache filled on a miss: both threads see the miss and both fill it.
ja: キャッシュにないときだけ値を読み込む処理。2 本のスレッドがどちらも「ない」と判断し、どちらも読み込みます。

`if key not in cache: cache[key] = load(key)` checks and acts in two steps;
another thread can act in between, so the expensive load runs twice.
"""

from conclab.explore import Bilingual

cache: dict[str, str] = {}
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
        f"the cache was filled {loads} times, expected once",
        ja=f"値を {loads} 回読み込んでキャッシュに入れました（期待値は 1 回）")
