"""A realistic mistake: the pool shares the main thread's connection; sqlite3 refuses it in other threads."""

import os
import sqlite3
import sys
import time
from concurrent.futures import ThreadPoolExecutor

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
    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(lambda n: save(conn, n), range(ROWS)))
    count = conn.execute("SELECT COUNT(*) FROM records").fetchone()[0]
    print(f"rows: {count}")
    conn.close()


if __name__ == "__main__":
    main()
