"""Exercise sqlite_threads: fetch records in a thread pool and insert them into SQLite safely.

Run:  python sqlite_threads.py [DBFILE]      (DBFILE defaults to rows.db)
Fetch the records 0..99 (each fetch waits 0.02 s, like a network call),
insert each as a row of the table 'records', then print 'rows: <count>'
from SELECT COUNT(*).

This version is correct but fetches one record after another, 2 s in all.
Fetch them in a concurrent.futures.ThreadPoolExecutor so the waits overlap,
and keep every insert correct: a sqlite3 connection is not free to be used
by any thread at any time.
"""

import os
import sqlite3
import sys
import time

ROWS = 100


def fetch_record(n: int) -> tuple[int, str]:
    """Get one record from somewhere slow."""
    time.sleep(0.02)
    return n, f"record-{n}"


def save(conn: sqlite3.Connection, n: int) -> None:
    record = fetch_record(n)
    conn.execute("INSERT INTO records (id, name) VALUES (?, ?)", record)
    conn.commit()


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else "rows.db"
    if os.path.exists(path):
        os.remove(path)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE records (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
    conn.commit()
    for n in range(ROWS):  # TODO: fetch and save in a thread pool
        save(conn, n)
    count = conn.execute("SELECT COUNT(*) FROM records").fetchone()[0]
    print(f"rows: {count}")
    conn.close()


if __name__ == "__main__":
    main()
