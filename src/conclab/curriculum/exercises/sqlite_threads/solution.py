"""Reference solution of sqlite_threads: one shared connection, a Lock around every use of it.

Run:  python sqlite_threads.py [DBFILE]      (DBFILE defaults to rows.db)
Fetch the records 0..99 in a thread pool, insert each as a row of the table
'records', then print 'rows: <count>' from SELECT COUNT(*).

(One connection per thread, made inside the thread, is the other safe way.)
"""

import os
import sqlite3
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

ROWS = 100
# The connection is shared by every pool thread, so it is opened with
# check_same_thread=False, and this Lock lets one thread use it at a time:
# a transaction is per connection, and two threads inside one would mix.
db_lock = threading.Lock()


def fetch_record(n: int) -> tuple[int, str]:
    """Get one record from somewhere slow."""
    time.sleep(0.02)
    return n, f"record-{n}"


def save(conn: sqlite3.Connection, n: int) -> None:
    record = fetch_record(n)  # outside the lock: the waits overlap
    with db_lock:
        conn.execute("INSERT INTO records (id, name) VALUES (?, ?)", record)
        conn.commit()


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else "rows.db"
    if os.path.exists(path):
        os.remove(path)
    conn = sqlite3.connect(path, check_same_thread=False)
    conn.execute("CREATE TABLE records (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
    conn.commit()
    with ThreadPoolExecutor(max_workers=10) as pool:
        futures = [pool.submit(save, conn, n) for n in range(ROWS)]
        for future in futures:
            future.result()  # re-raises here an exception raised in a pool thread
    count = conn.execute("SELECT COUNT(*) FROM records").fetchone()[0]
    print(f"rows: {count}")
    conn.close()


if __name__ == "__main__":
    main()
