#!/usr/bin/env bash
# Sends benchmark (issue 21's targets): cairn sending email to an SMTP sink on 127.0.0.1 that is
# not the bottleneck (postfix's C smtp-sink, extracted from Debian's package under .build/postfix,
# nothing installed; BENCH_SINK=aiosmtpd for the Python sink of Tests/Peers). Phases:
#   drain     one node on SQLite drains an outbox that a node with --no-outbox queued, once with
#             BENCH_SENDS (20,000) and once with BENCH_SENDS_LARGE (200,000) messages: sent/s
#             overall, over the first and the last fifth of the sends, rate(large)/rate(small),
#             the node's peak RSS, and every message at the sink exactly once.
#             Targets: >= 3,000/s; rate(200k) >= 0.9 x rate(20k); peak RSS <= 100 MB.
#   fairness  brand A drains a backlog of BENCH_FAIR_BACKLOG (200,000) while brand B's send_email
#             arrive at BENCH_FAIR_RATE (20) a second for BENCH_SECONDS (20): B's command -> sent
#             p50/p99. Target: p99 <= 1 s.
#   postgres  BENCH_PG_SENDS (20,000) queued on PostgreSQL over BENCH_PG_BRANDS (4) brands (one
#             brand's cap bounds it across nodes), drained by one node, then as many again
#             by two nodes at once (each its own sink): each node's rate and the two together
#             against one alone, every message at the sinks exactly once, and the most messages
#             of one brand `sending` at once (sampled from the database every 100 ms) against the
#             cap of 16. Targets: two faster than one; exactly once; never above the cap.
# The script fails when a phase fails, prints no figure, or a message is missing or doubled at
# the sink; speed it only reports.
#
#   scripts/bench-sends.sh                       (also run last by scripts/bench.sh; scripts/bench.sh --sends runs it alone)
#   scripts/bench-sends.sh --database postgres://user@host:port/db   (a server to create databases on;
#                                                without one, a throwaway cluster of its own)
#   BENCH_PHASES="drain fairness" BENCH_SENDS_LARGE=100000 scripts/bench-sends.sh
#   BENCH_BINARY=/path/to/cairn scripts/bench-sends.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SMALL=${BENCH_SENDS:-20000}
LARGE=${BENCH_SENDS_LARGE:-200000}
FAIR_BACKLOG=${BENCH_FAIR_BACKLOG:-$LARGE}
FAIR_RATE=${BENCH_FAIR_RATE:-20}
PG_SENDS=${BENCH_PG_SENDS:-$SMALL}
PG_BRANDS=${BENCH_PG_BRANDS:-4}
SECONDS_PER_PHASE=${BENCH_SECONDS:-20}
CONNECTIONS=${BENCH_SMTP_CONNECTIONS:-16}
SINK=${BENCH_SINK:-smtp-sink}
PHASES=${BENCH_PHASES:-drain fairness postgres}
ADMIN_URL=${BENCH_DATABASE:-}
if [ "${1:-}" = "--database" ]; then ADMIN_URL=${2:?--database needs a postgres:// URL}; fi
CAP=16

# shellcheck source=scripts/bench-common.sh
source scripts/bench-common.sh
# shellcheck source=scripts/bench-sinks.sh
source scripts/bench-sinks.sh
bench_binary
prepare_sink

WORK=$(mktemp -d)
# The sinks' dumps go to memory where it can (/dev/shm): 200,000 messages written to disk make
# the kernel throttle the sink's writes, and the sink, not Cairn, sets the pace (measured: 2,620/s
# falling from 3,594 to 2,145 over the run with the dump on disk, 3,936/s flat with it in memory).
SINK_DIR=$(mktemp -d /dev/shm/cairn-bench-sinks.XXXXXX 2>/dev/null || echo "$WORK/sinks")
NODE_PIDS=()
SINK_PIDS=()
DATABASES=()
FAILED=0
cleanup() {
    for pid in "${NODE_PIDS[@]}" "${SINK_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    for name in "${DATABASES[@]}"; do psql -X -q "${ADMIN_URL%%\?*}" -c "DROP DATABASE IF EXISTS $name" >/dev/null 2>&1 || true; done
    stop_postgres
    rm -rf "$WORK" "$SINK_DIR"
}
trap cleanup EXIT

stats() { python3 Benchmarks/outbox_stats.py "$@"; }
sends() { python3 Benchmarks/sends.py "$@"; }
now_ms() { date +%s%3N; }
# need PHASE NAME VALUE: stops the benchmark when a phase produced no figure.
need() { if [ -z "$3" ]; then echo "bench-sends: the $1 phase printed no $2" >&2; exit 1; fi; }

# launch_node DATABASE SMTP_PORT [FLAGS…]: a cairn serve on a port of its own (NODE_PORT, NODE_PID),
# sending to the sink on SMTP_PORT. start_node also waits until /health answers.
launch_node() {
    local database=$1 smtp_port=$2
    shift 2
    NODE_PORT=$(free_port)
    CAIRN_SMTP_URL="smtp://127.0.0.1:$smtp_port?starttls=never&max_connections=$CONNECTIONS" \
        "$BIN" serve --port "$NODE_PORT" --database "$database" --log-level warning "$@" >>"$WORK/serve.log" 2>&1 &
    NODE_PID=$!
    NODE_PIDS+=("$NODE_PID")
}
start_node() {
    launch_node "$@"
    wait_healthy "$NODE_PORT"
}
wait_healthy() {
    for _ in $(seq 1 200); do
        curl -fsS "http://127.0.0.1:$1/health" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "cairn serve did not start:" >&2
    tail -n 30 "$WORK/serve.log" >&2
    exit 1
}
# stop_nodes: SIGTERM to every node, and waits for them to end.
stop_nodes() {
    for pid in "${NODE_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${NODE_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    NODE_PIDS=()
}
peak_rss_mb() { awk '/VmHWM/ {printf "%d", $2 / 1024}' "/proc/$1/status"; }

# prepare DATABASE BRAND…: sets TOKEN (an API token of the whole account `bench`) and publishes
# the transactional email asset `note` in each brand.
prepare() {
    local database=$1 admin brand url
    shift
    TOKEN=$("$BIN" tokens create --client bench --account bench \
        --rate 1000000 --burst 1000000 --database "$database" | tail -n 1)
    admin=$("$BIN" admin-tokens create --database "$database" | tail -n 1)
    start_node "$database" 1 --no-outbox --no-processor
    for brand in "$@"; do
        url="http://127.0.0.1:$NODE_PORT/admin/v1/brands/bench/bench/$brand/assets/note"
        curl -fsS -X PUT "$url" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
            -d '{"channel":"email","purpose":"transactional","content":{"from":"Bench <bench@example.com>",
                 "subject":"A note for {{customer.userId}}","text":"Hello {{customer.userId}}, this is note {{n}}.",
                 "html":"<p>Hello <b>{{customer.userId}}</b></p>"}}' >/dev/null
        curl -fsS -X POST "$url/publish" -H "Authorization: Bearer $admin" >/dev/null
    done
    stop_nodes
}
track_url() { echo "http://127.0.0.1:$NODE_PORT/track/bench/bench/$1/v1"; }

# queue DATABASE BRAND N [FIRST]: N send_email to new customers, taken in and processed by a node
# with --no-outbox, so that they wait in the outbox.
queue() {
    local database=$1 brand=$2 count=$3 first=${4:-0} started
    echo "==> queueing $count messages of brand $brand" >&2
    started=$(now_ms)
    start_node "$database" 1 --no-outbox
    sends queue "$(track_url "$brand")" "$TOKEN" "$count" "$first"
    stats "$database" processed
    stop_nodes
    echo "    queued in $(( ($(now_ms) - started) / 1000 )) s" >&2
}

# shellcheck source=scripts/bench-sends-phases.sh
source scripts/bench-sends-phases.sh

for phase in $PHASES; do
    case $phase in
        drain) phase_drain ;;
        fairness) phase_fairness ;;
        postgres) phase_postgres ;;
        *) echo "unknown phase $phase (drain, fairness, postgres)" >&2; exit 2 ;;
    esac
done

echo
echo "cairn sends benchmark ($(nproc) cores, sink $SINK on loopback, $CONNECTIONS SMTP connections a node)"
cat "$WORK/report"
if [ "$FAILED" -ne 0 ]; then
    echo "bench-sends: messages were missing or sent twice at the sink (above)" >&2
    exit 1
fi
