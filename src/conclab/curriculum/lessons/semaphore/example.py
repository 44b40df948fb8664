"""``threading.Semaphore``: at most N threads use a resource at once; ``BoundedSemaphore`` catches a bug.

Eight threads want to call a slow server. Without a limit all eight requests
are in flight at once; with ``Semaphore(3)`` at most three are, and the others
wait their turn at ``with limit:``. The practice server's ``/stats`` gauge
(``peak_in_flight``) shows what the server really saw. Run it on its own:
    python -m conclab.curriculum.lessons.semaphore.example
"""

import json
import threading
import time
import urllib.request
from contextlib import AbstractContextManager, nullcontext

THREADS = 8
LIMIT = 3
DELAY = 0.3  # seconds the server takes to answer each request

# Talk to 127.0.0.1 directly: never through a proxy named in the environment.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def get(url: str) -> bytes:
    """One HTTP GET, the body as bytes."""
    with OPENER.open(url, timeout=30) as response:
        return response.read()


def call_server(base: str, seconds: float, limit: AbstractContextManager) -> bytes:
    """Take a slot (``with limit``), make the request, give the slot back."""
    with limit:
        return get(f"{base}/delay/{seconds}")


def many_calls(base: str, threads: int = THREADS, seconds: float = DELAY,
               limit: AbstractContextManager | None = None) -> None:
    """Start ``threads`` threads that each call the server once; wait for all of them."""
    slot = limit if limit is not None else nullcontext()
    workers = [threading.Thread(target=call_server, args=(base, seconds, slot), name=f"client-{i}")
               for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def peak_in_flight(base: str) -> int:
    """The most requests the server has had in flight at once since the last reset."""
    return json.loads(get(f"{base}/stats"))["peak_in_flight"]


def reset_stats(base: str) -> None:
    """Zero the server's gauges (``POST /stats/reset``)."""
    request = urllib.request.Request(f"{base}/stats/reset", data=b"", method="POST")
    with OPENER.open(request, timeout=10) as response:
        response.read()


# -- an extra release -------------------------------------------------------------


def extra_release(semaphore: threading.Semaphore) -> str:
    """Release once more than acquired (a bug), then count how many threads could now get in."""
    try:
        semaphore.release()
    except ValueError as error:
        return f"ValueError: {error}"
    admitted = 0
    while semaphore.acquire(blocking=False):
        admitted += 1
    return f"{admitted} admitted"


if __name__ == "__main__":
    from conclab.services.practice import PracticeServer

    with PracticeServer(port=0) as server:
        for label, limit in (("no limit", None), (f"Semaphore({LIMIT})", threading.Semaphore(LIMIT))):
            reset_stats(server.url)
            start = time.perf_counter()
            many_calls(server.url, limit=limit)
            print(f"{label}: peak in flight {peak_in_flight(server.url)}, "
                  f"{time.perf_counter() - start:.2f} s")
    print("Semaphore(2) after an extra release:", extra_release(threading.Semaphore(2)))
    print("BoundedSemaphore(2) after an extra release:", extra_release(threading.BoundedSemaphore(2)))
