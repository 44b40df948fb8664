"""Exercise replace_spin_lock: a hand-made spin lock that lets two threads in at once.

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
locked = False  # the hand-made lock: True while a thread is inside


def acquire():
    global locked
    while locked:  # spin until the flag is down...
        pass
    locked = True  # ...then raise it


def release():
    global locked
    locked = False


def add_one():
    global total
    acquire()
    total += 1
    release()


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
