"""A realistic mistake: raise_for_status() turns 404 and 500 into ERROR lines instead of their codes."""

import sys
import threading

import requests

TIMEOUT_S = 1.0  # a URL that has not answered by then is reported as ERROR


def check(url: str, out: list[str]) -> None:
    try:
        response = requests.get(url, timeout=TIMEOUT_S)
        response.raise_for_status()
        out.append(f"{url} {response.status_code}")
    except requests.RequestException as error:
        out.append(f"{url} ERROR {type(error).__name__}")


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else "urls.txt"
    with open(path, encoding="utf-8") as file:
        urls = [line.strip() for line in file if line.strip()]
    lines: list[str] = []
    threads = [threading.Thread(target=check, args=(url, lines)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
