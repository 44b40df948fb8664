"""The class server's store: one SQLite file in WAL mode, every accepted result committed.

A result is stored under the learner's id and the id the learner's machine made
for it, so a result sent twice (an outbox resend after a lost reply) is stored
once. Secrets are kept as SHA-256 hashes only: the instructor token, each
learner's token and each dashboard session; all are high-entropy random
strings, so a plain hash is enough, and every comparison is constant-time.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conclab.classroom._protocol import Result
from conclab.errors import ConclabError

SCHEMA = """
CREATE TABLE IF NOT EXISTS class (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    join_code TEXT NOT NULL,
    instructor_hash TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS learners (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    token_hash TEXT NOT NULL,
    joined_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS results (
    learner_id INTEGER NOT NULL REFERENCES learners(id),
    result_id TEXT NOT NULL,
    exercise TEXT NOT NULL,
    passed INTEGER NOT NULL,
    checks TEXT NOT NULL,
    elapsed_s REAL NOT NULL,
    attempt INTEGER NOT NULL,
    source TEXT NOT NULL,
    conclab TEXT NOT NULL,
    python TEXT NOT NULL,
    cores INTEGER NOT NULL,
    checked_at REAL NOT NULL,
    received_at REAL NOT NULL,
    PRIMARY KEY (learner_id, result_id)
);
CREATE INDEX IF NOT EXISTS results_by_time ON results (received_at);
CREATE TABLE IF NOT EXISTS sessions (
    hash TEXT PRIMARY KEY,
    created_at REAL NOT NULL
);
"""

#: Letters and digits that cannot be mistaken for one another when read off a projector.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def same_secret(given: str, stored_hash: str) -> bool:
    """True when ``given`` hashes to ``stored_hash``; the comparison takes the same time either way."""
    return hmac.compare_digest(digest(given).encode(), stored_hash.encode())


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@dataclass(frozen=True)
class Opened:
    """What :meth:`ClassStore.open` found: a new class (with its one-time token) or an existing one."""

    join_code: str
    instructor_token: str | None  # only when the class was created (or the token renewed) now


@dataclass(frozen=True)
class Learner:
    id: int
    name: str


@dataclass(frozen=True)
class StoredResult:
    """One stored result as the room view needs it."""

    learner_id: int
    exercise: str
    passed: bool
    checks: list[dict[str, Any]]
    attempt: int
    received_at: float


class ClassStore:
    """The class, its learners and their results in one SQLite file.

    One connection shared by the server's threads under a lock: SQLite allows
    one writer at a time anyway, and a commit per accepted result with
    ``synchronous=FULL`` means a result the server has answered for survives a
    kill of the server or of the machine.
    """

    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.clock = clock
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise ConclabError(f"cannot use the class database {path}: {exc}; "
                               "choose a writable file with --db PATH",
                               ja=f"クラスのデータベース {path} を使えません: {exc}。--db PATH で書き込めるファイルを指定してください") from exc

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- the class -----------------------------------------------------------------

    def open(self, *, new_token: bool = False) -> Opened:
        """Create the class on first use; with ``new_token``, replace a lost instructor token."""
        with self._transaction() as db:
            row = db.execute("SELECT join_code FROM class WHERE id = 1").fetchone()
            token = secrets.token_urlsafe(24) if row is None or new_token else None
            if row is None:
                code = new_join_code()
                assert token is not None
                db.execute("INSERT INTO class VALUES (1, ?, ?, ?)", (code, digest(token), self.clock()))
                return Opened(code, token)
            if token is not None:
                db.execute("UPDATE class SET instructor_hash = ? WHERE id = 1", (digest(token),))
                db.execute("DELETE FROM sessions")
            return Opened(row[0], token)

    def join_code(self) -> str:
        with self._lock:
            return str(self._db.execute("SELECT join_code FROM class WHERE id = 1").fetchone()[0])

    def rotate_join_code(self) -> str:
        code = new_join_code()
        with self._transaction() as db:
            db.execute("UPDATE class SET join_code = ? WHERE id = 1", (code,))
        return code

    def is_join_code(self, code: str) -> bool:
        return hmac.compare_digest(code.strip().upper().encode(), self.join_code().encode())

    def is_instructor(self, token: str) -> bool:
        with self._lock:
            stored = self._db.execute("SELECT instructor_hash FROM class WHERE id = 1").fetchone()[0]
        return same_secret(token, stored)

    # -- dashboard sessions --------------------------------------------------------

    def new_session(self) -> str:
        session = secrets.token_urlsafe(32)
        with self._transaction() as db:
            db.execute("INSERT INTO sessions VALUES (?, ?)", (digest(session), self.clock()))
        return session

    def is_session(self, session: str) -> bool:
        with self._lock:
            row = self._db.execute("SELECT hash FROM sessions WHERE hash = ?", (digest(session),)).fetchone()
        return row is not None and same_secret(session, row[0])

    def end_session(self, session: str) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM sessions WHERE hash = ?", (digest(session),))

    # -- learners ------------------------------------------------------------------

    def join(self, name: str) -> tuple[Learner, str]:
        """A new learner called ``name`` (``name (2)`` when taken) and their token, shown once."""
        secret = secrets.token_urlsafe(24)
        with self._transaction() as db:
            taken = {row[0] for row in db.execute("SELECT name FROM learners")}
            chosen, number = name, 2
            while chosen in taken:
                chosen, number = f"{name} ({number})", number + 1
            cursor = db.execute("INSERT INTO learners (name, token_hash, joined_at) VALUES (?, ?, ?)",
                                (chosen, digest(secret), self.clock()))
            learner = Learner(int(cursor.lastrowid or 0), chosen)
        return learner, f"{learner.id}.{secret}"

    def learner_for(self, token: str) -> Learner | None:
        """The learner whose token this is (``ID.SECRET``), or None."""
        head, _, secret = token.partition(".")
        if not head.isdigit() or not secret:
            return None
        with self._lock:
            row = self._db.execute("SELECT id, name, token_hash FROM learners WHERE id = ?",
                                   (int(head),)).fetchone()
        if row is None or not same_secret(secret, row[2]):
            return None
        return Learner(row[0], row[1])

    def learners(self) -> list[Learner]:
        with self._lock:
            return [Learner(row[0], row[1])
                    for row in self._db.execute("SELECT id, name FROM learners ORDER BY name")]

    # -- results -------------------------------------------------------------------

    def add_result(self, learner: Learner, result: Result) -> bool:
        """Store ``result`` for ``learner``; False when it was stored before (a resend). Committed on return."""
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (learner.id, result.id, result.exercise, int(result.passed),
                 json.dumps([check.to_json() for check in result.checks], ensure_ascii=False),
                 result.elapsed_s, result.attempt, result.source, result.conclab, result.python,
                 result.cores, result.checked_at, self.clock()))
            return cursor.rowcount == 1

    def results(self) -> list[StoredResult]:
        """Every result in the order the server received them."""
        with self._lock:
            rows = self._db.execute("SELECT learner_id, exercise, passed, checks, attempt, received_at "
                                    "FROM results ORDER BY received_at, rowid").fetchall()
        return [StoredResult(row[0], row[1], bool(row[2]), json.loads(row[3]), row[4], row[5])
                for row in rows]

    def count_results(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM results").fetchone()[0])
