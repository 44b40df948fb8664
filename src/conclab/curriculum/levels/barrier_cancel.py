"""Level: a worker may skip the Barrier when the job is cancelled."""

import threading

start = threading.Barrier(2)
cancelled = False


def worker():
    if cancelled:
        return
    start.wait()


def canceller():
    global cancelled
    cancelled = True


THREADS = [worker, worker, canceller]


LEVEL = {
    "title": {"en": "The Barrier that never fills", "ja": "満たされないバリア"},
    "goal": {"en": "Leave one worker waiting at the Barrier for ever.",
             "ja": "ワーカーの 1 本を、バリアの前で永遠に待たせてください。"},
    "win": "deadlock",
    "hints": {
        "en": ["The Barrier opens only when two threads wait at it.",
               "Let one worker pass the check, then cancel, then let the other worker check."],
        "ja": ["バリアは、2 本のスレッドがそろったときにだけ開きます。",
               "1 本目のワーカーに確認を通過させ、次に取り消し、それから 2 本目に確認させてください。"],
    },
    "teaches": {
        "en": "A Barrier counts on every party arriving. A party that leaves on its own path "
              "strands the rest: call `barrier.abort()` on that path, which wakes the waiters with "
              "BrokenBarrierError, or decide the cancellation before anyone waits.",
        "ja": "バリアは、参加するスレッドが全員そろうことを前提にしています。別の道で抜けるスレッドが"
              "あると、残りは取り残されます。その道で `barrier.abort()` を呼べば、待っている"
              "スレッドは BrokenBarrierError で起こされます。あるいは、誰かが待ち始める前に取り消すか"
              "どうかを決めます。",
    },
}
