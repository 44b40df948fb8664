"""A deadlock found on purpose: two locks taken in opposite orders, then the fix by lock ordering.

One thread takes ``lock_a`` then ``lock_b``; the other takes ``lock_b`` then
``lock_a``. If each gets its first lock before the other gets its second,
each waits forever for the lock the other holds. Run for real this hangs only
now and then; the explorer finds the schedule that hangs, reports who holds
what and waits for what (the wait-for cycle), and checks the fixed version,
where every thread takes ``lock_a`` first. Run it on its own:
    python -m conclab.curriculum.lessons.deadlock.example
"""

from conclab import explore


def find_deadlock(seed=0, lang="en"):
    """Search the schedules of the opposite-order scenario until every thread is stuck."""
    return explore.run("lock-order-deadlock", seed=seed, lang=lang)


def replay(schedule, lang="en"):
    """Run exactly the interleaving a schedule string describes, once."""
    return explore.run("lock-order-deadlock", replay=schedule, lang=lang)


def check_ordered_locks(schedules, lang="en"):
    """Explore the fixed version (both threads take lock_a before lock_b)."""
    return explore.run("ordered-locks", schedules=schedules, lang=lang)


if __name__ == "__main__":
    found = find_deadlock()
    print(found.message)
    for edge in found.finding.cycle if found.finding else ():
        print(f"  {edge['thread']} holds {', '.join(edge['holds'])} and waits for {edge['waits_for']}"
              f" at {edge['where']}")
    print("schedule:", found.finding.schedule if found.finding else "-")
    print(check_ordered_locks(1000).summary())
