"""``concurrent.futures``: a pool of threads, and futures that carry results *and* errors back.

``submit`` returns a Future at once; ``result()`` waits for it and re-raises any
exception the work raised. ``map`` gives results in input order;
``as_completed`` gives futures in the order they finish. Run it on its own:
    python -m conclab.curriculum.lessons.futures.example
"""

import time
from concurrent.futures import Future, ThreadPoolExecutor, as_completed

# (name, seconds of waiting): the slowest job is listed first on purpose.
JOBS = [("A", 0.3), ("B", 0.1), ("C", 0.2)]


def fetch(name: str, seconds: float) -> str:
    """Simulated I/O: wait, then return a result."""
    time.sleep(seconds)
    return f"{name} done"


def with_submit(jobs: list[tuple[str, float]]) -> list[str]:
    """``submit`` each job, then collect the results in the order we submitted them."""
    with ThreadPoolExecutor(max_workers=len(jobs), thread_name_prefix="submit") as pool:
        futures = [pool.submit(fetch, name, seconds) for name, seconds in jobs]
        return [future.result() for future in futures]


def with_map(jobs: list[tuple[str, float]]) -> list[str]:
    """``map``: like the built-in, but the calls run in the pool; results come in input order."""
    names = [name for name, _ in jobs]
    seconds = [wait for _, wait in jobs]
    with ThreadPoolExecutor(max_workers=len(jobs), thread_name_prefix="map") as pool:
        return list(pool.map(fetch, names, seconds))


def with_as_completed(jobs: list[tuple[str, float]]) -> list[str]:
    """``as_completed``: handle each result as soon as it is ready, fastest first."""
    with ThreadPoolExecutor(max_workers=len(jobs), thread_name_prefix="asdone") as pool:
        futures = [pool.submit(fetch, name, seconds) for name, seconds in jobs]
        return [future.result() for future in as_completed(futures)]


# -- errors travel through futures ---------------------------------------------------


def save(row: int) -> int:
    """Pretend to store a row; row 13 is bad and raises."""
    time.sleep(0.01)
    if row == 13:
        raise ValueError(f"row {row} is malformed")
    return row


def error_through_future() -> str:
    """The exception raised in the worker thread is re-raised by ``result()`` in ours."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="err") as pool:
        future: Future[int] = pool.submit(save, 13)
        try:
            future.result()
        except ValueError as error:
            return f"caught: {error}"
    return "no error"


def map_unconsumed(rows: list[int]) -> str:
    """Bug: the results of ``map`` are never read, so the ValueError from row 13 is lost."""
    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="lost") as pool:
        pool.map(save, rows)  # every row runs, but nobody looks at the outcome
    return "no error seen"


def map_consumed(rows: list[int]) -> str:
    """Fixed: iterating over the results re-raises the first error, in input order."""
    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="seen") as pool:
        try:
            for _ in pool.map(save, rows):
                pass
        except ValueError as error:
            return f"caught: {error}"
    return "no error seen"


# -- sizing a pool --------------------------------------------------------------------


def run_pool(workers: int, count: int, seconds: float) -> None:
    """Run ``count`` waits of ``seconds`` on a pool of ``workers`` threads."""
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"size{workers}") as pool:
        list(pool.map(fetch, [f"job{i}" for i in range(count)], [seconds] * count))


if __name__ == "__main__":
    for way in (with_submit, with_map, with_as_completed):
        start = time.perf_counter()
        print(f"{way.__name__}: {way(JOBS)} in {time.perf_counter() - start:.2f} s")
    print("error through a future:", error_through_future())
    print("map, results never read:", map_unconsumed(list(range(20))))
    print("map, results read:", map_consumed(list(range(20))))
    for workers in (1, 2, 4, 8):
        start = time.perf_counter()
        run_pool(workers, 8, 0.1)
        print(f"8 waits of 0.1 s on {workers} thread(s): {time.perf_counter() - start:.2f} s")
