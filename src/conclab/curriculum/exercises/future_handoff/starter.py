"""Exercise future_handoff: hand a worker's result to the main thread through a Future.

Run:  python future_handoff.py NUMBER        e.g.  python future_handoff.py 21
A worker thread computes NUMBER * 2 (it takes 0.3 s), hands the value over,
then tidies up for another 0.3 s before it ends. The main thread prints
'got <value>' as soon as the value is ready, without waiting for the tidying.
When the computation fails (python future_handoff.py abc), the main thread
prints 'error: <exception type>: <message>' instead. Exit status 0 either way.

This version leaves the value in a global and reads it after join(): the
value comes only when the worker has finished tidying up, and an exception
in the worker never reaches the main thread. Use a
concurrent.futures.Future: the worker calls set_result() or set_exception(),
the main thread calls result().
"""

import sys
import threading
import time

result = None


def compute(text: str) -> int:
    time.sleep(0.3)
    return int(text) * 2


def tidy_up() -> None:
    time.sleep(0.3)


def worker(text: str) -> None:
    global result
    result = compute(text)
    tidy_up()


def main() -> None:
    text = sys.argv[1] if len(sys.argv) > 1 else "21"
    thread = threading.Thread(target=worker, args=(text,), name="worker")
    thread.start()
    thread.join()  # TODO: get the value (or the error) as soon as it is ready
    print(f"got {result}", flush=True)


if __name__ == "__main__":
    main()
