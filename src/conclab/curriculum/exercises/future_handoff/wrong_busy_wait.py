"""A realistic mistake: the main thread polls a shared box in a loop, burning a core while it waits."""

import sys
import threading
import time

box: dict[str, object] = {}


def compute(text: str) -> int:
    time.sleep(0.3)
    return int(text) * 2


def tidy_up() -> None:
    time.sleep(0.3)


def worker(text: str) -> None:
    try:
        box["value"] = compute(text)
    except Exception as error:
        box["error"] = error
    tidy_up()


def main() -> None:
    text = sys.argv[1] if len(sys.argv) > 1 else "21"
    thread = threading.Thread(target=worker, args=(text,), name="worker")
    thread.start()
    while not box:  # wait until the worker has put something in the box
        pass
    if "error" in box:
        error = box["error"]
        print(f"error: {type(error).__name__}: {error}", flush=True)
    else:
        print(f"got {box['value']}", flush=True)
    thread.join()


if __name__ == "__main__":
    main()
