#!/usr/bin/env python3
"""Drives and watches Cairn's journey engine for scripts/bench-journeys.sh (127.0.0.1 only).

  journeys.py enrol URL TOKEN JOURNEY N      identifies customers c0..c(N-1) and sends each a
                                             start_journey of JOURNEY (500 customers a batch, on
                                             BENCH_QUEUE_CONNECTIONS (4) connections)
  journeys.py drained DB N                   waits until N instances have ended, then prints
                                             steps= instances= seconds= steps_per_s= (from the
                                             first step recorded to the last)
  journeys.py waiting DB JOURNEY N           writes N more active instances of JOURNEY straight into
                                             the SQLite file, each waiting a day (for the memory
                                             figure: a million customers waiting cost rows, not RAM)

DB is an SQLite file path.
"""
import json
import os
import sqlite3
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(__file__))
from sends import batches  # noqa: E402


def enrol(url, token, journey, count):
    def items(c):
        return [
            {"type": "identify", "userId": f"c{c}", "traits": {"email": f"c{c}@example.org", "tier": "gold"}},
            {"type": "track", "userId": f"c{c}", "event": "start_journey",
             "properties": {"journeyIdToTrigger": journey, "n": c}},
        ]
    batches(url, token, 0, count, items)


def drained(path, count):
    db = sqlite3.connect(path, timeout=60)
    deadline = time.monotonic() + 3600
    while time.monotonic() < deadline:
        ended = db.execute("SELECT count(*) FROM journey_instances WHERE status <> 'active'").fetchone()[0]
        if ended >= count:
            break
        time.sleep(0.2)
    else:
        sys.exit(f"only {ended} of {count} instances ended within an hour")
    steps, first, last = db.execute("SELECT count(*), min(at), max(at) FROM journey_steps").fetchone()
    seconds = max(0.001, (last - first) / 1000)
    print(f"steps={steps} instances={count} seconds={seconds:.2f} steps_per_s={steps / seconds:.0f}")


def waiting(path, journey, count):
    db = sqlite3.connect(path, timeout=60)
    row = db.execute(
        "SELECT client_id, account_id, brand_id, version, customer_id, event_id FROM journey_instances LIMIT 1"
    ).fetchone()
    if row is None:
        sys.exit("enrol someone first: the instances copy one")
    client, account, brand, version, customer, event = row
    wake = int(time.time() * 1000) + 86_400_000
    data = json.dumps({"n": 0}).encode()
    now = int(time.time() * 1000)
    for start in range(0, count, 50_000):
        rows = [
            (str(uuid.uuid4()), client, account, brand, journey, version, customer, None, event, data, "active",
             "9d2f0c1e-0000-4000-8000-000000000009", 1, wake, None, now, None)
            for _ in range(min(50_000, count - start))
        ]
        db.executemany(
            """INSERT INTO journey_instances (instance_id, client_id, account_id, brand_id, journey_id, version,
               customer_id, user_id, event_id, data, status, step_id, visits, wake_at, awaiting, entered_at, ended_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            rows,
        )
        db.commit()
    print(f"waiting={count}")


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    command = sys.argv[1]
    if command == "enrol":
        enrol(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    elif command == "drained":
        drained(sys.argv[2], int(sys.argv[3]))
    elif command == "waiting":
        waiting(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
