"""A realistic mistake: concurrent, but a refused connection raises out of map() and ends the program."""

import sys
from concurrent.futures import ThreadPoolExecutor

import requests

TIMEOUT_S = 1.0  # a URL that has not answered by then is reported as ERROR


def check(url: str) -> str:
    response = requests.get(url, timeout=TIMEOUT_S)
    return f"{url} {response.status_code}"


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else "urls.txt"
    with open(path, encoding="utf-8") as file:
        urls = [line.strip() for line in file if line.strip()]
    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        for line in pool.map(check, urls):
            print(line)


if __name__ == "__main__":
    main()
