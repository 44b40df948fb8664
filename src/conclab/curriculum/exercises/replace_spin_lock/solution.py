"""Reference solution of replace_spin_lock: one threading.Lock, whose acquire() tests and takes in one step.

Run:  python replace_spin_lock.py
Four threads each call add_one() TIMES times; the last line is 'total <number>'
and must be 4 * TIMES.

acquire() waits while the flag is up, then raises it; release() lowers it.
It looks like a lock, but testing the flag and raising it are two steps: two
threads can both see the flag down before either raises it, and both get in.
Waiting in a loop also burns a whole core doing nothing. Replace the hand-made
lock with a threading.Lock. Keep add_one(): the checker calls it from two threads.
"""

import threading

TIMES = 2000
THREADS = 4
total = 0
# A real lock: acquire() checks that it is free and takes it in one indivisible
# step, and a thread that must wait sleeps in the OS instead of spinning.
lock = threading.Lock()


def add_one():
    global total
    with lock:
        total += 1


def worker():
    for _ in range(TIMES):
        add_one()


def main():
    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"total {total}")


if __name__ == "__main__":
    main()
