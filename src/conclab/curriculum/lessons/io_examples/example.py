"""The texts' I/O examples, made local: URLs, files, SQLite and a small scraper, with threads.

Every URL is the practice server's, on 127.0.0.1: nothing here needs or
touches the internet. Run it on its own (it starts its own practice server):
    python -m conclab.curriculum.lessons.io_examples.example
"""

import json
import os
import sqlite3
import tempfile
import threading
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ElementTree
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

DELAY = 0.3  # seconds each /delay URL takes to answer
PATHS = ["/delay/{d}", "/delay/{d}", "/delay/{d}", "/html", "/json", "/xml", "/robots.txt"]

# Talk to 127.0.0.1 directly: never through a proxy named in the environment.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch(url: str, timeout: float = 10.0) -> tuple[str, int, bytes]:
    """GET one URL: (url, status, body)."""
    with OPENER.open(url, timeout=timeout) as response:
        return url, response.status, response.read()


# -- 1. several URLs: one after another, then a pool of 5 ---------------------------


def urls_for(base: str, delay: float = DELAY) -> list[str]:
    return [base + path.format(d=delay) for path in PATHS]


def fetch_sequential(urls: list[str]) -> list[tuple[str, int, bytes]]:
    return [fetch(url) for url in urls]


def fetch_pooled(urls: list[str], workers: int = 5) -> list[tuple[str, int, bytes]]:
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fetch") as pool:
        return list(pool.map(fetch, urls))  # list(): read every result, so errors surface


# -- 2. several files, processed in threads, results in a list under a lock ---------


def count_words(path: str) -> int:
    with open(path, encoding="utf-8") as handle:
        return len(handle.read().split())


def process_files(paths: list[str]) -> list[tuple[str, int]]:
    """One thread per file; each appends its result to a shared list, under a lock."""
    results: list[tuple[str, int]] = []
    lock = threading.Lock()

    def work(path: str) -> None:
        words = count_words(path)
        with lock:  # list.append is safe in CPython, but the lock states the intent and keeps it safe
            results.append((os.path.basename(path), words))

    threads = [threading.Thread(target=work, args=(path,), name=f"file-{i}") for i, path in enumerate(paths)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(results)


def write_files(folder: str, count: int = 5) -> list[str]:
    """Make ``count`` small text files; file i holds 10 * (i + 1) words."""
    paths = []
    for i in range(count):
        path = os.path.join(folder, f"notes-{i}.txt")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(" ".join(f"word{j}" for j in range(10 * (i + 1))))
        paths.append(path)
    return paths


# -- 3. SQLite: rows inserted from a pool, one connection per thread ----------------


def insert_user(conn: sqlite3.Connection, user_id: int) -> None:
    """One INSERT and its commit, on the calling thread's own connection."""
    conn.execute("INSERT INTO users (id, name) VALUES (?, ?)", (user_id, f"user{user_id}"))
    conn.commit()


def insert_users(db_path: str, count: int = 20, workers: int = 4) -> tuple[int, int]:
    """Insert ``count`` users from a thread pool; return (rows in the table, connections opened).

    A sqlite3 connection belongs to the thread that made it, so each pool thread
    opens its own (kept in a ``threading.local``). SQLite lets one writer at a
    time in; ``timeout`` makes the others wait for the lock instead of failing.
    """
    with closing(sqlite3.connect(db_path)) as setup, setup:
        setup.execute("CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT)")
    local = threading.local()
    opened: list[sqlite3.Connection] = []
    opened_lock = threading.Lock()

    def connection() -> sqlite3.Connection:
        if not hasattr(local, "conn"):
            # Only this thread uses the connection; check_same_thread=False just lets
            # the main thread close it at the end, when the pool is done.
            local.conn = sqlite3.connect(db_path, timeout=10, check_same_thread=False)
            with opened_lock:
                opened.append(local.conn)
        return local.conn

    def insert(user_id: int) -> None:
        insert_user(connection(), user_id)

    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="db") as pool:
            list(pool.map(insert, range(1, count + 1)))  # consume: an unread map hides errors
    finally:
        for conn in opened:
            conn.close()
    with closing(sqlite3.connect(db_path)) as reader:
        (rows,) = reader.execute("SELECT COUNT(*) FROM users").fetchone()
    return rows, len(opened)


# -- 4. a small scraper over the practice server's pages ----------------------------


class LinkParser(HTMLParser):
    """Collects the page title and every ``<a href>``."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.extend(value for name, value in attrs if name == "href" and value)
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def describe(url: str, body: bytes) -> str:
    """A one-line summary of a page, by its kind."""
    path = urlsplit(url).path
    if path == "/json":
        return "json: " + json.loads(body)["course"]["title"]
    if path == "/xml":
        return "xml: " + ElementTree.fromstring(body).attrib["title"]
    return f"{len(body)} bytes"


def disallowed(base: str) -> list[str]:
    """The paths robots.txt asks crawlers to leave alone."""
    _, _, body = fetch(base + "/robots.txt")
    return [line.split(":", 1)[1].strip() for line in body.decode().splitlines()
            if line.lower().startswith("disallow:")]


def scrape(start_url: str, timeout: float = 5.0, workers: int = 5) -> dict:
    """Fetch a page, then every same-site link on it (politely, in a pool, with a timeout)."""
    _, _, page = fetch(start_url)
    parser = LinkParser()
    parser.feed(page.decode())
    site = urlsplit(start_url).netloc
    banned = disallowed(f"http://{site}")
    links = [urljoin(start_url, link) for link in parser.links]
    links = [link for link in links if urlsplit(link).netloc == site
             and not any(urlsplit(link).path.startswith(prefix) for prefix in banned)]

    def visit(url: str) -> tuple[str, str]:
        try:
            _, _, body = fetch(url, timeout=timeout)
        except (TimeoutError, urllib.error.URLError) as error:
            return urlsplit(url).path, f"failed: {getattr(error, 'reason', error)}"
        return urlsplit(url).path, describe(url, body)

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="scrape") as pool:
        pages = dict(pool.map(visit, links))
    return {"title": parser.title, "links": [urlsplit(link).path for link in links], "pages": pages}


if __name__ == "__main__":
    from conclab.services.practice import PracticeServer

    with PracticeServer(port=0) as server:
        urls = urls_for(server.url)
        for way in (fetch_sequential, fetch_pooled):
            start = time.perf_counter()
            answers = way(urls)
            print(f"{way.__name__}: {len(answers)} URLs in {time.perf_counter() - start:.2f} s")
        with tempfile.TemporaryDirectory() as folder:
            print("files:", process_files(write_files(folder)))
            print("rows, connections:", insert_users(os.path.join(folder, "users.db")))
        print("scraper:", scrape(server.url + "/html"))
