#!/usr/bin/env bash
# Journeys benchmark (issue 24's targets), on SQLite:
#   steps     BENCH_JOURNEY_CUSTOMERS (100,000) customers start a journey (a node with
#             --no-journeys takes the events in and processes them), then a node with the engine
#             steps them all: a wait that falls due at once (PT0S), a split on a trait, a send
#             (queued: --no-outbox), the exit. Steps fired per second, from the first step
#             recorded to the last. Target: >= 10,000/s.
#   memory    BENCH_JOURNEY_WAITING (1,000,000) more instances waiting a day (written straight
#             into the file: the engine claims only what is due, so waiting customers are rows,
#             not memory) and the engine's node left running BENCH_SECONDS (20): its peak RSS.
#             Target: <= 150 MB.
# The script fails when a phase prints no figure or an instance does not end; speed it only
# reports.
#
#   scripts/bench-journeys.sh                 (also run by scripts/bench.sh)
#   BENCH_JOURNEY_CUSTOMERS=20000 BENCH_JOURNEY_WAITING=100000 scripts/bench-journeys.sh
#   BENCH_BINARY=/path/to/cairn scripts/bench-journeys.sh
set -euo pipefail
cd "$(dirname "$0")/.."

CUSTOMERS=${BENCH_JOURNEY_CUSTOMERS:-100000}
WAITING=${BENCH_JOURNEY_WAITING:-1000000}
SECONDS_IDLE=${BENCH_SECONDS:-20}
JOURNEY=6046429d73096e3b2dca973d

# shellcheck source=scripts/bench-common.sh
source scripts/bench-common.sh
bench_binary
WORK=$(mktemp -d)
trap 'if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi; rm -rf "$WORK"' EXIT
DB="$WORK/journeys.sqlite"
journeys() { python3 Benchmarks/journeys.py "$@"; }
need() { if [ -z "$3" ]; then echo "bench-journeys: the $1 phase printed no $2" >&2; exit 1; fi; }

TOKEN=$("$BIN" tokens create --client bench --account bench --rate 1000000 --burst 1000000 --database "sqlite:$DB" | tail -n 1)
ADMIN=$("$BIN" admin-tokens create --database "sqlite:$DB" | tail -n 1)
PORT=$(free_port)
start_server "sqlite:$DB" --no-outbox --no-journeys
BRAND="http://127.0.0.1:$PORT/admin/v1/brands/bench/bench/B"
curl -fsS -X PUT "$BRAND/assets/note" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
    -d '{"channel":"email","purpose":"transactional","content":{"from":"Bench <bench@example.com>",
         "subject":"A note for {{customer.userId}}","text":"Hello {{customer.userId}}, step {{n}}."}}' >/dev/null
curl -fsS -X POST "$BRAND/assets/note/publish" -H "Authorization: Bearer $ADMIN" >/dev/null
curl -fsS -X PUT "$BRAND/journeys/$JOURNEY" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' -d '{
  "name": "Bench", "reentry": "always", "steps": [
    {"id": "9d2f0c1e-0000-4000-8000-000000000001", "type": "wait", "duration": "PT0S", "next": "9d2f0c1e-0000-4000-8000-000000000002"},
    {"id": "9d2f0c1e-0000-4000-8000-000000000002", "type": "split", "condition": {"trait": "tier", "equals": "gold"},
     "yes": "9d2f0c1e-0000-4000-8000-000000000003", "no": "9d2f0c1e-0000-4000-8000-000000000004"},
    {"id": "9d2f0c1e-0000-4000-8000-000000000003", "type": "send", "assetId": "note", "next": "9d2f0c1e-0000-4000-8000-000000000004"},
    {"id": "9d2f0c1e-0000-4000-8000-000000000004", "type": "exit"}]}' >/dev/null
curl -fsS -X POST "$BRAND/journeys/$JOURNEY/publish" -H "Authorization: Bearer $ADMIN" >/dev/null

echo "==> enrolling $CUSTOMERS customers" >&2
journeys enrol "http://127.0.0.1:$PORT/track/bench/bench/B/v1" "$TOKEN" "$JOURNEY" "$CUSTOMERS"
python3 Benchmarks/outbox_stats.py "sqlite:$DB" processed
stop_server

echo "==> stepping them" >&2
start_server "sqlite:$DB" --no-outbox --no-processor
STEPS=$(journeys drained "$DB" "$CUSTOMERS")
RATE=$(field steps_per_s "$STEPS")
need steps "steps per second" "$RATE"
stop_server

echo "==> $WAITING customers waiting" >&2
journeys waiting "$DB" "$JOURNEY" "$WAITING" >/dev/null
start_server "sqlite:$DB" --no-outbox --no-processor
sleep "$SECONDS_IDLE"
RSS=$(awk '/VmHWM/ {printf "%d", $2 / 1024}' "/proc/$SERVER_PID/status")
need memory "peak RSS" "$RSS"
stop_server

echo
echo "cairn journeys benchmark ($(nproc) cores, SQLite)"
printf '  %-40s %s  (%s)\n' "journey steps fired/s" "$RATE" "target >= 10000; $STEPS"
printf '  %-40s %s MB  (target <= 150)\n' "peak RSS, $WAITING waiting" "$RSS"
