"""Level: the waiter checks a flag outside the Condition's lock."""

import threading

cond = threading.Condition()
done = False


def waiter():
    if not done:
        with cond:
            cond.wait()


def finisher():
    global done
    with cond:
        done = True
        cond.notify()


THREADS = [waiter, finisher]


LEVEL = {
    "title": {"en": "The lost wake-up", "ja": "届かなかった通知"},
    "goal": {"en": "Make the waiter sleep for ever.", "ja": "待つ側を永遠に眠らせてください。"},
    "win": "deadlock",
    "hints": {
        "en": ["The waiter checks `done` before it takes the lock.",
               "notify() wakes only a thread that is already waiting."],
        "ja": ["待つ側は、ロックを獲得する前に `done` を確かめています。",
               "notify() が起こすのは、すでに待っているスレッドだけです。"],
    },
    "teaches": {
        "en": "A notification is not stored. Check the condition and wait under the same lock that "
              "the notifier holds (`with cond: while not done: cond.wait()`), so the notification "
              "cannot fall between the check and the wait.",
        "ja": "通知は保存されません。通知する側と同じロックの中で、条件の確認と待機を行います"
              "（`with cond: while not done: cond.wait()`）。こうすれば、確認と待機の間に通知が"
              "すり抜けることはありません。",
    },
}
