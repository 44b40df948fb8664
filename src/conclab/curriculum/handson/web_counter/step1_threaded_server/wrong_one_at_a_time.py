import os
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

# python main.py [PORT [WORK_S]]; conclab's container sets HOST=0.0.0.0
PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
WORK_S = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0  # "some work"
HOST = os.environ.get("HOST", "127.0.0.1")


class SimpleHelloHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        print("start processing path = {}".format(self.path))

        time.sleep(WORK_S)  # some work

        print("end processing path = {}".format(self.path))

        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.end_headers()
        self.wfile.write(b"Hello simple server!\n")


with HTTPServer((HOST, PORT), SimpleHelloHandler) as httpd:
    print("serving at port", PORT)
    httpd.serve_forever()
