"""Binding and loopback checks shared by the servers and the load client.

Everything conclab serves listens on 127.0.0.1 unless told otherwise, and the
load client talks to loopback only unless told otherwise: a lab must never
send traffic off the learner's machine by accident. The loopback check looks
at the *text* of the host and never resolves it, because resolving a name is
itself traffic (a DNS query) and can be answered by anyone.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
import sys

from conclab.errors import ConclabError
from conclab.i18n import Messages

LOOPBACK = "127.0.0.1"

#: Big enough that a burst of 100+ clients is queued by the kernel, not refused
#: (socketserver's default of 5 turns a burst into SYN retries of a second or more).
LISTEN_BACKLOG = 1024

MESSAGES = Messages({
    "port_in_use": {
        "en": "port {port} on {host} is already in use; stop whatever is listening there "
              "or choose another port (--port 0 picks a free one)",
        "ja": "{host} のポート {port} はすでに使われています。使っているプロセスを止めるか、"
              "別のポートを指定してください（--port 0 で空いているポートを自動で選びます）",
    },
    "bad_port": {
        "en": "port must be between 0 and 65535, got {port}; use 0 to pick a free port",
        "ja": "ポートは 0 から 65535 の範囲で指定してください（指定値: {port}）。"
              "0 にすると空いているポートを自動で選びます",
    },
    "cannot_bind": {
        "en": "cannot listen on {host}:{port}: {reason}; use --host 127.0.0.1",
        "ja": "{host}:{port} で待ち受けできません: {reason}。--host 127.0.0.1 を使ってください",
    },
})


def is_loopback_host(host: str) -> bool:
    """True when ``host`` names this machine's loopback, judged from the text alone.

    Accepts ``localhost`` (and ``*.localhost``, reserved for loopback by RFC 6761),
    any 127.0.0.0/8 address, ``::1`` and IPv4-mapped loopback. Never resolves a
    name, so a refusal sends no packet at all, not even a DNS query.
    """
    text = host.strip().lower().rstrip(".")
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if text == "localhost" or text.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def format_url(host: str, port: int) -> str:
    """``http://host:port`` with IPv6 literals bracketed."""
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}"


def open_listener(host: str = LOOPBACK, port: int = 0, *, backlog: int = LISTEN_BACKLOG,
                  lang: str | None = None) -> socket.socket:
    """A listening TCP socket on ``host:port`` (``port=0``: the kernel picks a free one).

    Binding happens here, before any server thread starts, so that "port in
    use" surfaces as one :class:`ConclabError` in the caller's thread instead of
    a traceback in a background thread.
    """
    if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
        raise ConclabError(MESSAGES.get("bad_port", "en", port=port),
                           ja=MESSAGES.get("bad_port", "ja", port=port))
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    family = socket.AF_INET6 if ":" in bare else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        if sys.platform != "win32":
            # Lets a restarted server reuse a port whose old connections sit in
            # TIME_WAIT; on Linux it still refuses a port someone listens on.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((bare, port))
        sock.listen(backlog)
    except OSError as exc:
        sock.close()
        if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)):
            raise ConclabError(MESSAGES.get("port_in_use", "en", host=bare, port=port),
                               ja=MESSAGES.get("port_in_use", "ja", host=bare, port=port)) from None
        reason = exc.strerror or str(exc)
        raise ConclabError(MESSAGES.get("cannot_bind", "en", host=bare, port=port,
                                        reason=reason),
                           ja=MESSAGES.get("cannot_bind", "ja", host=bare, port=port,
                                        reason=reason)) from None
    return sock
