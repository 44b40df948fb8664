"""Reference solution of check_urls: a thread pool runs every request at once."""

import sys
from concurrent.futures import ThreadPoolExecutor

import requests

TIMEOUT_S = 1.0  # a URL that has not answered by then is reported as ERROR


def check(url: str) -> str:
    """One line for one URL; a request that got no response is reported, not raised."""
    try:
        response = requests.get(url, timeout=TIMEOUT_S)
    except requests.RequestException as error:
        return f"{url} ERROR {type(error).__name__}"
    return f"{url} {response.status_code}"


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else "urls.txt"
    with open(path, encoding="utf-8") as file:
        urls = [line.strip() for line in file if line.strip() and not line.startswith("#")]
    # Waiting for a response releases the GIL, so threads overlap the waits.
    # One thread per URL (capped) lets every request be in flight at once.
    with ThreadPoolExecutor(max_workers=min(32, max(1, len(urls)))) as pool:
        for line in pool.map(check, urls):
            print(line)


if __name__ == "__main__":
    main()
