"""A realistic mistake: the workers check the Event, but rest with time.sleep(), so they notice it late."""

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
    while not stop.is_set():
        do_job()
        jobs += 1
        time.sleep(2)  # rest between jobs
    done[number] = jobs
    print(f"worker {number} stopped after {jobs} jobs", flush=True)


def ask_to_stop(signum: int, frame: object) -> None:
    stop.set()


def main() -> None:
    # Signal handlers run in the main thread; all they do is set the Event.
    signal.signal(signal.SIGINT, ask_to_stop)
    signal.signal(signal.SIGTERM, ask_to_stop)
    done = [0] * WORKERS
    threads = [threading.Thread(target=worker, args=(i, done), name=f"worker-{i}")
               for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    print(f"started {WORKERS} workers", flush=True)
    stop.wait()
    for thread in threads:  # wait for every worker to finish its last job
        thread.join()
    print(f"stopped cleanly: {sum(done)} jobs", flush=True)


if __name__ == "__main__":
    main()
