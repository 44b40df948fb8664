"""Counter server under load: lock and locked-increment stay exact, unsafe loses counts.

Runs the real commands, each in its own process, as a learner would:

    conclab serve counter --mode M --counter C [--work W] --port 0 --quiet
    conclab load URL -c 100 -n 10000 --json

for ``lock`` and ``locked-increment`` (no work), then ``unsafe --work 0.05``
at concurrency 20, checks the server still answers afterwards, and prints the
figures side by side. Usage::

    python benchmarks/load_counter.py [--mode threading|asyncio|...] [-n 10000] [-c 100]
        [--unsafe-requests 1000] [--unsafe-concurrency 20] [--unsafe-work 0.05]

Exit code 1 if a locked counter was not exact, the unsafe one lost nothing, or
a server went down. The speed figures are for reading, not for asserting.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from typing import Any

CONCLAB = [sys.executable, "-m", "conclab"]


def start_server(mode: str, counter: str, work: float) -> tuple[subprocess.Popen[str], str]:
    env = dict(os.environ, CONCLAB_LANG="en", PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [*CONCLAB, "serve", "counter", "--mode", mode, "--counter", counter,
         "--work", str(work), "--port", "0", "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    banner = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+", banner)
    if not match:
        process.kill()
        raise SystemExit(f"server did not start: {banner!r} {process.communicate()[1]!r}")
    return process, match.group(0)


def run_case(mode: str, counter: str, work: float, concurrency: int, requests: int) -> dict[str, Any]:
    process, url = start_server(mode, counter, work)
    try:
        load = subprocess.run([*CONCLAB, "load", url + "/", "-c", str(concurrency),
                               "-n", str(requests), "--json"],
                              capture_output=True, text=True, check=True)
        report = json.loads(load.stdout)
        with urllib.request.urlopen(url + "/count", timeout=10) as answer:
            still_up = answer.status == 200 and "count" in json.loads(answer.read())
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=60)
    counter_data = report["counter"] or {}
    return {
        "case": f"{counter}" + (f" --work {work:g}" if work else ""),
        "c": concurrency,
        "sent": report["ok"],
        "counted": counter_data.get("counted"),
        "lost": counter_data.get("lost"),
        "errors": report["errors"],
        "rps": report["throughput_rps"],
        "p50_ms": report["latency_s"]["p50"] * 1000 if report["latency_s"]["p50"] else None,
        "p99_ms": report["latency_s"]["p99"] * 1000 if report["latency_s"]["p99"] else None,
        "up": still_up and process.returncode == 0 and "Traceback" not in err,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", default="threading")
    parser.add_argument("-c", "--concurrency", type=int, default=100)
    parser.add_argument("-n", "--requests", type=int, default=10_000)
    parser.add_argument("--unsafe-concurrency", type=int, default=20)
    parser.add_argument("--unsafe-requests", type=int, default=1000)
    parser.add_argument("--unsafe-work", type=float, default=0.05)
    args = parser.parse_args(argv)

    rows = [
        run_case(args.mode, "lock", 0.0, args.concurrency, args.requests),
        run_case(args.mode, "locked-increment", 0.0, args.concurrency, args.requests),
        run_case(args.mode, "unsafe", args.unsafe_work, args.unsafe_concurrency,
                 args.unsafe_requests),
    ]
    header = f"{'counter (mode ' + args.mode + ')':<28}{'c':>5}{'sent':>8}{'counted':>9}{'lost':>7}" \
             f"{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}  server up"
    print(header)
    print("-" * len(header))
    for row in rows:
        print(f"{row['case']:<28}{row['c']:>5}{row['sent']:>8}{row['counted']!s:>9}"
              f"{row['lost']!s:>7}{row['errors']:>8}{row['rps']:>9.0f}"
              f"{row['p50_ms'] or 0:>9.1f}{row['p99_ms'] or 0:>9.1f}  {'yes' if row['up'] else 'NO'}")
    locked_exact = all(row["lost"] == 0 and row["errors"] == 0 and row["sent"] == args.requests
                       for row in rows[:2])
    unsafe_loses = (rows[2]["lost"] or 0) > 0
    all_up = all(row["up"] for row in rows)
    print()
    print(f"locked counters exact: {'yes' if locked_exact else 'NO'}; "
          f"unsafe lost counts: {'yes' if unsafe_loses else 'NO'}; "
          f"servers stayed up: {'yes' if all_up else 'NO'}")
    return 0 if locked_exact and unsafe_loses and all_up else 1


if __name__ == "__main__":
    sys.exit(main())
