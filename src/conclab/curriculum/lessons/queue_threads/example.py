"""Producer and consumers with ``queue.Queue``: task_done/join, sentinels, and back-pressure.

``queue.Queue`` does its own locking, so threads can hand work to each other
through it without a lock of their own. A *bounded* queue (``maxsize``) makes
a fast producer wait when the consumers fall behind: back-pressure. Run it:
    python -m conclab.curriculum.lessons.queue_threads.example
"""

import queue
import threading
import time

ITEMS = 12  # how many pieces of work the producer makes
CONSUMERS = 2
WORK = 0.08  # seconds a consumer spends on one item
STOP = None  # the sentinel: "no more work", one per consumer


def produce(q: queue.Queue, items: int, consumers: int, depths: list[int]) -> None:
    """Put ``items`` pieces of work, then one sentinel per consumer; note the depth after each put."""
    for item in range(items):
        q.put(item)  # on a full bounded queue this waits for a free slot
        depths.append(q.qsize())
    for _ in range(consumers):
        q.put(STOP)


def handle(item: int, seconds: float) -> int:
    """The work itself (simulated): slower than the producer on purpose."""
    time.sleep(seconds)
    return item * item


def consume(q: queue.Queue, seconds: float, results: list[int], lock: threading.Lock) -> None:
    """Take items until the sentinel; call ``task_done`` once for every ``get``."""
    while True:
        item = q.get()
        try:
            if item is STOP:
                return
            value = handle(item, seconds)
            with lock:
                results.append(value)
        finally:
            q.task_done()


def pipeline(items: int = ITEMS, consumers: int = CONSUMERS, seconds: float = WORK,
             maxsize: int = 0) -> dict:
    """Run one producer and ``consumers`` consumers over a queue (``maxsize=0``: unbounded)."""
    q: queue.Queue = queue.Queue(maxsize=maxsize)
    results: list[int] = []
    lock = threading.Lock()
    workers = [threading.Thread(target=consume, args=(q, seconds, results, lock), name=f"consumer-{i}")
               for i in range(consumers)]
    depths: list[int] = []
    producer = threading.Thread(target=produce, args=(q, items, consumers, depths), name="producer")
    for thread in (*workers, producer):
        thread.start()
    q.join()  # returns once every item put has been matched by a task_done
    processed_at_join = len(results)
    for thread in (*workers, producer):
        thread.join()
    return {"depths": depths, "results": sorted(results), "processed_at_join": processed_at_join,
            "alive_after": sum(worker.is_alive() for worker in workers)}


if __name__ == "__main__":
    for maxsize in (0, 3):
        start = time.perf_counter()
        outcome = pipeline(maxsize=maxsize)
        print(f"maxsize={maxsize}: deepest queue {max(outcome['depths'])}, "
              f"{len(outcome['results'])} items in {time.perf_counter() - start:.2f} s")
