#!/usr/bin/env python3
"""Reads the outbox's figures from a Cairn database while (or after) nodes send, for
scripts/bench-sends.sh. DB is sqlite:PATH (read-only) or a postgres:// URL (through psql).

  outbox_stats.py DB processed                 returns once no event waits for the processor
  outbox_stats.py DB drain N [BRAND]           returns once N messages (of BRAND) exist and none
                                               of them is queued or sending (with BRAND, after
                                               BENCH_FAIR_WAIT (120) s at most); meanwhile samples,
                                               every 100 ms, the most messages of one brand
                                               `sending` at once: prints max_sending= samples=
  outbox_stats.py DB rates [SINCE_MS]          sent/s from the first to the last send, over the
                                               first fifth and over the last fifth of the sends
                                               (sent at or after SINCE_MS)
  outbox_stats.py DB latency BRAND [SINCE_MS]  p50/p99/max ms from a send command's acknowledgement
                                               (at or after SINCE_MS) to its message sent, for
                                               BRAND's messages; one not sent counts as sent now
                                               (so p99 is then a lower bound): prints unsent=
  outbox_stats.py DB queued BRAND              BRAND's messages still queued or sending
  outbox_stats.py DB ids [SINCE_MS]            the ids of the messages sent, one a line
"""
import os
import subprocess
import sys
import time

from sqlite_stats import connect, percentiles


class Database:
    """One connection, SQLite (read-only) or PostgreSQL (one psql process kept open)."""

    def __init__(self, url):
        self.sqlite = None
        self.psql = None
        if url.startswith("sqlite:"):
            self.sqlite = connect(url[len("sqlite:"):])
        else:
            plain = url.split("?")[0]
            self.psql = subprocess.Popen(
                ["psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", plain],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )

    def rows(self, sql, parameters=()):
        if self.sqlite:
            return [tuple(row) for row in self.sqlite.execute(sql, parameters)]
        for value in parameters:  # psql has no bound parameters: only numbers and brand ids here
            text = str(value)
            if not text.replace("-", "").replace("_", "").isalnum():
                sys.exit(f"refusing parameter {text!r}")
            sql = sql.replace("?", f"'{text}'" if isinstance(value, str) else text, 1)
        self.psql.stdin.write(sql + ";\nSELECT '--end--';\n")
        self.psql.stdin.flush()
        rows = []
        while True:
            line = self.psql.stdout.readline()
            if not line:
                sys.exit("psql ended")
            line = line.rstrip("\n")
            if line == "--end--":
                return rows
            if line:
                rows.append(tuple(int(v) if v.lstrip("-").isdigit() else v for v in line.split("\t")))

    def value(self, sql, parameters=()):
        rows = self.rows(sql, parameters)
        return rows[0][0] if rows else None


def brand_filter(brand):
    """A condition on one brand of the benchmark's account (served by the index by brand)."""
    if not brand:
        return "", ()
    return " AND client_id = 'bench' AND account_id = 'bench' AND brand_id = ?", (brand,)


def drain(db, wanted, brand):
    # Cheap beside a busy sender: an existence test (served by the partial indexes of waiting
    # messages, or by the index by brand), and the count only once nothing waits.
    where, parameters = brand_filter(brand)
    waiting = " + ".join(
        f"(SELECT count(*) FROM (SELECT 1 FROM messages WHERE status = '{status}'{where} LIMIT 1) AS {status})"
        for status in ("queued", "sending")
    )
    waiting = f"SELECT {waiting}"
    total = f"SELECT count(*) FROM messages WHERE 1 = 1{where}"
    sending = (
        "SELECT coalesce(max(n), 0) FROM "
        "(SELECT count(*) AS n FROM messages WHERE status = 'sending' GROUP BY client_id || '/' || account_id || '/' || brand_id) AS b"
    )
    most, samples, checked = 0, 0, 0.0
    give_up = time.monotonic() + float(os.environ.get("BENCH_FAIR_WAIT", "120")) if brand else None
    while give_up is None or time.monotonic() < give_up:
        most = max(most, db.value(sending))
        samples += 1
        now = time.monotonic()
        if now - checked >= 0.5:
            checked = now
            if db.value(waiting, parameters * 2) == 0 and db.value(total, parameters) >= wanted:
                break
        time.sleep(0.1)
    print(f"max_sending={most} samples={samples}")


def rates(db, since):
    times = [row[0] for row in db.rows("SELECT sent_at FROM messages WHERE sent_at >= ? ORDER BY sent_at", (since,))]
    other = db.value("SELECT count(*) FROM messages WHERE sent_at IS NULL")

    def rate(first, last):  # messages first..last (indexes) over their time span
        seconds = max(0.001, (times[last] - times[first]) / 1000)
        return (last - first + 1) / seconds

    n = len(times)
    if n < 10:
        sys.exit(f"only {n} messages sent")
    fifth = n // 5
    print(
        f"sent={n} not_sent={other} seconds={(times[-1] - times[0]) / 1000:.2f} rate={rate(0, n - 1):.0f}"
        f" first_fifth={rate(0, fifth - 1):.0f} last_fifth={rate(n - fifth, n - 1):.0f}"
    )


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    db, command, args = Database(sys.argv[1]), sys.argv[2], sys.argv[3:]
    if command == "processed":
        while db.value("SELECT count(*) FROM (SELECT 1 FROM events WHERE status = 'accepted' LIMIT 1) AS w"):
            time.sleep(0.1)
    elif command == "drain":
        drain(db, int(args[0]), args[1] if len(args) > 1 else None)
    elif command == "rates":
        rates(db, int(args[0]) if args else 0)
    elif command == "latency":
        since = int(args[1]) if len(args) > 1 else 0
        now = int(time.time() * 1000)
        lags = db.rows(
            "SELECT coalesce(m.sent_at, ?) - e.received_at, m.sent_at IS NULL FROM messages m "
            "JOIN events e ON e.id = m.event_id WHERE m.brand_id = ? AND e.received_at >= ?",
            (now, args[0], since),
        )
        unsent = sum(1 for row in lags if row[1] in (1, True, "t"))
        print(f"{percentiles([row[0] for row in lags])} unsent={unsent}")
    elif command == "queued":
        where, parameters = brand_filter(args[0])
        print(db.value(f"SELECT count(*) FROM messages WHERE status IN ('queued', 'sending'){where}", parameters))
    elif command == "ids":
        for row in db.rows("SELECT id FROM messages WHERE sent_at >= ?", (int(args[0]) if args else 0,)):
            print(row[0])
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main()
