"""Reference solution of future_handoff: the worker settles a concurrent.futures.Future.

Run:  python future_handoff.py NUMBER        e.g.  python future_handoff.py 21
Prints 'got <NUMBER * 2>' as soon as the worker has it, or
'error: <exception type>: <message>' when the computation fails.
"""

import sys
import threading
import time
from concurrent.futures import Future


def compute(text: str) -> int:
    time.sleep(0.3)
    return int(text) * 2


def tidy_up() -> None:
    time.sleep(0.3)


def worker(text: str, handoff: "Future[int]") -> None:
    # Settle the Future exactly once, whatever happens: a value, or the exception.
    # Whoever waits in result() wakes up at that moment (no polling), while
    # this thread goes on with its own work.
    try:
        value = compute(text)
    except Exception as error:
        handoff.set_exception(error)
    else:
        handoff.set_result(value)
    tidy_up()


def main() -> None:
    text = sys.argv[1] if len(sys.argv) > 1 else "21"
    handoff: Future[int] = Future()
    thread = threading.Thread(target=worker, args=(text, handoff), name="worker")
    thread.start()
    try:
        print(f"got {handoff.result()}", flush=True)  # sleeps until set_result or set_exception
    except Exception as error:  # set_exception makes result() raise it here
        print(f"error: {type(error).__name__}: {error}", flush=True)
    thread.join()


if __name__ == "__main__":
    main()
