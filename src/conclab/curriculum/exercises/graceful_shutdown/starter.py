"""Exercise graceful_shutdown: stop every worker cleanly on Ctrl-C (SIGINT) or SIGTERM.

Run:  python graceful_shutdown.py      then press Ctrl-C
Four worker threads do jobs of 0.05 s each, over and over. When the program
is asked to stop (SIGINT from Ctrl-C, or SIGTERM from 'kill'), each worker
must finish the job it is doing, print 'worker <i> stopped after <n> jobs',
and end; then the main thread prints a last line 'stopped cleanly: <total> jobs'
and the program exits with status 0, all within half a second.

This version's workers loop forever as daemon threads: on Ctrl-C the main
thread ends and the workers are killed wherever they are, mid-job, without a
word. Use a threading.Event to tell them to stop, and wait for them.
"""

import threading
import time

WORKERS = 4


def do_job() -> None:
    """One unit of work; once started, it must be allowed to finish."""
    time.sleep(0.05)


def worker(number: int, done: list[int]) -> None:
    jobs = 0
    while True:  # TODO: stop when asked, then report
        do_job()
        jobs += 1
        done[number] = jobs


def main() -> None:
    done = [0] * WORKERS
    threads = [threading.Thread(target=worker, args=(i, done), name=f"worker-{i}", daemon=True)
               for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    print(f"started {WORKERS} workers", flush=True)
    try:
        while True:
            time.sleep(0.1)
    except KeyboardInterrupt:
        print("interrupted", flush=True)


if __name__ == "__main__":
    main()
