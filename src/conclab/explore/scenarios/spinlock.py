"""A home-made spin lock: check a flag, then set it. Both threads get in.
ja: 自作のスピンロック。フラグを確かめてから立てるので、両方のスレッドが中に入ります。

Testing `locked` and setting it are two steps, so both threads can see it
free before either sets it, and the counter it protects loses an update.
"""

from conclab.explore import Bilingual

locked = False
counter = 0


def worker():
    global locked, counter
    while locked:
        pass
    locked = True
    counter += 1
    locked = False


THREADS = [worker, worker]


def check():
    assert counter == 2, Bilingual(
        f"both threads were inside the spin lock: counter={counter}, expected 2",
        ja=f"両方のスレッドがスピンロックの中に入りました。counter={counter}（期待値は 2）")
