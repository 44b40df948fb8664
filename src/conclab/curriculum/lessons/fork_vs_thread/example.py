"""The same counting handler served by threads and by forked processes.

A thread shares its process's memory, so every handler thread adds to the one
``CountingHandler.count``. ``fork`` gives each request a child process with a
*copy* of the parent's memory: the child adds one to its copy, answers, and
exits, and its copy goes with it. The parent's count never moves.

Run it on its own (POSIX only: Windows has no fork):
    python -m conclab.curriculum.lessons.fork_vs_thread.example
"""

import http.server
import json
import os
import socketserver
import threading
import urllib.request


class CountingHandler(http.server.BaseHTTPRequestHandler):
    count = 0  # a class attribute: in this process's memory

    def do_GET(self):
        if self.path == "/count":  # read the count without adding to it
            self.reply({"count": CountingHandler.count, "pid": os.getpid()})
            return
        CountingHandler.count += 1  # one request at a time here, so no race
        self.reply({"count": CountingHandler.count, "pid": os.getpid()})

    def reply(self, data):
        body = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


class ForkingServer(socketserver.ForkingMixIn, http.server.HTTPServer):
    """A child process per request (what http.server's ThreadingHTTPServer is for threads)."""


def start_server(server_class, port=0):
    server = server_class(("127.0.0.1", port), CountingHandler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                     name="server", daemon=True).start()
    return server


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def one_after_another(base_url, requests):
    """``requests`` requests, each sent after the previous answered: no overlap, no race."""
    return [fetch(f"{base_url}/request-{i + 1}") for i in range(requests)]


if __name__ == "__main__":
    print(f"this (the parent) process: pid {os.getpid()}")
    for server_class in (http.server.ThreadingHTTPServer, ForkingServer):
        CountingHandler.count = 0
        server = start_server(server_class)
        url = f"http://127.0.0.1:{server.server_address[1]}"
        for answer in one_after_another(url, 3):
            print(f"{server_class.__name__}: {answer}")
        print(f"{server_class.__name__}: the parent's count is {CountingHandler.count}")
        server.shutdown()
        server.server_close()
