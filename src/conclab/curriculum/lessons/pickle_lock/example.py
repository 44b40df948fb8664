"""Why a bound method of an object holding a multiprocessing.Lock cannot go to a Pool.

A pool sends every task to a worker *pickled*. ``pool.map(obj.method, items)``
pickles the bound method, which means the whole object, lock included, and a
``multiprocessing.Lock`` refuses to be pickled: a lock only works when the
child inherits it while being created. Two right ways follow.
Run it on its own:
    python -m conclab.curriculum.lessons.pickle_lock.example
"""

import multiprocessing
from typing import Any

ITEMS = list(range(20))


class ImageProcessor:
    """The mistake: an object that carries its own process lock."""

    def __init__(self):
        self.lock = multiprocessing.Lock()
        self.processed = 0

    def process(self, item):
        with self.lock:
            self.processed += 1  # and this count would not be shared anyway: each worker has a copy
        return item * 2


def the_mistake(items):
    """Map a bound method: the pool must pickle ``self``, lock and all."""
    processor = ImageProcessor()
    with multiprocessing.Pool(2) as pool:
        return pool.map(processor.process, items)


# Right way 1: a module-level function, no lock at all. Each task returns its
# result and the parent collects them; nothing shared, nothing to protect.

def process_item(item):
    return item * 2


def with_function(items):
    with multiprocessing.Pool(2) as pool:
        return pool.map(process_item, items)


# Right way 2: when workers really must share something, hand the lock (and the
# shared value) to each worker once, while it starts: the pool's initializer.

_lock: Any = None  # set in each worker by init_worker
_processed: Any = None


def init_worker(lock, processed):
    """Runs once in every worker as it starts: keep the inherited lock and counter."""
    global _lock, _processed
    _lock, _processed = lock, processed


def process_counted(item):
    with _lock:  # += on shared memory is read, add, write: it needs the lock
        _processed.value += 1
    return item * 2


def with_initializer(items):
    lock = multiprocessing.Lock()
    processed = multiprocessing.Value("i", 0, lock=False)  # shared memory, protected by our lock
    with multiprocessing.Pool(2, initializer=init_worker, initargs=(lock, processed)) as pool:
        results = pool.map(process_counted, items)
    return results, processed.value


if __name__ == "__main__":
    try:
        the_mistake(ITEMS)
    except RuntimeError as error:
        print("the mistake:", error)
    print("module-level function:", with_function(ITEMS))
    print("lock through the initializer:", with_initializer(ITEMS))
