"""Checks of lock_only_increment: exact *and* concurrent, as the hands-on's last step.

The check is the web-counter hands-on's own (one way to judge it): the
learner's server runs on a free loopback port with a short unit of work and
gets three requests at once; the answers must count 1, 2, 3 and come back in
about one unit of work (the starter, a lock around the whole handler, takes
about three); and the explorer runs ``count_and_do_something()`` from two
threads and must find no lost update.
"""

from __future__ import annotations

from conclab.curriculum.exercises._spec import ExerciseSpec
from conclab.curriculum.handson.web_counter import STEPS, check_step
from conclab.exercises import CheckContext, free_port

FINAL = STEPS[-1]


def check(ctx: CheckContext) -> None:
    """Judge the learner's file as the hands-on's step 7, on a port nothing listens on."""
    verdict = check_step(FINAL.number, FINAL.expect, ctx.path, port=free_port(), lang=ctx.lang)
    for result in verdict.results:
        ctx.add(result.name, result.passed, result.detail)


EXERCISE = ExerciseSpec(
    chapter="locks",
    order=30,
    title={"en": "Lock only the increment", "ja": "インクリメントだけをロックする"},
    summary={"en": "the lock keeps the count exact but makes every request wait: lock only the increment",
             "ja": "ロックでカウントは正確になったが全リクエストが待たされる: インクリメントだけをロックする"},
    check=check,
    limit_s=10.0,
)
