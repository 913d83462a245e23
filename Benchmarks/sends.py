#!/usr/bin/env python3
"""Drives and measures Cairn's sends for scripts/bench-sends.sh (127.0.0.1 only).

  sends.py queue URL TOKEN N         identifies customers c0..c(N-1) and sends each the `note` email
  sends.py identify URL TOKEN N      identifies customers c0..c(N-1) only
  sends.py pace URL TOKEN N RATE S   a send_email every 1/RATE s for S seconds, to c0..c(N-1) in turn
  sends.py wait DB N                 returns once N messages are no longer queued or sending
  sends.py throughput DB             messages sent, and sent per second from the first to the last
  sends.py latency DB                p50/p99/max ms from a command's acknowledgement to its message sent

URL is the Track API's brand root (http://127.0.0.1:PORT/track/bench/bench/B/v1); DB a SQLite file.
"""
import http.client
import json
import sys
import time
import urllib.parse

from sqlite_stats import connect, percentiles


class Track:
    def __init__(self, url, token):
        parts = urllib.parse.urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        self.root = parts.path
        self.headers = {"Content-Type": "application/json", "auth-token": token}

    def post(self, path, body):
        self.connection.request("POST", self.root + path, json.dumps(body), self.headers)
        response = self.connection.getresponse()
        answer = response.read()
        if response.status != 200:
            sys.exit(f"{path} answered {response.status}: {answer[:300]!r}")


def identify(customer):
    return {"type": "identify", "userId": f"c{customer}", "traits": {"email": f"c{customer}@example.org"}}


def send(customer):
    return {"type": "track", "userId": f"c{customer}", "event": "send_email", "assetId": "note"}


def batches(track, count, items):
    for first in range(0, count, 100):
        batch = [item for customer in range(first, min(count, first + 100)) for item in items(customer)]
        track.post("/batch", {"batch": batch})


def pace(track, count, rate, seconds):
    total = int(rate * seconds)
    started = time.monotonic()
    for index in range(total):
        due = started + index / rate
        wait = due - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        body = send(index % count)
        del body["type"]
        track.post("/track", body)
    elapsed = time.monotonic() - started
    print(f"sent={total} rate={total / elapsed:.1f}")


def main():
    command = sys.argv[1]
    if command in ("queue", "identify", "pace"):
        track = Track(sys.argv[2], sys.argv[3])
        count = int(sys.argv[4])
        if command == "queue":
            batches(track, count, lambda c: [identify(c), send(c)])
        elif command == "identify":
            batches(track, count, lambda c: [identify(c)])
        else:
            pace(track, count, float(sys.argv[5]), float(sys.argv[6]))
        return
    db = connect(sys.argv[2])
    if command == "wait":
        # Cheap to ask while the server works: the partial indexes of waiting messages answer it.
        wanted = int(sys.argv[3])
        waiting = "SELECT EXISTS (SELECT 1 FROM messages WHERE status IN ('queued', 'sending'))"
        while db.execute(waiting).fetchone()[0] or db.execute("SELECT count(*) FROM messages").fetchone()[0] < wanted:
            time.sleep(0.1)
    elif command == "throughput":
        sent, first, last = db.execute(
            "SELECT count(*), min(sent_at), max(sent_at) FROM messages WHERE status = 'sent'"
        ).fetchone()
        other = db.execute("SELECT count(*) FROM messages WHERE status <> 'sent'").fetchone()[0]
        seconds = max(0.001, ((last or 0) - (first or 0)) / 1000)
        print(f"sent={sent} not_sent={other} seconds={seconds:.2f} rate={sent / seconds:.0f}")
    elif command == "latency":
        print(
            percentiles(
                [
                    row[0]
                    for row in db.execute(
                        "SELECT m.sent_at - e.received_at FROM messages m JOIN events e ON e.id = m.event_id "
                        "WHERE m.status = 'sent'"
                    )
                ]
            )
        )
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main()
