"""One counting app, two interfaces: WSGI for gunicorn, ASGI for uvicorn.

Every request "works" for a moment, then adds one to a module-level counter
and answers ``{"count": N, "pid": P, "worker": W}``. The counter is done the
right way for one process (chapter 3): the slow work runs outside the lock,
only the increment is locked. ``GET /count`` shows the count without adding.

Serve it and fire a few requests at once (curl http://127.0.0.1:8000/ & ...):
    gunicorn -w 3 -b 127.0.0.1:8000 conclab.curriculum.lessons.framework_workers.example:wsgi_app
    gunicorn -w 1 -k gthread --threads 4 -b 127.0.0.1:8000 \
        conclab.curriculum.lessons.framework_workers.example:wsgi_app
    uvicorn --port 8000 conclab.curriculum.lessons.framework_workers.example:asgi_app
"""

import asyncio
import json
import os
import threading
import time
import urllib.request

WORK_SECONDS = float(os.environ.get("COUNTER_WORK", "0.1"))  # how long each request "works"

count = 0  # one per process: every worker process has its own copy
count_lock = threading.Lock()


def answer(counted):
    """What a counted request returns: the count it saw, and who served it."""
    return {"count": counted, "pid": os.getpid(), "worker": threading.current_thread().name}


# -- WSGI (gunicorn runs this in each worker process, in one or several threads) --

def wsgi_app(environ, start_response):
    global count
    if environ["PATH_INFO"] == "/count":
        data = {"count": count, "pid": os.getpid()}
    else:
        time.sleep(WORK_SECONDS)  # the slow work, outside the lock
        with count_lock:          # only the increment is locked
            count += 1
            data = answer(count)
    body = json.dumps(data).encode()
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(body)))])
    return [body]


# -- ASGI (uvicorn runs this as a task on one event loop, in one thread) --

async def asgi_app(scope, receive, send):
    global count
    if scope["type"] != "http":
        return  # run uvicorn with --lifespan off, or ignore lifespan events like this
    if scope["path"] == "/count":
        data = {"count": count, "pid": os.getpid()}
    else:
        await asyncio.sleep(WORK_SECONDS)  # the slow work: other requests run meanwhile
        # No await between reading and writing count: on one event loop no other
        # task can run here, so this increment needs no lock.
        count += 1
        data = answer(count)
        task = asyncio.current_task()  # the task uvicorn runs this request in
        data["worker"] = task.get_name() if task else "event loop"
    body = json.dumps(data).encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


# -- a client: several requests at the same moment --

def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def fetch_together(url, clients):
    """``clients`` requests sent at once, each from its own thread; the answers in order."""
    answers = [None] * clients

    def one(i):
        answers[i] = fetch(url)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


if __name__ == "__main__":
    import sys

    # Start one of the servers above first, then: python -m ...framework_workers [URL]
    url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000/"
    for data in fetch_together(url, 9):
        print(data)
