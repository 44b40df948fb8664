"""Level: three philosophers, three forks, each takes the left fork first."""

import threading

forks = [threading.Lock(), threading.Lock(), threading.Lock()]
meals = 0


def philosopher(seat):
    global meals
    with forks[seat]:
        with forks[(seat + 1) % 3]:
            meals += 1


def plato():
    philosopher(0)


def kant():
    philosopher(1)


def hume():
    philosopher(2)


THREADS = [plato, kant, hume]


LEVEL = {
    "title": {"en": "Dinner for three", "ja": "3 人の晩餐"},
    "goal": {"en": "Deadlock all three philosophers.",
             "ja": "3 人の哲学者全員をデッドロックさせてください。"},
    "win": "deadlock",
    "hints": {
        "en": ["Each philosopher takes the fork on the left, then the one on the right.",
               "Let every philosopher pick up the left fork first."],
        "ja": ["哲学者はそれぞれ左のフォークを取り、次に右のフォークを取ります。",
               "全員にまず左のフォークを取らせてください。"],
    },
    "teaches": {
        "en": "A deadlock needs no more than a cycle of waits: 0 waits for 1, 1 for 2, 2 for 0. "
              "Numbering the locks and always taking the lower number first breaks every cycle.",
        "ja": "デッドロックに必要なのは待ちの循環だけです。0 が 1 を、1 が 2 を、2 が 0 を待ちます。"
              "ロックに番号を振り、常に小さい番号から獲得すれば、どんな循環も生じません。",
    },
}
