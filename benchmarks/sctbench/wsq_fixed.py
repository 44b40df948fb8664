"""Fixed twin of wsq: the push checks room with the right bound (t < head + mask)."""

import threading

INITQSIZE = 2
N_ITEMS = 4
N_STEAL_ATTEMPTS = 2
BUG = False


class Item:
    def __init__(self):
        self.field = 0

    def operation(self):
        self.field += 1


class WorkStealQueue:
    def __init__(self, size):
        self.lock = threading.Lock()
        self.head = 0
        self.tail = 0
        self.mask = size - 1
        self.elems = [None] * size

    def steal(self):
        with self.lock:
            h = self.head
            self.head = h + 1
            if h < self.tail:
                return self.elems[h & self.mask]
            self.head = h
            return None

    def pop(self):
        t = self.tail - 1
        self.tail = t
        if self.head <= t:
            return self.elems[t & self.mask]
        self.tail = t + 1
        return self.sync_pop()

    def sync_pop(self):
        with self.lock:
            t = self.tail - 1
            self.tail = t
            found = None
            if self.head <= t:
                found = self.elems[t & self.mask]
            else:
                self.tail = t + 1
            if self.head > t:
                self.head = 0
                self.tail = 0
                found = None
            return found

    def push(self, elem):
        t = self.tail
        room = t < self.head + self.mask + 1 if BUG else t < self.head + self.mask
        if room:
            self.elems[t & self.mask] = elem
            self.tail = t + 1
        else:
            self.sync_push(elem)

    def sync_push(self, elem):
        with self.lock:
            h = self.head
            count = self.tail - h
            h = h & self.mask
            self.head = h
            self.tail = h + count
            if count >= self.mask:
                newsize = 2 * (self.mask + 1)
                self.elems = [self.elems[(h + i) & self.mask] for i in range(count)] + [None] * (newsize - count)
                self.mask = newsize - 1
                self.head = 0
                self.tail = count
            t = self.tail
            self.elems[t & self.mask] = elem
            self.tail = t + 1


items = [Item() for _ in range(N_ITEMS)]
q = WorkStealQueue(INITQSIZE)


def stealer():
    for _ in range(N_STEAL_ATTEMPTS):
        r = q.steal()
        if r is not None:
            r.operation()


def owner():
    for i in range(N_ITEMS // 2):
        q.push(items[2 * i])
        q.push(items[2 * i + 1])
        r = q.pop()
        if r is not None:
            r.operation()
    for _ in range(N_ITEMS // 2):
        r = q.pop()
        if r is not None:
            r.operation()


THREADS = [stealer, owner]


def check():
    fields = [item.field for item in items]
    assert fields == [1] * N_ITEMS, f"each item must run once: {fields}"
