#!/usr/bin/env bash
# Runs every test of Cairn: builds the package with its tests, checks formatting, runs the suite.
# What the tests need beyond the Swift toolchain is installed here, so a fresh machine needs nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v swift >/dev/null 2>&1; then
    echo "scripts/test.sh: the Swift toolchain (swift 6.1 or newer) must be on PATH." >&2
    exit 1
fi

echo "==> swift format lint"
swift format lint --strict --recursive Sources Tests Package.swift

echo "==> swift build --build-tests"
swift build --build-tests

echo "==> swift test"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
swift test --skip-build 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
if [ "$status" -eq 0 ]; then
    count=$(grep -oE 'Test run with [0-9]+ tests' "$log" | grep -oE '[0-9]+' | tail -n 1)
    echo "${count:-0} passed, 0 failed"
fi
exit "$status"
