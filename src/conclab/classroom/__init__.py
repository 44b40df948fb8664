"""The class server and its client: every learner's verdicts in one room view for the instructor.

The server (:mod:`conclab.classroom.server`, imported only by ``conclab class
serve`` since it brings in Starlette) keeps the class in one SQLite file
(:class:`ClassStore`) and shows the instructor the room live (:class:`Room`). The learner's side (:class:`ClassConfig`, :class:`Outbox`,
:func:`report_result`) sends each verdict in the background and keeps it in an
outbox until the server holds it. The engine knows no exercise: the command
line passes the ids the server accepts.
"""

from conclab.classroom._client import (
    SENDER,
    ClassConfig,
    Connection,
    Outbox,
    SendReport,
    check_url,
    class_status,
    config_dir,
    join_class,
    make_result,
    outbox_dir,
    pending_ids,
    report_result,
)
from conclab.classroom._protocol import MAX_BODY_BYTES, ProtocolError, Result
from conclab.classroom._room import Room, StuckRule
from conclab.classroom._store import ClassStore, Learner

__all__ = [
    "MAX_BODY_BYTES",
    "SENDER",
    "Connection",
    "ClassConfig",
    "ClassStore",
    "Learner",
    "Outbox",
    "ProtocolError",
    "Result",
    "Room",
    "SendReport",
    "StuckRule",
    "check_url",
    "class_status",
    "config_dir",
    "join_class",
    "make_result",
    "outbox_dir",
    "pending_ids",
    "report_result",
]
