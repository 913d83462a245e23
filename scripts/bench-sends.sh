#!/usr/bin/env bash
# Sends benchmark: a release build of cairn on temporary SQLite files, sending email to an SMTP
# sink on 127.0.0.1 (aiosmtpd, keeping nothing). Prints, from one run:
#   - messages sent per second by one node, draining an outbox of BENCH_SENDS messages that a
#     node with --no-outbox queued (target >= 1,000/s, sessions reused);
#   - command-to-sent latency p50/p99 at a steady 100 send_email commands per second for
#     BENCH_SECONDS, the processor and the outbox both on (target p99 <= 1 s).
#
#   scripts/bench-sends.sh            (also run by scripts/bench.sh; scripts/bench.sh --sends runs it alone)
#   BENCH_SENDS=50000 BENCH_SECONDS=30 scripts/bench-sends.sh
#   BENCH_BINARY=/path/to/cairn scripts/bench-sends.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SENDS=${BENCH_SENDS:-20000}
SECONDS_PER_PHASE=${BENCH_SECONDS:-10}
RATE=${BENCH_SEND_RATE:-100}
CONNECTIONS=${BENCH_SMTP_CONNECTIONS:-16}

# shellcheck source=scripts/bench-common.sh
source scripts/bench-common.sh
bench_binary

# aiosmtpd from PyPI, in a virtual environment of the benchmark's own.
VENV=.build/bench-python
if ! "$VENV/bin/python" -c "import aiosmtpd" >/dev/null 2>&1; then
    echo "==> aiosmtpd" >&2
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check aiosmtpd==1.4.6
fi

WORK=$(mktemp -d)
SINK_PID=""
cleanup() {
    for pid in "$SERVER_PID" "$SINK_PID"; do
        if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

"$VENV/bin/python" Tests/Peers/smtp_sink.py --port 0 --spool "$WORK/spool" --discard >"$WORK/sink.log" 2>&1 &
SINK_PID=$!
for _ in $(seq 1 100); do grep -q '^ready ' "$WORK/sink.log" && break; sleep 0.1; done
SMTP_PORT=$(sed -n 's/^ready \([0-9]*\)/\1/p' "$WORK/sink.log")
[ -n "$SMTP_PORT" ] || { echo "the SMTP sink did not start:" >&2; cat "$WORK/sink.log" >&2; exit 1; }
export CAIRN_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT?starttls=never&max_connections=$CONNECTIONS"

PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
TRACK_URL="$URL/track/bench/bench/B/v1"
# prepare DATABASE: sets TOKEN to a new API token, and publishes the transactional email asset
# `note` (in this shell, so that a failure stops the script and the EXIT trap stops the server).
prepare() {
    local database=$1 admin
    TOKEN=$("$BIN" tokens create --client bench --account bench --brand B \
        --rate 1000000 --burst 1000000 --database "$database" | tail -n 1)
    admin=$("$BIN" admin-tokens create --database "$database" | tail -n 1)
    start_server "$database" --no-outbox --no-processor
    curl -fsS -X PUT "$URL/admin/v1/brands/bench/bench/B/assets/note" -H "Authorization: Bearer $admin" \
        -H 'Content-Type: application/json' \
        -d '{"channel":"email","purpose":"transactional","content":{"from":"Bench <bench@example.com>",
             "subject":"A note for {{customer.userId}}","text":"Hello {{customer.userId}}, this is note {{n}}.",
             "html":"<p>Hello <b>{{customer.userId}}</b></p>"}}' >/dev/null
    curl -fsS -X POST "$URL/admin/v1/brands/bench/bench/B/assets/note/publish" \
        -H "Authorization: Bearer $admin" >/dev/null
    stop_server
}
sends() { "$VENV/bin/python" Benchmarks/sends.py "$@"; }

echo "==> throughput: $SENDS messages queued by a node with --no-outbox" >&2
DRAIN_DB="$WORK/drain.sqlite"
prepare "sqlite:$DRAIN_DB"
start_server "sqlite:$DRAIN_DB" --no-outbox
sends queue "$TRACK_URL" "$TOKEN" "$SENDS"
python3 Benchmarks/sqlite_stats.py "$DRAIN_DB" wait
stop_server
echo "==> throughput: one node sends them" >&2
start_server "sqlite:$DRAIN_DB"
sends wait "$DRAIN_DB" "$SENDS"
rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
stop_server
throughput=$(sends throughput "$DRAIN_DB")

echo "==> latency: send_email at ${RATE}/s for ${SECONDS_PER_PHASE}s, processor and outbox on" >&2
LIVE_DB="$WORK/live.sqlite"
prepare "sqlite:$LIVE_DB"
start_server "sqlite:$LIVE_DB"
sends identify "$TRACK_URL" "$TOKEN" 1000
python3 Benchmarks/sqlite_stats.py "$LIVE_DB" wait
paced=$(sends pace "$TRACK_URL" "$TOKEN" 1000 "$RATE" "$SECONDS_PER_PHASE")
sends wait "$LIVE_DB" "$(field sent "$paced")"
stop_server
latency=$(sends latency "$LIVE_DB")

echo
echo "cairn sends benchmark ($(nproc) cores, SQLite, SMTP sink on loopback, $CONNECTIONS SMTP connections)"
printf '  %-36s %10s   (target >= 1000; %s sent, %s not, in %s s)\n' "messages sent/s, one node" \
    "$(field rate "$throughput")" "$(field sent "$throughput")" "$(field not_sent "$throughput")" \
    "$(field seconds "$throughput")"
printf '  %-36s %10s MB\n' "server peak RSS while sending" "$((rss_kb / 1024))"
printf '  %-36s %10s ms (target p99 <= 1000; %s commands at %s/s)\n' "command -> sent p50 / p99" \
    "$(field p50 "$latency") / $(field p99 "$latency")" "$(field n "$latency")" "$(field rate "$paced")"
printf '  %-36s %10s ms\n' "command -> sent max" "$(field max "$latency")"
