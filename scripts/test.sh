#!/usr/bin/env bash
# Runs every test of Cairn: builds the package with its tests, checks formatting, runs the suite.
# What the tests need beyond the Swift toolchain is installed here, so a fresh machine needs nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v swift >/dev/null 2>&1; then
    echo "scripts/test.sh: the Swift toolchain (swift 6.2 or newer) must be on PATH." >&2
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
# The official Segment and RudderStack Python SDKs, prometheus_client's parser, aiosmtpd (the
# real SMTP server the email tests send to), openapi-spec-validator and schemathesis (which check
# the OpenAPI document against a live server), cryptography (with which the fake FCM token
# endpoint checks Cairn's RS256 assertions), http_ece and py_vapid (with which the fake push
# service decrypts Cairn's Web Push and checks its VAPID tokens) from PyPI, in a virtual
# environment of our own.
sdk_venv=.build/test-python
sdk_packages=(segment-analytics-python==2.4.0 rudder-sdk-python==2.1.9 prometheus-client==0.26.0 aiosmtpd==1.4.6 openapi-spec-validator==0.9.0 schemathesis==4.32.5 cryptography==51.0.1 http_ece==1.2.1 py_vapid==1.9.6)
if ! "$sdk_venv/bin/python" -c "import segment.analytics, rudderstack.analytics, prometheus_client, aiosmtpd, openapi_spec_validator, schemathesis, cryptography, http_ece, py_vapid" >/dev/null 2>&1; then
    rm -rf "$sdk_venv"
    if ! python3 -m venv "$sdk_venv" >/dev/null 2>&1; then
        as_root apt-get install -y python3-venv
        python3 -m venv "$sdk_venv"
    fi
    "$sdk_venv/bin/pip" install --quiet --disable-pip-version-check "${sdk_packages[@]}"
fi
export CAIRN_TEST_PYTHON="$PWD/$sdk_venv/bin/python"
# openssl makes the throwaway CA the SMTP tests trust.
if ! command -v openssl >/dev/null 2>&1; then
    as_root apt-get install -y -qq openssl >/dev/null
fi
# Headless Chromium (Debian's), for the test of a page on another origin sending events.
if ! command -v chromium >/dev/null 2>&1; then
    as_root apt-get update -qq
    as_root apt-get install -y -qq chromium >/dev/null
fi
export CAIRN_TEST_CHROMIUM="$(command -v chromium)"
# poppler-utils' pdftotext reads the letters Chromium makes PDFs of.
if ! command -v pdftotext >/dev/null 2>&1; then
    as_root apt-get update -qq
    as_root apt-get install -y -qq poppler-utils >/dev/null
fi

# A throwaway PostgreSQL cluster on a free port, run by a non-root user, removed on exit.
echo "==> PostgreSQL cluster"
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pg_bin" ]; then
    as_root apt-get install -y postgresql
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
pg_user=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
    pg_user=postgres
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
fi
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u "$pg_user" -- "$@"; else "$@"; fi; }
pg_dir=$(mktemp -d /tmp/cairn-test-pg.XXXXXX)
chmod 755 "$pg_dir"
if [ "$(id -u)" -eq 0 ]; then chown "$pg_user" "$pg_dir"; fi
pg_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The tests run in a session (so a process group) of their own, with a temporary folder of their
# own: whatever they leave running, passed, failed or crashed (a `cairn serve` node, a Python peer,
# a static file server, a PostgreSQL server of one test's own), ends with this script.
test_tmp=$(mktemp -d /tmp/cairn-test-run.XXXXXX)
chmod 755 "$test_tmp"
test_group_file="$test_tmp.group"
end_test_group() {
    if [ -s "$test_group_file" ]; then kill -KILL -- "-$(cat "$test_group_file")" 2>/dev/null || true; fi
}
cleanup() {
    end_test_group
    # pg_ctl starts its server in a session of its own: stop those of the tests by their folders.
    for pid_file in "$test_tmp"/*/data/postmaster.pid; do
        if [ -e "$pid_file" ]; then
            as_pg "$pg_bin/pg_ctl" -D "$(dirname "$pid_file")" -m immediate stop >/dev/null 2>&1 || true
        fi
    done
    rm -rf "$test_tmp" "$test_group_file"
    as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
    if [ -n "${log:-}" ]; then rm -f "$log"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U cairn -A trust --no-sync >"$pg_dir/initdb.log"
as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
    -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=400" start >/dev/null
export CAIRN_TEST_POSTGRES="postgres://cairn@127.0.0.1:$pg_port/postgres?sslmode=disable"
# For tests that start and stop a server of their own (a database outage).
export CAIRN_TEST_PG_BIN="$pg_bin"
if [ "$(id -u)" -eq 0 ]; then export CAIRN_TEST_PG_USER="$pg_user"; fi
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on port $pg_port"

echo "==> swift format lint"
swift format lint --strict --recursive Sources Tests Package.swift

echo "==> swift build --build-tests"
swift build --build-tests

echo "==> swift test"
log=$(mktemp)
exec 3> >(tee "$log")
tee_pid=$!
set +e
# setsid starts a new session without forking (its caller is no group leader here), so the
# shell's pid is the group's id. Waited for in the background, so that Ctrl-C ends it at once.
# shellcheck disable=SC2016
TMPDIR="$test_tmp" setsid bash -c 'echo $$ >"$0"; exec swift test --skip-build' "$test_group_file" >&3 2>&1 &
wait $!
status=$?
set -e
# What the tests left running goes now (and with it any hold on the log's pipe).
end_test_group
exec 3>&-
wait "$tee_pid"
if [ "$status" -ne 0 ]; then exit "$status"; fi
count=$(grep -oE 'Test run with [0-9]+ tests' "$log" | grep -oE '[0-9]+' | tail -n 1)

# The OpenAPI document, validated and checked against a live server by schemathesis.
echo "==> OpenAPI: openapi-spec-validator and schemathesis"
scripts/check-openapi.sh "$(swift build --show-bin-path)/cairn"

# Every benchmark script still runs: a smoke pass of seconds against the debug build, on SQLite
# and on the throwaway PostgreSQL (its figures mean nothing; scripts/bench.sh is for figures).
echo "==> benchmarks: smoke pass"
bench_log="$pg_dir/bench-smoke.log"
# bench-sends.sh (run last by bench.sh) fails by itself when a phase prints no figure or a message
# is missing or doubled at the sink; its PostgreSQL phase uses this cluster.
bench_smoke() {
    BENCH_BINARY="$(swift build --show-bin-path)/cairn" BENCH_SECONDS=1 BENCH_TARGET_EVENTS=2000 \
        BENCH_BACKLOG_EVENTS=2000 BENCH_SENDS=200 BENCH_SENDS_LARGE=400 BENCH_FAIR_BACKLOG=400 \
        BENCH_PG_SENDS=200 BENCH_TEMPLATE_TAGS="100 1000" BENCH_JOURNEY_CUSTOMERS=200 \
        BENCH_JOURNEY_WAITING=1000 BENCH_DATABASE="postgres://cairn@127.0.0.1:$pg_port/postgres" \
        scripts/bench.sh "$@" >"$bench_log" 2>&1 || {
        echo "scripts/bench.sh $* no longer runs:" >&2
        tail -n 40 "$bench_log" >&2
        exit 1
    }
}
bench_smoke
if ! grep -q '^cairn templates benchmark' "$bench_log"; then
    echo "scripts/bench.sh no longer runs the templates benchmark:" >&2
    tail -n 40 "$bench_log" >&2
    exit 1
fi
if ! grep -q '^cairn journeys benchmark' "$bench_log"; then
    echo "scripts/bench.sh no longer runs the journeys benchmark:" >&2
    tail -n 40 "$bench_log" >&2
    exit 1
fi
if ! grep -q '^cairn sends benchmark' "$bench_log"; then
    echo "scripts/bench.sh no longer runs the sends benchmark:" >&2
    tail -n 40 "$bench_log" >&2
    exit 1
fi
bench_smoke --database "postgres://cairn@127.0.0.1:$pg_port/postgres"

echo "${count:-0} passed, 0 failed"
