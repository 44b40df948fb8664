"""Exercise fix_dirty_write: asyncio tasks that read a balance, await, then write it back.

Run:  python fix_dirty_write.py
Five withdrawals of 10 run as asyncio tasks on one account of 100; the last
line is 'balance <number>' and must be 50.

One event loop, one thread: a task runs until it awaits. But withdraw() awaits
between reading the balance and writing it back, and while it waits the other
tasks read the same old balance. Each writes its own stale result, and all but
one withdrawal are lost. Keep withdraw() and balance: the checker calls them.
"""

import asyncio

START = 100
balance = START


async def withdraw(amount):
    global balance
    seen = balance                 # 1. read the balance
    await asyncio.sleep(0.01)      # 2. ask the fraud service (other tasks run now)
    balance = seen - amount        # 3. write back what was read, minus the amount


async def main():
    await asyncio.gather(*(withdraw(10) for _ in range(5)))
    print(f"balance {balance}")


if __name__ == "__main__":
    asyncio.run(main())
