"""Level: a home-made spin lock guards a critical section."""

from conclab.explore import Bilingual

locked = False
inside = 0


def worker():
    global locked, inside
    while locked:
        pass
    locked = True
    inside += 1
    assert inside == 1, Bilingual(
        "two threads are inside the critical section",
        ja="2 本のスレッドがクリティカルセクションの中にいます")
    inside -= 1
    locked = False


THREADS = [worker, worker]


LEVEL = {
    "title": {"en": "The home-made lock", "ja": "手作りのロック"},
    "goal": {"en": "Get both threads inside the critical section (past `locked = True`) at once.",
             "ja": "2 本のスレッドを同時にクリティカルセクション（`locked = True` の先）に入れてください。"},
    "win": "exception",
    "hints": {
        "en": ["Testing `locked` and setting it are two separate lines.",
               "Let both threads see `locked` as False before either sets it."],
        "ja": ["`locked` を調べる行と、`locked` を立てる行は別々です。",
               "どちらかがフラグを立てる前に、両方に `locked` が False であるのを見せてください。"],
    },
    "teaches": {
        "en": "Test-then-set is itself a critical section, so a flag cannot protect one. A busy-waiting "
              "loop also burns a core while it waits. Never hand-roll a lock: use `threading.Lock`, "
              "whose acquire tests and sets in one atomic step.",
        "ja": "「調べてから立てる」こと自体がクリティカルセクションなので、フラグでは排他制御が"
              "できません。しかもビジーウェイトは待つ間もコアを使い続けます。ロックを自作せず、"
              "`threading.Lock` を使ってください。その獲得は、調べて立てるまでをアトミック（不可分）に"
              "行います。",
    },
}
