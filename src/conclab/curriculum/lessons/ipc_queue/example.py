"""Processes talking through queues: a producer, two consumers, one sentinel per consumer.

Processes share no ordinary memory, so they pass messages. A queue carries pickled
objects between them; whoever calls ``get`` first takes the next item. Each
consumer stops when it takes a ``None`` (a *sentinel*): one per consumer, so
every consumer gets exactly one. Run it on its own:
    python -m conclab.curriculum.lessons.ipc_queue.example
"""

import multiprocessing
import time

WORK = 0.03  # seconds of simulated work per task


def handle(task, work=WORK):
    """The work a consumer does with one task (simulated), and its result."""
    time.sleep(work)
    return task * task


def producer(tasks, count, consumers):
    """Put ``count`` tasks on the queue, then one sentinel per consumer."""
    for task in range(count):
        tasks.put(task)
    for _ in range(consumers):
        tasks.put(None)


def consumer(tasks, results, name, work=WORK):
    """Take tasks first come, first served, until a sentinel; report each result to the parent."""
    while True:
        task = tasks.get()
        if task is None:
            results.put((name, "sentinel", None))
            return
        results.put((name, task, handle(task, work)))


def joinable_worker(tasks, results, work=WORK):
    """Like ``consumer``, but marks every item done so that ``tasks.join()`` can return."""
    name = multiprocessing.current_process().name
    while True:
        task = tasks.get()
        try:
            if task is None:
                return
            results.put((name, task, handle(task, work)))
        finally:
            tasks.task_done()


def collect(results, expected, report):
    """Read ``expected`` messages from the results queue, in the order they arrive."""
    received = []
    for _ in range(expected):
        message = results.get()
        report(message)
        received.append(message)
    return received


def with_manager_queue(count=12, consumers=2, work=WORK, report=print):
    """A producer process and consumer processes sharing queues served by a Manager process."""
    with multiprocessing.Manager() as manager:
        tasks, results = manager.Queue(), manager.Queue()
        processes = [multiprocessing.Process(target=consumer, args=(tasks, results, f"consumer-{i + 1}", work),
                                             name=f"consumer-{i + 1}") for i in range(consumers)]
        processes.append(multiprocessing.Process(target=producer, args=(tasks, count, consumers), name="producer"))
        for process in processes:
            process.start()
        received = collect(results, count + consumers, report)  # every result and every sentinel
        for process in processes:
            process.join()
    return received, [process.exitcode for process in processes]


def with_queue(count=12, workers=2, work=WORK, report=print):
    """multiprocessing.Queue: the parent produces, workers send results back to the parent."""
    tasks, results = multiprocessing.Queue(), multiprocessing.Queue()
    processes = [multiprocessing.Process(target=consumer, args=(tasks, results, f"worker-{i + 1}", work),
                                         name=f"worker-{i + 1}") for i in range(workers)]
    for process in processes:
        process.start()
    producer(tasks, count, workers)
    received = collect(results, count + workers, report)  # drain before join: a full pipe blocks exit
    for process in processes:
        process.join()
    return received, [process.exitcode for process in processes]


def with_joinable_queue(count=12, workers=2, work=WORK):
    """JoinableQueue: ``join()`` returns once every task put has been marked ``task_done()``."""
    tasks, results = multiprocessing.JoinableQueue(), multiprocessing.Queue()
    processes = [multiprocessing.Process(target=joinable_worker, args=(tasks, results, work),
                                         name=f"joinable-{i + 1}") for i in range(workers)]
    for process in processes:
        process.start()
    for task in range(count):
        tasks.put(task)
    tasks.join()  # every task done, whoever did it
    done = [results.get() for _ in range(count)]
    for _ in processes:
        tasks.put(None)
    for process in processes:
        process.join()
    return done, [process.exitcode for process in processes]


def put_bytes(queue, size, put_done):
    queue.put(b"x" * size)
    put_done.set()  # put() has returned: the bytes are with the feeder thread


def exits_before_read(size, wait):
    """A child puts ``size`` bytes on a Queue; has it exited ``wait`` s after put(), before anyone reads?

    ``put`` hands the bytes to the child's feeder thread, which writes them
    into a pipe; at exit the child waits until everything is flushed into the
    pipe. Small data fits in the pipe; data bigger than the pipe (about 64 KiB
    on Linux) waits there until the parent reads.
    """
    queue, put_done = multiprocessing.Queue(), multiprocessing.Event()
    process = multiprocessing.Process(target=put_bytes, args=(queue, size, put_done), name=f"put-{size}")
    process.start()
    put_done.wait(timeout=30)  # the child has started and put its data
    process.join(timeout=wait)
    exited = not process.is_alive()
    queue.get()  # read it now, so the child can finish
    process.join()
    return exited


if __name__ == "__main__":
    with_manager_queue()
    print("multiprocessing.Queue:", sum(result for _, _, result in with_queue(report=lambda m: None)[0]
                                        if result is not None))
    print("JoinableQueue:", len(with_joinable_queue()[0]), "tasks done")
    for size in (1_000, 1_000_000):
        print(f"put {size:,} bytes, exited before the parent read:", exits_before_read(size, 1.0))
