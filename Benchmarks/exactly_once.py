#!/usr/bin/env python3
"""Checks that every message sent reached the SMTP sink exactly once (scripts/bench-sends.sh).

  exactly_once.py EXPECTED RECEIVED

EXPECTED holds the ids of the messages the database records sent, RECEIVED the Message-IDs the
sink received (Cairn's message id before the @), one a line, as often as received. Prints
expected= received= unique= doubled= missing= unexpected= and `ok` or `FAIL`.
"""
import collections
import sys


def lines(path):
    with open(path) as file:
        return [line.strip() for line in file if line.strip()]


def main():
    expected = set(lines(sys.argv[1]))
    received = collections.Counter(lines(sys.argv[2]))
    doubled = sum(n - 1 for n in received.values() if n > 1)
    missing = len(expected - received.keys())
    unexpected = len(received.keys() - expected)
    verdict = "ok" if expected and not (doubled or missing or unexpected) else "FAIL"
    print(
        f"expected={len(expected)} received={sum(received.values())} unique={len(received)}"
        f" doubled={doubled} missing={missing} unexpected={unexpected} {verdict}"
    )


if __name__ == "__main__":
    main()
