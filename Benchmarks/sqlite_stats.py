#!/usr/bin/env python3
"""Reads benchmark figures from a Cairn SQLite file (read-only; safe beside a running server).

  sqlite_stats.py DB max-seq                 highest log sequence so far
  sqlite_stats.py DB pending                 events still waiting for the processor
  sqlite_stats.py DB lag FIRST LAST          p50/p99/max ms from acknowledgement to processed, for seq in (FIRST, LAST]
  sqlite_stats.py DB count                   events in the log
  sqlite_stats.py DB wait                    returns once no event is waiting (polls every 50 ms)
"""
import sqlite3
import sys
import time


def connect(path: str) -> sqlite3.Connection:
    """A read-only connection to a Cairn SQLite file (safe beside a running server)."""
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)


def percentiles(values: list) -> str:
    """p50, p99 and max of some numbers, and how many, as `p50=… p99=… max=… n=…`."""
    values = sorted(values)
    if not values:
        return "p50=0 p99=0 max=0 n=0"
    pick = lambda q: values[min(len(values) - 1, int(q * len(values)))]
    return f"p50={pick(0.50)} p99={pick(0.99)} max={values[-1]} n={len(values)}"


def main() -> None:
    path, command = sys.argv[1], sys.argv[2]
    db = connect(path)
    if command == "max-seq":
        print(db.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0])
    elif command == "pending":
        print(db.execute("SELECT count(*) FROM events WHERE status = 'accepted'").fetchone()[0])
    elif command == "wait":
        while db.execute("SELECT 1 FROM events WHERE status = 'accepted' LIMIT 1").fetchone():
            time.sleep(0.05)
    elif command == "count":
        print(db.execute("SELECT count(*) FROM events").fetchone()[0])
    elif command == "lag":
        first, last = int(sys.argv[3]), int(sys.argv[4])
        lags = [
            row[0]
            for row in db.execute(
                "SELECT processed_at - received_at FROM events WHERE seq > ? AND seq <= ? AND processed_at IS NOT NULL",
                (first, last),
            )
        ]
        print(percentiles(lags))
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main()
