#!/usr/bin/env python3
"""A stand-in for a print house's HTTP API, for Cairn's print tests.

    print_fake.py --port P --key KEY

Prints "ready <port>" once listening (port 0 picks a free one). POST /letters with
"Authorization: Bearer KEY" and a JSON letter ({"messageId", "recipient", "addressLines",
"document": {"contentType", "base64"}, ...}) answers 201 {"id": "L-<n>"}; a wrong key 401. By
path: /busy answers 429 with Retry-After: 20, /down 503, /refuse 400 {"message": "..."}.
A repeat of an Idempotency-Key answers the first letter's id without keeping it twice.

GET /_control/letters answers {"letters": [{"idempotencyKey", "letter" (the JSON), "document"
(the decoded document as text, for HTML; its first bytes for a PDF)}]}.
"""

import argparse
import base64
import json
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def make_handler(key):
    lock = threading.Lock()
    letters = []
    seen = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def answer(self, status, body, headers=()):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/_control/letters":
                with lock:
                    self.answer(200, {"letters": letters})
            else:
                self.answer(404, {"message": "not found"})

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if self.headers.get("Authorization") != "Bearer " + key:
                self.answer(401, {"message": "bad key"})
                return
            if self.path == "/busy":
                self.answer(429, {"message": "slow down"}, headers=[("Retry-After", "20")])
                return
            if self.path == "/down":
                self.answer(503, {"message": "maintenance"})
                return
            if self.path == "/refuse":
                self.answer(400, {"message": "the address is incomplete"})
                return
            if self.path != "/letters":
                self.answer(404, {"message": "not found"})
                return
            letter = json.loads(raw)
            idempotency = self.headers.get("Idempotency-Key")
            with lock:
                if idempotency in seen:
                    self.answer(200, {"id": seen[idempotency]})
                    return
                document = base64.b64decode(letter["document"]["base64"])
                if letter["document"]["contentType"].startswith("text/html"):
                    shown = document.decode("utf-8")
                else:
                    shown = document[:8].decode("latin-1")
                letters.append({"idempotencyKey": idempotency, "letter": letter, "document": shown})
                name = "L-%d" % len(letters)
                seen[idempotency] = name
            self.answer(201, {"id": name})

    return Handler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--key", required=True)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(args.key))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("ready %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
