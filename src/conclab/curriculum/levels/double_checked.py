"""Level: double-checked locking that publishes the config before filling it."""

import threading

config = None
lock = threading.Lock()


def get_port():
    global config
    if config is None:
        with lock:
            if config is None:
                config = {}
                config["port"] = 8080
    return config["port"]


THREADS = [get_port, get_port]


LEVEL = {
    "title": {"en": "Double-checked locking", "ja": "ダブルチェックロッキング"},
    "goal": {"en": "Make a thread read the port from a half-built config.",
             "ja": "作りかけの config からポート番号を読ませてください。"},
    "win": "exception",
    "hints": {
        "en": ["The first check runs without the lock.",
               "Let one thread publish the empty dict, then let the other one check and read."],
        "ja": ["1 回目の確認はロックなしで行われます。",
               "一方に空の dict を公開させ、そこでもう一方に確認と読み出しをさせてください。"],
    },
    "teaches": {
        "en": "The check outside the lock can see the object as soon as it is assigned, before it "
              "is filled in. Build it in a local variable and assign the finished object last "
              "(`new = {'port': 8080}; config = new`), or simply take the lock every time.",
        "ja": "ロックの外での確認は、代入された直後の、まだ中身のないオブジェクトを見ることが"
              "あります。ローカル変数で作り終えてから最後に代入する（`new = {'port': 8080}; "
              "config = new`）か、素直に毎回ロックを獲得します。",
    },
}
