#!/usr/bin/env python3
"""Drives Cairn's sends for scripts/bench-sends.sh through the Track API (127.0.0.1 only).

  sends.py queue URL TOKEN N [FIRST]   identifies customers cFIRST..c(FIRST+N-1) and sends each
                                       the `note` email: 500 customers (1,000 events) a batch, on
                                       BENCH_QUEUE_CONNECTIONS (4) connections at once
  sends.py identify URL TOKEN N        identifies customers c0..c(N-1) only
  sends.py pace URL TOKEN N RATE S     a send_email every 1/RATE s for S seconds, to c0..c(N-1) in
                                       turn; prints sent= rate= since_ms= (the wall clock at the start)

URL is a brand's Track API root (http://127.0.0.1:PORT/track/bench/bench/BRAND/v1).
"""
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse

PER_BATCH = 500


class Track:
    def __init__(self, url, token):
        parts = urllib.parse.urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        self.root = parts.path
        self.headers = {"Content-Type": "application/json", "auth-token": token}

    def post(self, path, body):
        self.connection.request("POST", self.root + path, json.dumps(body), self.headers)
        response = self.connection.getresponse()
        answer = response.read()
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}: {answer[:300]!r}")


def identify(customer):
    return {"type": "identify", "userId": f"c{customer}", "traits": {"email": f"c{customer}@example.org"}}


def send(customer):
    return {"type": "track", "userId": f"c{customer}", "event": "send_email", "assetId": "note"}


def batches(url, token, first, count, items):
    """Posts the batches of customers first..first+count-1 over several connections at once."""
    starts = list(range(first, first + count, PER_BATCH))
    lock = threading.Lock()
    failures = []

    def worker():
        track = Track(url, token)
        while True:
            with lock:
                if not starts or failures:
                    return
                start = starts.pop(0)
            end = min(first + count, start + PER_BATCH)
            try:
                track.post("/batch", {"batch": [item for c in range(start, end) for item in items(c)]})
            except Exception as error:  # reported below, after the other workers stop
                with lock:
                    failures.append(error)
                return

    threads = [threading.Thread(target=worker) for _ in range(int(os.environ.get("BENCH_QUEUE_CONNECTIONS", "4")))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        sys.exit(str(failures[0]))


def pace(track, count, rate, seconds):
    total = max(1, int(rate * seconds))
    since_ms = int(time.time() * 1000)
    started = time.monotonic()
    for index in range(total):
        wait = started + index / rate - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        body = send(index % count)
        del body["type"]
        track.post("/track", body)
    elapsed = max(0.001, time.monotonic() - started)
    print(f"sent={total} rate={total / elapsed:.1f} since_ms={since_ms}")


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    command, url, token, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    if command == "queue":
        first = int(sys.argv[5]) if len(sys.argv) > 5 else 0
        batches(url, token, first, count, lambda c: [identify(c), send(c)])
    elif command == "identify":
        batches(url, token, 0, count, lambda c: [identify(c)])
    elif command == "pace":
        pace(Track(url, token), count, float(sys.argv[5]), float(sys.argv[6]))
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main()
