"""Exercise check_urls: fetch every URL at once and report each status.

Run:  python check_urls.py [URLFILE]      (URLFILE defaults to urls.txt)
Print one line per URL, in any order:
    <url> <status>              when a response came (200, 404, 500, ...)
    <url> ERROR <reason>        when none came (connection refused, timed out)

This version is correct but fetches the URLs one after another, so the total
time is the sum of every delay. Fetch them concurrently.
"""

import sys

import requests

TIMEOUT_S = 1.0  # a URL that has not answered by then is reported as ERROR


def check(url: str) -> str:
    try:
        response = requests.get(url, timeout=TIMEOUT_S)
    except requests.RequestException as error:
        return f"{url} ERROR {type(error).__name__}"
    return f"{url} {response.status_code}"


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else "urls.txt"
    with open(path, encoding="utf-8") as file:
        urls = [line.strip() for line in file if line.strip() and not line.startswith("#")]
    # TODO: check the URLs concurrently instead of one after another.
    for url in urls:
        print(check(url))


if __name__ == "__main__":
    main()
