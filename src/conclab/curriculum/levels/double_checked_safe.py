"""Level (correct code): double-checked locking that publishes only a finished config."""

import threading

config = None
lock = threading.Lock()


def get_port():
    global config
    if config is None:
        with lock:
            if config is None:
                new = {}
                new["port"] = 8080
                config = new
    return config["port"]


THREADS = [get_port, get_port]


LEVEL = {
    "title": {"en": "Publish when finished", "ja": "完成してから公開する"},
    "goal": {"en": "Make a thread read the port from a half-built config.",
             "ja": "作りかけの config からポート番号を読ませてください。"},
    "win": "exception",
    "correct": True,
    "fixes": "double-checked",
    "hints": {
        "en": ["When does another thread first see a config that is not None?"],
        "ja": ["ほかのスレッドが None でない config を初めて見るのは、いつでしょうか。"],
    },
    "teaches": {
        "en": "The shared name changes in one step, from None to a finished dict, so the unlocked "
              "check sees either nothing or everything.",
        "ja": "共有された名前は 1 歩で、None から完成した dict に変わります。そのためロックなしの確認が"
              "見るのは、何もない状態か、すべてそろった状態のどちらかです。",
    },
}
