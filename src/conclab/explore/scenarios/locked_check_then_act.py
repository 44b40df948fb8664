"""The cache fixed: the check and the fill happen under one Lock.
ja: キャッシュを修正したもの。確認と読み込みを 1 つの Lock の中で行います。

Expect: none
Fixes: check-then-act
"""

import threading

from conclab.explore import Bilingual

cache: dict[str, str] = {}
loads = 0
lock = threading.Lock()


def load(key):
    global loads
    loads += 1
    return key.upper()


def get_user():
    with lock:
        if "ada" not in cache:
            cache["ada"] = load("ada")
        return cache["ada"]


THREADS = [get_user, get_user]


def check():
    assert loads == 1, Bilingual(
        f"the cache was filled {loads} times, expected once",
        ja=f"値を {loads} 回読み込んでキャッシュに入れました（期待値は 1 回）")
