"""The cache fixed: the check and the fill happen under one Lock.

Expect: none
Fixes: check-then-act
"""

import threading

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
    assert loads == 1, f"the cache was filled {loads} times, expected once"
