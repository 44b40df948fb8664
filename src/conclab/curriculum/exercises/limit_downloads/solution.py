"""Reference solution of limit_downloads: a Semaphore(3) around each download.

Run:  python limit_downloads.py [URLFILE]      (URLFILE defaults to urls.txt)
Print one line per URL, '<url> <number of bytes>', then 'downloaded <count>'.

This version starts one thread per URL, and every thread downloads at once:
a polite client (and many servers) allow only a few connections at a time.
Use a threading.Semaphore so that at most MAX_AT_ONCE downloads run together.
"""

import sys
import threading

import requests

MAX_AT_ONCE = 3
# One semaphore shared by every thread: it counts free slots, and a thread
# that finds none waits in acquire() until another leaves the block.
slots = threading.BoundedSemaphore(MAX_AT_ONCE)


def download(url: str, results: dict[str, int]) -> None:
    with slots:
        response = requests.get(url, timeout=10)
    results[url] = len(response.content)


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else "urls.txt"
    with open(path, encoding="utf-8") as file:
        urls = [line.strip() for line in file if line.strip() and not line.startswith("#")]
    results: dict[str, int] = {}
    threads = [threading.Thread(target=download, args=(url, results)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for url in urls:
        print(url, results[url])
    print("downloaded", len(results))


if __name__ == "__main__":
    main()
