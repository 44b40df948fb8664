"""Show the ``+=`` race every time: let the explorer decide which thread runs at every bytecode.

Run by chance, ``counter += 1`` in two threads almost never loses an update on
CPython 3.10+ (see the ``data-race`` lab). ``conclab.explore`` runs the
scenario's threads one bytecode at a time and chooses who goes next, so it
finds the interleaving that loses an update, reports it step by step and
replays it from a short schedule string. The scenarios are plain files
(``conclab explore --list``); these functions are how you would call the
explorer from your own tests. Run it on its own:
    python -m conclab.curriculum.lessons.race_explorer.example
"""

from conclab import explore


def find_lost_update(seed=0, lang="en"):
    """Search the schedules of two unlocked ``counter += 1`` threads until one loses an update."""
    return explore.run("lost-update", seed=seed, lang=lang)


def search_with(strategy, seed, lang="en"):
    """The same search with a given strategy and seed: a different route to the same bug."""
    return explore.run("lost-update", strategy=strategy, seed=seed, lang=lang)


def replay(schedule, lang="en"):
    """Run exactly the interleaving a schedule string describes, once."""
    return explore.run("lost-update", replay=schedule, lang=lang)


def check_locked_counter(schedules, lang="en"):
    """Explore the fixed version (a Lock around the increment) over ``schedules`` schedules."""
    return explore.run("locked-counter", schedules=schedules, lang=lang)


if __name__ == "__main__":
    found = find_lost_update()
    print(found.summary())
    for row in found.table():
        print(f"{row['step']:>3}  {row['thread']}  {row['location']:<20} {row['source']:<16} {row['operation']}")
    print("schedule:", found.finding.schedule if found.finding else "-")
    print(check_locked_counter(1000).summary())
