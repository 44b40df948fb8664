"""A realistic mistake: the lock guards only the await, not the read and the write around it.

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
balance_lock = asyncio.Lock()


async def withdraw(amount):
    global balance
    seen = balance                 # 1. read the balance
    async with balance_lock:       # "the await is where others run, so lock it"
        await asyncio.sleep(0.01)  # 2. ask the fraud service
    balance = seen - amount        # 3. write back what was read, minus the amount


async def main():
    await asyncio.gather(*(withdraw(10) for _ in range(5)))
    print(f"balance {balance}")


if __name__ == "__main__":
    asyncio.run(main())
