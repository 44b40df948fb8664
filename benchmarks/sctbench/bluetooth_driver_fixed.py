"""Fixed twin of bluetooth_driver: the flag test and the increment are one atomic step."""

import threading

atomic = threading.Lock()  # __ESBMC_atomic_begin/end


class Device:
    def __init__(self):
        self.pendingIo = 1
        self.stoppingFlag = False
        self.stoppingEvent = False


e = Device()
stopped = False


def io_increment(e):
    with atomic:
        if e.stoppingFlag:
            return -1
        e.pendingIo = e.pendingIo + 1
    return 0


def io_decrement(e):
    with atomic:
        e.pendingIo = e.pendingIo - 1
        pending = e.pendingIo
    if pending == 0:
        e.stoppingEvent = True


def pnp_add():
    status = io_increment(e)
    if status == 0:
        assert not stopped, "an I/O runs on a stopped driver"
    io_decrement(e)


def pnp_stop():
    global stopped
    with atomic:
        e.stoppingFlag = True
    io_decrement(e)
    if e.stoppingEvent:
        stopped = True


THREADS = [pnp_stop, pnp_add]
