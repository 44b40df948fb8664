"""A realistic mistake: consumers stop when the queue looks empty, which happens before the producer is done."""

import sys
import threading
import time
from queue import Queue

CONSUMERS = 4


def produce(n: int) -> int:
    """Reading the next item takes a moment (a file, a socket, a sensor)."""
    time.sleep(0.002)
    return n


def process(item: int) -> int:
    time.sleep(0.004)
    return item * item


def consumer(tasks: "Queue[int]", done: list[tuple[int, int]]) -> None:
    while not tasks.empty():
        item = tasks.get()
        done.append((item, process(item)))


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    tasks: Queue[int] = Queue()
    done: list[tuple[int, int]] = []
    consumers = [threading.Thread(target=consumer, args=(tasks, done), name=f"consumer-{i}")
                 for i in range(CONSUMERS)]
    for thread in consumers:
        thread.start()
    for n in range(1, count + 1):
        tasks.put(produce(n))
    for thread in consumers:
        thread.join()
    for item, result in sorted(done):
        print(item, result)
    print(f"processed {len(done)}")


if __name__ == "__main__":
    main()
