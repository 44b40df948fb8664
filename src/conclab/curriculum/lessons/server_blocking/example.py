"""A small HTTP server whose handler "works" for a moment, and clients that call it at once.

With ``http.server.HTTPServer`` one request is served at a time: the second
client waits for the first. With ``http.server.ThreadingHTTPServer`` each
request gets its own thread, so all clients are served together.

Run it on its own (then try: curl http://127.0.0.1:8000/a & curl http://127.0.0.1:8000/b &):
    python -m conclab.curriculum.lessons.server_blocking.example
"""

import http.server
import threading
import time
import urllib.request


def log(line):
    print(line, flush=True)


class WorkHandler(http.server.BaseHTTPRequestHandler):
    work_seconds = 0.4  # how long each request "works"

    def do_GET(self):
        log(f"start {self.path}")
        time.sleep(self.work_seconds)  # stands for real work: a query, a computation
        body = f"done {self.path}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        log(f"end   {self.path}")

    def log_message(self, format, *args):
        pass  # keep the default access log quiet: we print our own start/end lines


def start_server(server_class, port=0):
    """Start ``server_class`` (HTTPServer or ThreadingHTTPServer) on 127.0.0.1 in the background."""
    server = server_class(("127.0.0.1", port), WorkHandler)
    # poll_interval: how often serve_forever checks for shutdown() (the default is 0.5 s)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                     name="server", daemon=True).start()
    return server


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode()


def call_together(base_url, clients):
    """``clients`` requests sent at the same moment, each from its own thread."""
    threads = [
        threading.Thread(target=fetch, args=(f"{base_url}/client-{i}",), name=f"client-{i}")
        for i in range(1, clients + 1)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


if __name__ == "__main__":
    for server_class in (http.server.HTTPServer, http.server.ThreadingHTTPServer):
        server = start_server(server_class)
        url = f"http://127.0.0.1:{server.server_address[1]}"
        start = time.perf_counter()
        call_together(url, 3)
        print(f"{server_class.__name__}: {time.perf_counter() - start:.2f} s")
        server.shutdown()
        server.server_close()
