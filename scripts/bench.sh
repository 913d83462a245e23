#!/usr/bin/env bash
# Ingest and processor benchmark: a release build of cairn on temporary SQLite files, driven by
# wrk with 32 connections on 127.0.0.1. Prints, from one run: bare /health req/s, durable
# single-event track req/s with p50/p99, the lag from acknowledgement to `processed` under that
# load, 100-event batch events/s, the server's peak RSS after at least a million stored events,
# and the processor's throughput on a backlog of 200,000 mixed identify/track/page events.
#
#   scripts/bench.sh                 # 10 s per phase
#   BENCH_SECONDS=30 scripts/bench.sh
#   scripts/bench.sh --database postgres://user@host:port/db   # PostgreSQL beside SQLite, 2 nodes beside 1
#   scripts/bench.sh --sends         # only the sends benchmark (scripts/bench-sends.sh), which also runs last
#   scripts/bench.sh --templates     # only the templates benchmark (scripts/bench-templates.sh), run before it
#   scripts/bench.sh --journeys      # only the journeys benchmark (scripts/bench-journeys.sh), run before the sends
#   BENCH_BINARY=/path/to/cairn scripts/bench.sh               # a cairn built elsewhere (another commit)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--database" ]; then
    exec scripts/bench-postgres.sh "${2:?--database needs a postgres:// URL}"
fi

if [ "${1:-}" = "--sends" ]; then
    exec scripts/bench-sends.sh "${@:2}"
fi

if [ "${1:-}" = "--templates" ]; then
    exec scripts/bench-templates.sh "${@:2}"
fi

if [ "${1:-}" = "--journeys" ]; then
    exec scripts/bench-journeys.sh "${@:2}"
fi

SECONDS_PER_PHASE=${BENCH_SECONDS:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
TARGET_EVENTS=${BENCH_TARGET_EVENTS:-1000000}
BACKLOG_EVENTS=${BENCH_BACKLOG_EVENTS:-200000}

if ! command -v wrk >/dev/null 2>&1; then
    echo "==> installing wrk" >&2
    apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null
fi

# shellcheck source=scripts/bench-common.sh
source scripts/bench-common.sh
bench_binary

WORK=$(mktemp -d)
DB="sqlite:$WORK/bench.sqlite"
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

export CAIRN_TOKEN
CAIRN_TOKEN=$("$BIN" tokens create --client bench --account bench --brand B \
    --rate 1000000 --burst 1000000 --database "$DB" | tail -n 1)

PORT=$(free_port)
stats() { python3 Benchmarks/sqlite_stats.py "$@"; }
wait_processed() { stats "$1" wait; }
URL="http://127.0.0.1:$PORT"
TRACK_URL="$URL/track/bench/bench/B/v1"

# run_wrk SCRIPT URL SECONDS -> the RESULT line
run_wrk() {
    local script=$1 url=$2 seconds=$3 combined="$WORK/run.lua"
    if [ -n "$script" ]; then cat "$script" Benchmarks/wrk/report.lua >"$combined"; else cp Benchmarks/wrk/report.lua "$combined"; fi
    wrk -t2 -c"$CONNECTIONS" -d"${seconds}s" --latency -s "$combined" "$url" | grep '^RESULT'
}

# Ingest alone: the processor off, so these figures are the request path's own.
start_server "$DB" --no-processor
echo "==> /health for ${SECONDS_PER_PHASE}s" >&2
health=$(run_wrk "" "$URL/health" "$SECONDS_PER_PHASE")
echo "==> track for ${SECONDS_PER_PHASE}s" >&2
track=$(run_wrk Benchmarks/wrk/track.lua "$TRACK_URL/track" "$SECONDS_PER_PHASE")
echo "==> batch (100 events) for ${SECONDS_PER_PHASE}s" >&2
batch=$(run_wrk Benchmarks/wrk/batch.lua "$TRACK_URL/batch" "$SECONDS_PER_PHASE")
echo "==> Segment batch (100 messages, new messageIds) for ${SECONDS_PER_PHASE}s" >&2
CAIRN_BASIC=$(printf '%s:' "$CAIRN_TOKEN" | base64 -w0)
export CAIRN_BASIC
segment=$(run_wrk Benchmarks/wrk/segment_batch.lua "$URL/v1/batch" "$SECONDS_PER_PHASE")

stored=$(( $(field requests "$track") + 100 * $(field requests "$batch") + 100 * $(field requests "$segment") ))
while [ "$stored" -lt "$TARGET_EVENTS" ]; do
    echo "==> more batches until $TARGET_EVENTS events are stored ($stored so far)" >&2
    more=$(run_wrk Benchmarks/wrk/batch.lua "$TRACK_URL/batch" 5)
    stored=$(( stored + 100 * $(field requests "$more") ))
done
rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
db_bytes=$(du -cb "$WORK"/bench.sqlite* | tail -n 1 | cut -f1)
stop_server

echo "==> track for ${SECONDS_PER_PHASE}s with the processor on (lag from acknowledgement to processed)" >&2
LAG_DB="$WORK/lag.sqlite"
CAIRN_TOKEN=$("$BIN" tokens create --client bench --account bench --brand B \
    --rate 1000000 --burst 1000000 --database "sqlite:$LAG_DB" | tail -n 1)
start_server "sqlite:$LAG_DB"
track_live=$(run_wrk Benchmarks/wrk/track.lua "$TRACK_URL/track" "$SECONDS_PER_PHASE")
wait_processed "$LAG_DB"
lag=$(stats "$LAG_DB" lag 0 "$(stats "$LAG_DB" max-seq)")
stop_server

echo "==> processor: a backlog of $BACKLOG_EVENTS mixed events, taken in with the processor off" >&2
BACKLOG_DB="$WORK/backlog.sqlite"
CAIRN_TOKEN=$("$BIN" tokens create --client bench --account bench --brand B \
    --rate 1000000 --burst 1000000 --database "sqlite:$BACKLOG_DB" | tail -n 1)
start_server "sqlite:$BACKLOG_DB" --no-processor
while [ "$(stats "$BACKLOG_DB" count)" -lt "$BACKLOG_EVENTS" ]; do
    run_wrk Benchmarks/wrk/mixed.lua "$TRACK_URL/batch" 2 >/dev/null
done
stop_server
backlog=$(stats "$BACKLOG_DB" pending)
echo "==> processor: applying $backlog events" >&2
started=$(date +%s.%N)
start_server "sqlite:$BACKLOG_DB"
wait_processed "$BACKLOG_DB"
finished=$(date +%s.%N)
stop_server
processor_rate=$(awk -v n="$backlog" -v a="$started" -v b="$finished" 'BEGIN { printf "%.0f", n / (b - a) }')

health_rps=$(field rps "$health")
track_rps=$(field rps "$track")
batch_events=$(awk -v r="$(field rps "$batch")" 'BEGIN { printf "%.0f", r * 100 }')
segment_events=$(awk -v r="$(field rps "$segment")" 'BEGIN { printf "%.0f", r * 100 }')
ratio=$(awk -v t="$track_rps" -v h="$health_rps" 'BEGIN { printf "%.2f", t / h }')

echo
echo "cairn benchmark ($(nproc) cores, $CONNECTIONS connections, ${SECONDS_PER_PHASE}s per phase, SQLite synchronous=FULL)"
echo " ingest, processor off:"
printf '  %-34s %12s\n' "GET /health req/s" "$health_rps"
printf '  %-34s %12s   (%s x /health; target >= 0.5)\n' "track req/s (1 event, durable)" "$track_rps" "$ratio"
printf '  %-34s %12s ms (target <= 15)\n' "track p50 / p99 latency" "$(field p50_ms "$track") / $(field p99_ms "$track")"
printf '  %-34s %12s   (target >= 50000)\n' "batch events/s (100 per request)" "$batch_events"
printf '  %-34s %12s ms\n' "batch p50 / p99 latency" "$(field p50_ms "$batch") / $(field p99_ms "$batch")"
printf '  %-34s %12s\n' "Segment batch events/s (100/req)" "$segment_events"
printf '  %-34s %12s ms\n' "Segment batch p50 / p99 latency" "$(field p50_ms "$segment") / $(field p99_ms "$segment")"
printf '  %-34s %12s MB (target <= 150, after %s events)\n' "server peak RSS" "$((rss_kb / 1024))" "$stored"
printf '  %-34s %12s MB\n' "database size" "$((db_bytes / 1024 / 1024))"
echo " with the processor on:"
printf '  %-34s %12s\n' "track req/s (1 event, durable)" "$(field rps "$track_live")"
printf '  %-34s %12s ms\n' "track p50 / p99 latency" "$(field p50_ms "$track_live") / $(field p99_ms "$track_live")"
printf '  %-34s %12s ms (target p99 <= 1000)\n' "ack -> processed lag p50 / p99" "$(field p50 "$lag") / $(field p99 "$lag")"
printf '  %-34s %12s   (target >= 20000; %s events from a cold start)\n' "processor events/s (backlog)" "$processor_rate" "$backlog"
printf '  %-34s %12s\n' "non-2xx or socket errors" \
    "$(( $(field errors "$health") + $(field errors "$track") + $(field errors "$batch") + $(field errors "$segment") + $(field errors "$track_live") ))"

BENCH_BINARY="$BIN" scripts/bench-templates.sh
echo
BENCH_BINARY="$BIN" scripts/bench-journeys.sh
echo
BENCH_BINARY="$BIN" scripts/bench-sends.sh
