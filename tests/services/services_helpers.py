"""Helpers for the services tests: plain HTTP GETs and clients released together by a barrier."""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Callable
from urllib.parse import urlsplit


def get(url: str, timeout: float = 10.0, method: str = "GET",
        headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One request on its own connection: (status, headers, body)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def released_together(n: int, action: Callable[[], object]) -> tuple[list[threading.Thread], list[object]]:
    """Start ``n`` threads that wait on one barrier, then all run ``action`` at once.

    Returns the (started) threads and the list their results land in; join the threads.
    """
    barrier = threading.Barrier(n)
    results: list[object] = []
    lock = threading.Lock()

    def client() -> None:
        barrier.wait()
        result = action()
        with lock:
            results.append(result)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(n)]
    for thread in threads:
        thread.start()
    return threads, results


def free_port() -> int:
    """A port nobody listens on right now (for tests that must pass --port N)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
