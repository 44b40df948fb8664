"""Running the class server: bind first (a taken port is one clear line), then hand the socket to uvicorn."""

from __future__ import annotations

import contextlib
import errno
import signal
import socket
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from conclab.classroom._app import ClassServer, create_app
from conclab.classroom._room import DEFAULT_RULE, StuckRule
from conclab.classroom._store import ClassStore, Opened
from conclab.errors import ConclabError

DEFAULT_PORT = 8765


def default_db() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("conclab", appauthor=False)) / "class.db"


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: any free one), or a one-line error."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ConclabError(f"cannot listen on '{host}': {exc}; use an address of this machine "
                           "such as 127.0.0.1 or 0.0.0.0",
                           ja=f"'{host}' で待ち受けられません: {exc}。127.0.0.1 や 0.0.0.0 など、このマシンのアドレスを指定してください") from exc
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(512)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ConclabError(f"port {port} on {host} is in use (another 'conclab class serve'?); "
                               "stop it or choose another with --port",
                               ja=f"{host} のポート {port} は使用中です（別の 'conclab class serve' が動いていませんか）。それを止めるか、--port で別のポートを指定してください") from exc
        raise ConclabError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                           ja=f"{host}:{port} で待ち受けられません: {exc.strerror or exc}") from exc
    return sock


@contextlib.contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    """SIGTERM stops the server as Ctrl-C does: uvicorn shuts down gracefully, then hands the
    signal back to the handler it found, which here does nothing more (no exit 143, no lost line)."""
    try:
        previous = signal.signal(signal.SIGTERM, lambda signum, frame: None)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host


@dataclass(frozen=True)
class Ready:
    """What the server prints once it listens."""

    url: str
    join_url: str
    db: Path
    opened: Opened


def serve_class(*, db: Path, host: str, port: int, exercises: Sequence[str], lang: str = "en",
                rule: StuckRule = DEFAULT_RULE, new_token: bool = False, room_host: str | None = None,
                on_ready: Callable[[Ready], None] = lambda ready: None) -> None:
    """Open (or create) the class in ``db`` and serve it until interrupted.

    ``room_host`` is the address learners reach this machine at (when listening on all addresses).
    """
    import uvicorn

    store = ClassStore(db)
    sock = bind(host, port)
    try:
        opened = store.open(new_token=new_token)
        actual = sock.getsockname()[1]
        url, join_url = f"http://{_bracketed(host)}:{actual}", f"http://{_bracketed(room_host or host)}:{actual}"
        on_ready(Ready(url, join_url, db, opened))
        app = create_app(ClassServer(store, exercises, lang=lang, rule=rule, join_url=join_url))
        config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False,
                                timeout_graceful_shutdown=1)
        with _stop_on_sigterm():
            uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
        store.close()
