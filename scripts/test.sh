#!/usr/bin/env bash
# Runs every test of Cairn: builds the package with its tests, checks formatting, runs the suite.
# What the tests need beyond the Swift toolchain is installed here, so a fresh machine needs nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v swift >/dev/null 2>&1; then
    echo "scripts/test.sh: the Swift toolchain (swift 6.1 or newer) must be on PATH." >&2
    exit 1
fi

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
        echo "scripts/test.sh: need root to run: $*" >&2
        return 1
    fi
}

echo "==> test dependencies"
# zlib (gzip bodies on the Segment API) from Debian's packages, when its headers are missing.
if [ ! -e /usr/include/zlib.h ]; then
    as_root apt-get install -y zlib1g-dev
fi
# The official Segment and RudderStack Python SDKs from PyPI, in a virtual environment of our own.
sdk_venv=.build/test-python
sdk_packages=(segment-analytics-python==2.4.0 rudder-sdk-python==2.1.9)
if ! "$sdk_venv/bin/python" -c "import segment.analytics, rudderstack.analytics" >/dev/null 2>&1; then
    rm -rf "$sdk_venv"
    if ! python3 -m venv "$sdk_venv" >/dev/null 2>&1; then
        as_root apt-get install -y python3-venv
        python3 -m venv "$sdk_venv"
    fi
    "$sdk_venv/bin/pip" install --quiet --disable-pip-version-check "${sdk_packages[@]}"
fi
export CAIRN_TEST_PYTHON="$PWD/$sdk_venv/bin/python"

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
