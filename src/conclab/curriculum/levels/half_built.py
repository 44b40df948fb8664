"""Level: the producer publishes an order before it has filled it in."""

orders = []
total = 0


def producer():
    order = {}
    orders.append(order)
    order["qty"] = 2
    order["price"] = 300


def consumer():
    global total
    if orders:
        order = orders[0]
        total += order["qty"] * order["price"]


THREADS = [producer, consumer]


LEVEL = {
    "title": {"en": "Half built", "ja": "作りかけ"},
    "goal": {"en": "Make the consumer read a half-built order.",
             "ja": "消費者に作りかけの注文を読ませてください。"},
    "win": "exception",
    "hints": {
        "en": ["The order is in the list from `orders.append(order)` on, but still empty.",
               "Let the consumer look right after the append."],
        "ja": ["注文は `orders.append(order)` の時点でリストに入りますが、まだ空です。",
               "append の直後に、消費者に見に行かせてください。"],
    },
    "teaches": {
        "en": "Publishing an object before it is complete lets another thread see it half built. "
              "Build it first, then publish it in one step (`orders.append({'qty': 2, "
              "'price': 300})`), or hand it over through a `queue.Queue`.",
        "ja": "完成する前にオブジェクトを公開すると、ほかのスレッドに作りかけの状態を見られます。"
              "先に作り終えてから、1 歩で公開します（`orders.append({'qty': 2, 'price': 300})`）。"
              "あるいは `queue.Queue` で受け渡します。",
    },
}
