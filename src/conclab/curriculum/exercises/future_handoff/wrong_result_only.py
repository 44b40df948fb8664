"""A realistic mistake: only set_result(). When compute() raises, nobody settles the Future: result() waits forever."""

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
    handoff.set_result(compute(text))
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
