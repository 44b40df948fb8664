"""Exercise fix_deadlock: transfers and an audit that take the same two locks in different orders.

Run:  python fix_deadlock.py
Two threads move money between accounts a and b, both ways, while a third
audits the total; the last line is 'a <balance> b <balance> total <sum>'.

Every function holds both account locks while it works, which is right, but
they take them in different orders. If pay_a_to_b() holds lock_a while
pay_b_to_a() holds lock_b, each waits for the lock the other holds: for ever.
Keep the three functions and the names: the checker calls them from threads.
"""

import threading

ROUNDS = 500
lock_a = threading.Lock()  # protects balance_a
lock_b = threading.Lock()  # protects balance_b
balance_a = 100
balance_b = 100


def pay_a_to_b(amount):
    global balance_a, balance_b
    with lock_a, lock_b:
        balance_a -= amount
        balance_b += amount


def pay_b_to_a(amount):
    global balance_a, balance_b
    with lock_b, lock_a:
        balance_b -= amount
        balance_a += amount


def audit():
    """The total of both accounts, read while no transfer is half done."""
    with lock_b, lock_a:
        return balance_a + balance_b


def main():
    audits = []

    def auditor():
        for _ in range(ROUNDS):
            audits.append(audit())

    threads = [threading.Thread(target=lambda: [pay_a_to_b(1) for _ in range(ROUNDS)]),
               threading.Thread(target=lambda: [pay_b_to_a(1) for _ in range(ROUNDS)]),
               threading.Thread(target=auditor)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wrong = [total for total in audits if total != 200]
    print(f"audits {len(audits)}, wrong {len(wrong)}")
    print(f"a {balance_a} b {balance_b} total {balance_a + balance_b}")


if __name__ == "__main__":
    main()
