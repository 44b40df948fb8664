"""A realistic mistake: daemon workers, and no join(): the program ends while they are mid-job."""

import signal
import threading
import time

WORKERS = 4
stop = threading.Event()


def do_job() -> None:
    """One unit of work; once started, it must be allowed to finish."""
    time.sleep(0.05)


def worker(number: int, done: list[int]) -> None:
    jobs = 0
    # The Event is checked between jobs, never in the middle of one. To rest
    # between jobs, use stop.wait(seconds): it returns at once when stop is set.
    while not stop.is_set():
        do_job()
        jobs += 1
    done[number] = jobs
    print(f"worker {number} stopped after {jobs} jobs", flush=True)


def ask_to_stop(signum: int, frame: object) -> None:
    stop.set()


def main() -> None:
    # Signal handlers run in the main thread; all they do is set the Event.
    signal.signal(signal.SIGINT, ask_to_stop)
    signal.signal(signal.SIGTERM, ask_to_stop)
    done = [0] * WORKERS
    threads = [threading.Thread(target=worker, args=(i, done), name=f"worker-{i}", daemon=True)
               for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    print(f"started {WORKERS} workers", flush=True)
    stop.wait()
    print(f"stopped cleanly: {sum(done)} jobs", flush=True)


if __name__ == "__main__":
    main()
