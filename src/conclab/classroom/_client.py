"""The learner's side: joining once, the outbox, and sending results without ever slowing a check.

Every verdict is first written to the outbox (one file per result, written to
a temporary name, flushed to disk and renamed, so a file is whole or absent)
and only then sent, from a background thread, together with anything still
waiting from before. A file leaves the outbox only when the server has said it
holds that result. Each result carries an id made here, so a result sent twice
(the reply was lost, two terminals sent the same file) is stored once. The
command waits at most :data:`EXIT_WAIT_S` at exit for the sender; whatever is
not sent by then goes with the next command.
"""

from __future__ import annotations

import atexit
import contextlib
import http.client
import json
import os
import platform
import tempfile
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from conclab.classroom._protocol import CheckLine, Result, shorten
from conclab.errors import ConclabError

#: How long a finished command waits for its results to be sent before leaving them in the outbox.
EXIT_WAIT_S = 0.3
#: Socket timeout of one request to the class server.
REQUEST_TIMEOUT_S = 2.0
CONFIG_NAME = "class.json"


def config_dir() -> Path:
    """Where conclab keeps the learner's class settings: the one user config folder of conclab."""
    from conclab.i18n import config_dir as user_config_dir

    folder = user_config_dir()
    if folder is None:
        raise ConclabError("no home or config directory is set (HOME, XDG_CONFIG_HOME or APPDATA); "
                           "set CONCLAB_CONFIG_DIR to a folder conclab may write",
                           ja="ホームも設定フォルダーも設定されていません（HOME、XDG_CONFIG_HOME、APPDATA）。conclab が書き込めるフォルダーを CONCLAB_CONFIG_DIR に設定してください")
    return folder


def outbox_dir() -> Path:
    explicit = os.environ.get("CONCLAB_CONFIG_DIR")
    if explicit:
        return Path(explicit) / "class-outbox"
    import platformdirs

    return Path(platformdirs.user_state_dir("conclab", appauthor=False)) / "class-outbox"


def _atomic_write(path: Path, text: str, *, private: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        if private:
            os.chmod(temp, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


@dataclass(frozen=True)
class ClassConfig:
    """The class this learner joined: the server's URL, their name and their token."""

    url: str
    name: str
    token: str

    def save(self, folder: Path | None = None) -> Path:
        path = (folder or config_dir()) / CONFIG_NAME
        _atomic_write(path, json.dumps({"url": self.url, "name": self.name, "token": self.token},
                                       ensure_ascii=False, indent=2), private=True)
        return path

    @classmethod
    def load(cls, folder: Path | None = None) -> ClassConfig | None:
        """The saved class, or None when the learner has not joined (or the file is unreadable)."""
        try:
            data = json.loads(((folder or config_dir()) / CONFIG_NAME).read_text(encoding="utf-8"))
            return cls(str(data["url"]), str(data["name"]), str(data["token"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    @staticmethod
    def forget(folder: Path | None = None) -> bool:
        try:
            ((folder or config_dir()) / CONFIG_NAME).unlink()
            return True
        except FileNotFoundError:
            return False


def check_url(url: str) -> str:
    """``url`` without a trailing slash, or a one-line error saying what a class URL looks like."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        raise ConclabError(f"'{url}' is not a class server URL; it looks like http://192.168.1.10:8765",
                           ja=f"'{url}' はクラスのサーバーの URL ではありません。http://192.168.1.10:8765 のような形です")
    return f"{parts.scheme}://{parts.netloc}"


class Connection:
    """One keep-alive HTTP connection to the class server (standard library only: cheap to import)."""

    def __init__(self, url: str, timeout: float = REQUEST_TIMEOUT_S) -> None:
        parts = urlsplit(url)
        kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        self._conn = kind(parts.hostname or "", parts.port, timeout=timeout)

    def request(self, method: str, path: str, body: Any = None, token: str = "") -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        payload = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        self._conn.request(method, path, body=payload, headers=headers)
        response = self._conn.getresponse()
        raw = response.read()
        try:
            return response.status, json.loads(raw) if raw else {}
        except ValueError:
            return response.status, {"error": raw[:200].decode("utf-8", "replace")}

    def close(self) -> None:
        self._conn.close()


def join_class(url: str, code: str, name: str) -> ClassConfig:
    """Join the class at ``url`` with the join ``code``; the returned config is not yet saved."""
    url = check_url(url)
    connection = Connection(url, timeout=5.0)
    try:
        status, reply = connection.request("POST", "/api/join", {"code": code, "name": name})
    except OSError as exc:
        raise ConclabError(f"cannot reach the class server at {url}: {exc}; check the URL "
                           "and that you are on the room's network",
                           ja=f"{url} のクラスのサーバーにつながりません: {exc}。URL と、教室のネットワークにつながっているかを確かめてください") from exc
    finally:
        connection.close()
    if status != 201:
        raise ConclabError(f"the class server refused to join: {reply.get('error', status)}",
                           ja=f"クラスのサーバーが参加を断りました: {reply.get('error', status)}")
    return ClassConfig(url, str(reply["name"]), str(reply["token"]))


def make_result(verdict: Mapping[str, Any], *, attempt: int, source: str, conclab: str,
                cores: int, checked_at: float | None = None) -> Result:
    """A result for the class from a verdict's JSON (``Verdict.to_json()``): never the learner's code."""
    checks = tuple(CheckLine(str(check["name"])[:120], bool(check["passed"]),
                             shorten(str(check.get("detail", check.get("message", "")))))
                   for check in verdict.get("checks", []))
    return Result(uuid.uuid4().hex, str(verdict["exercise"]), bool(verdict["passed"]), checks,
                  float(verdict.get("elapsed_s", 0.0)), max(1, attempt), source, conclab,
                  platform.python_version(), max(1, cores),
                  time.time() if checked_at is None else checked_at)


@dataclass
class SendReport:
    sent: int = 0
    duplicates: int = 0
    rejected: int = 0
    error: str | None = None


class Outbox:
    """Results waiting to be sent, one JSON file each, oldest first."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or outbox_dir()

    def put(self, result: Result) -> Path:
        path = self.folder / f"{int(result.checked_at * 1e6):017d}-{result.id}.json"
        _atomic_write(path, json.dumps(result.to_json(), ensure_ascii=False))
        return path

    def pending(self) -> list[Path]:
        try:
            return sorted(self.folder.glob("*.json"))
        except OSError:
            return []

    def set_aside(self) -> tuple[int, Path]:
        """Move every waiting result into ``left-<time>/``: kept, but never sent to a class joined later."""
        folder = self.folder / f"left-{int(time.time())}"
        moved = 0
        for path in self.pending():
            folder.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileNotFoundError):
                os.replace(path, folder / path.name)
                moved += 1
        return moved, folder

    def rejected(self) -> list[Path]:
        return sorted((self.folder / "rejected").glob("*.json"))

    def _reject(self, path: Path, reason: str) -> None:
        target = self.folder / "rejected" / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            os.replace(path, target)
            target.with_suffix(".reason").write_text(reason, encoding="utf-8")

    def send(self, config: ClassConfig, timeout: float = REQUEST_TIMEOUT_S) -> SendReport:
        """Send every waiting result; stop at the first one the server cannot take now."""
        report = SendReport()
        files = self.pending()
        if not files:
            return report
        connection = Connection(config.url, timeout)
        try:
            for path in files:
                if not self._send_one(connection, config, path, report):
                    break
        finally:
            connection.close()
        return report

    def _send_one(self, connection: Connection, config: ClassConfig, path: Path,
                  report: SendReport) -> bool:
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return True  # another conclab process sent it meanwhile
        except (OSError, ValueError) as exc:
            self._reject(path, f"unreadable: {exc}")
            report.rejected += 1
            return True
        try:
            status, reply = connection.request("POST", "/api/results", body, config.token)
        except (OSError, http.client.HTTPException) as exc:
            report.error = f"cannot reach {config.url}: {exc}"
            return False
        if status in (200, 201):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            report.sent += status == 201
            report.duplicates += status == 200
            return True
        if status in (400, 413, 422):
            self._reject(path, str(reply.get("error", status)))
            report.rejected += 1
            return True
        report.error = f"the class server answered {status}: {reply.get('error', '')}".strip()
        return False


class BackgroundSender:
    """Sends the outbox on a daemon thread; a command waits at most ``exit_wait_s`` for it at exit."""

    def __init__(self, exit_wait_s: float = EXIT_WAIT_S) -> None:
        self.exit_wait_s = exit_wait_s
        self._wanted = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.last: SendReport | None = None
        self._registered = False

    def kick(self, config: ClassConfig, outbox: Outbox) -> None:
        self._wanted.set()
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._thread = threading.Thread(target=self._run, args=(config, outbox), daemon=True,
                                            name="conclab-class-sender")
            self._thread.start()
            if not self._registered:
                atexit.register(self.wait)
                self._registered = True

    def _run(self, config: ClassConfig, outbox: Outbox) -> None:
        while self._wanted.is_set():
            self._wanted.clear()
            try:
                self.last = outbox.send(config)
            except Exception as exc:  # never let a send problem reach the learner's check
                self.last = SendReport(error=str(exc))

    def wait(self, timeout: float | None = None) -> None:
        thread = self._thread
        if thread is not None:
            thread.join(self.exit_wait_s if timeout is None else timeout)


SENDER = BackgroundSender()


def report_result(verdict: Mapping[str, Any], *, attempt: int, source: str, conclab: str,
                  cores: int) -> bool:
    """The one call ``check`` and ``watch`` make: queue this verdict for the class, if joined.

    Returns whether the learner is in a class. Never raises: a problem here must
    not fail the learner's check.
    """
    try:
        config = ClassConfig.load()
        if config is None:
            return False
        outbox = Outbox()
        outbox.put(make_result(verdict, attempt=attempt, source=source, conclab=conclab, cores=cores))
        SENDER.kick(config, outbox)
        return True
    except Exception:
        return False


def class_status(send: bool = True) -> dict[str, Any]:
    """The class this learner joined and how many results wait (after trying to send them)."""
    config = ClassConfig.load()
    outbox = Outbox()
    report = outbox.send(config) if config is not None and send and outbox.pending() else SendReport()
    return {"joined": config is not None, "url": config.url if config else None,
            "name": config.name if config else None, "waiting": len(outbox.pending()),
            "rejected": len(outbox.rejected()), "sent_now": report.sent + report.duplicates,
            "error": report.error}


def pending_ids(folders: Sequence[Path]) -> list[str]:
    """The result ids waiting in these outboxes (for tests and the benchmark)."""
    return [path.stem.partition("-")[2] for folder in folders for path in Outbox(folder).pending()]
