"""Two threads add 1 to a shared counter without a lock: one update is lost.

`counter += 1` is a read, an add and a write. If the second thread reads
before the first one writes, both write the same value.
"""

counter = 0


def worker():
    global counter
    counter += 1


THREADS = [worker, worker]


def check():
    assert counter == 2, f"lost update: counter={counter}, expected 2"
