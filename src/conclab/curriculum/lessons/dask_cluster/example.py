"""A real Dask cluster: a scheduler and two workers started as commands, as on several machines.

On a real cluster you run ``dask scheduler`` on one machine and ``dask worker
ADDRESS`` on each of the others; here all three run on this machine, on
loopback (127.0.0.1), so nothing is reachable from outside. The client only
knows the scheduler's address. One worker is killed while the job runs: the
scheduler notices the closed connection, and runs again every task whose
result was lost with it, so the count is still right.
Run it on its own:
    python -m conclab.curriculum.lessons.dask_cluster.example
"""

import json
import os
import subprocess
import sys
import tempfile
import time

from dask.distributed import Client, as_completed

from conclab.curriculum.lessons.dask_executor.example import count_primes, split


def scheduler_command(scheduler_file):
    """``dask scheduler`` on loopback, on a free port, writing its address to a file; no dashboard."""
    return [sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port", "0",
            "--no-dashboard", "--scheduler-file", scheduler_file]


def worker_command(scheduler_file, name):
    """``dask worker`` with one thread, no nanny (killing it kills the worker), on loopback."""
    return [sys.executable, "-m", "dask", "worker", "--scheduler-file", scheduler_file,
            "--host", "127.0.0.1", "--nthreads", "1", "--no-nanny", "--no-dashboard",
            "--name", name, "--death-timeout", "30"]


def wait_for_address(scheduler_file, timeout=30.0):
    """The scheduler writes its address into the file once it listens."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(scheduler_file) as file:
                return json.load(file)["address"]
        except (OSError, ValueError, KeyError):
            time.sleep(0.05)
    raise TimeoutError(f"no scheduler address in {scheduler_file} after {timeout} s")


def count_on_cluster(client, limit, parts, when_a_quarter_is_done=None):
    """Send every part to the cluster; once a quarter are done, call the hook (it kills a worker)."""
    futures = client.map(count_primes, split(limit, parts), pure=False)
    for done, _ in enumerate(as_completed(futures), 1):
        if when_a_quarter_is_done is not None and done == max(1, parts // 4):
            when_a_quarter_is_done()
    return sum(client.gather(futures))


if __name__ == "__main__":
    folder = tempfile.mkdtemp()
    scheduler_file = os.path.join(folder, "scheduler.json")
    processes = [subprocess.Popen(scheduler_command(scheduler_file))]
    try:
        address = wait_for_address(scheduler_file)
        processes += [subprocess.Popen(worker_command(scheduler_file, f"worker-{i}")) for i in (1, 2)]
        with Client(address) as client:
            client.wait_for_workers(2, timeout=60)
            print("primes:", count_on_cluster(client, 200_000, 16, processes[2].kill))
    finally:
        for process in processes:
            process.kill()
            process.wait()
