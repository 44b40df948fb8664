"""Level: the waiter clears the Event before it waits."""

import threading

ready = threading.Event()


def waiter():
    ready.clear()
    ready.wait()


def setter():
    ready.set()


THREADS = [waiter, setter]


LEVEL = {
    "title": {"en": "The missed Event", "ja": "見逃したイベント"},
    "goal": {"en": "Make the waiter sleep for ever.", "ja": "待つ側を永遠に眠らせてください。"},
    "win": "deadlock",
    "hints": {
        "en": ["clear() forgets a set() that came before it."],
        "ja": ["clear() は、それより前に呼ばれた set() をなかったことにします。"],
    },
    "teaches": {
        "en": "An Event remembers only whether it is set. Clearing it throws away a signal that "
              "arrived early, and nobody will set it again. Clear an Event only where no signal "
              "can be lost, typically before starting the thread that sets it.",
        "ja": "イベント（Event）が覚えているのは、セットされているかどうかだけです。clear() は早く"
              "届いた合図を捨ててしまい、もう誰もセットしてくれません。クリアは合図を失わない場所、"
              "たとえばセットする側のスレッドを開始する前に行います。",
    },
}
