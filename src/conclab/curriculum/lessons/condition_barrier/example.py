"""``Condition`` with a ``while`` predicate (and why ``if`` is wrong), and ``Barrier`` for phases.

A Condition pairs a lock with "wait until something changes". After ``wait()``
returns, the thing you waited for may already be gone: another thread woke
first and took it. So re-check in a ``while`` loop (or use ``wait_for``).
A Barrier makes N threads wait for each other at the end of a phase. Run it:
    python -m conclab.curriculum.lessons.condition_barrier.example
"""

import threading
import time
from collections.abc import Callable


class Box:
    """A box of items that consumers wait on, guarded by one Condition."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.waiting = 0  # consumers that have started waiting: lets the demo line them up
        self.wakeups = 0  # how many times a wait() returned
        self.cond = threading.Condition()

    def put(self, item: str) -> None:
        with self.cond:
            self.items.append(item)
            self.cond.notify_all()  # wake every waiting consumer

    def take_with_if(self) -> str:
        """Wrong: checks once, so after waking it assumes the item is still there."""
        with self.cond:
            self.waiting += 1
            if not self.items:
                self.cond.wait()
                self.wakeups += 1
            self.waiting -= 1
            return self.items.pop()  # IndexError if another consumer took it first

    def take_with_while(self) -> str:
        """Right: after every wake-up, check again; wait again if the box is empty."""
        with self.cond:
            self.waiting += 1
            while not self.items:
                self.cond.wait()
                self.wakeups += 1
            self.waiting -= 1
            return self.items.pop()

    def settle(self, predicate: Callable[["Box"], bool]) -> None:
        """Block until ``predicate(box)`` holds, checked under the lock (so the demo is the same every run)."""
        while True:
            with self.cond:
                if predicate(self):
                    return
            time.sleep(0.001)


def consumer(box: Box, take_name: str, got: list[str], errors: list[str]) -> None:
    """Take one item with ``box.<take_name>()``; note what it got, or the error."""
    try:
        got.append(getattr(box, take_name)())
    except IndexError as error:
        errors.append(f"{threading.current_thread().name}: {error}")


def two_consumers_one_item(take_name: str) -> tuple[list[str], list[str]]:
    """Two consumers wait; one item arrives and wakes both; a second item comes after both woke."""
    box = Box()
    got: list[str] = []
    errors: list[str] = []
    threads = [threading.Thread(target=consumer, args=(box, take_name, got, errors), name=f"consumer-{i}")
               for i in range(2)]
    for thread in threads:
        thread.start()
    box.settle(lambda b: b.waiting == 2)  # both consumers are inside wait()
    box.put("first")  # notify_all wakes both, but there is only one item
    box.settle(lambda b: b.wakeups == 2)  # both have woken and looked
    box.put("second")
    for thread in threads:
        thread.join()
    return got, errors


# -- Barrier: everyone finishes phase 1 before anyone starts phase 2 ---------------


def work(name: str, phase: int, seconds: float) -> None:
    """One phase of one worker's job (simulated)."""
    time.sleep(seconds)


def at_barrier(barrier: threading.Barrier) -> int:
    """Wait until all parties arrive; returns a distinct index 0..N-1 to each."""
    return barrier.wait()


def phased_worker(name: str, barrier: threading.Barrier, seconds: list[float]) -> None:
    """Do each phase in turn, waiting at the barrier between phases."""
    for phase, duration in enumerate(seconds, start=1):
        work(name, phase, duration)
        if phase < len(seconds):
            at_barrier(barrier)


def phases(plan: dict[str, list[float]]) -> None:
    """Run each worker's phases; a Barrier between phases keeps them in step."""
    barrier = threading.Barrier(len(plan))
    threads = [threading.Thread(target=phased_worker, args=(name, barrier, seconds), name=name)
               for name, seconds in plan.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


PLAN = {"worker-A": [0.1, 0.2], "worker-B": [0.3, 0.1], "worker-C": [0.2, 0.2]}

if __name__ == "__main__":
    for take in ("take_with_if", "take_with_while"):
        got, errors = two_consumers_one_item(take)
        print(f"{take}: got {got}, errors {errors}")
    start = time.perf_counter()
    phases(PLAN)
    print(f"phases with a barrier: {time.perf_counter() - start:.2f} s")
