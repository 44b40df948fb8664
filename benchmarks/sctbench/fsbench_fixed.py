"""SCTBench CS/fsbench_ok.c (SV-COMP): fixed twin of fsbench, 26 threads for 26 inode locks."""

import threading

NUMBLOCKS = 26
NUMINODE = 32
NUM_THREADS = 26
locki = [threading.Lock() for _ in range(NUMBLOCKS)]
lockb = [threading.Lock() for _ in range(NUMBLOCKS)]
busy = [0] * NUMBLOCKS
inode = [0] * NUMINODE


def thread_routine(tid):
    i = tid % NUMINODE
    assert 0 <= i < NUMBLOCKS, f"inode {i} has no lock"
    with locki[i]:
        if inode[i] == 0:
            b = (i * 2) % NUMBLOCKS
            for _ in range(NUMBLOCKS // 2):
                with lockb[b]:
                    if not busy[b]:
                        busy[b] = 1
                        inode[i] = b + 1
                        break
                b = (b + 1) % NUMBLOCKS


THREADS = [lambda t=t: thread_routine(t) for t in range(NUM_THREADS)]
