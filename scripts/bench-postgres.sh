#!/usr/bin/env bash
# Ingest and processor figures on PostgreSQL beside SQLite's, from one run, and with two nodes
# beside one: `scripts/bench.sh --database postgres://user@host:port/db` runs this. The URL
# names a server and a database this script may use to create (and drop) databases of its own;
# without it (scripts/bench-postgres.sh alone) it starts a throwaway cluster of its own.
#
# For each of SQLite, PostgreSQL with one node and PostgreSQL with two nodes:
#   - ingest with the processor off: single-event track req/s and 100-event batch events/s
#     (wrk, 32 connections; with two nodes, 16 on each at once), p99 latency;
#   - the processor on the backlog that ingest left: events/s until none is waiting.
set -euo pipefail
cd "$(dirname "$0")/.."

ADMIN_URL=${1:-}  # none: a throwaway cluster of this script's own (start_postgres)
SECONDS_PER_PHASE=${BENCH_SECONDS:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-32}

for tool in wrk psql curl; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "==> installing $tool" >&2
        apt-get update -qq >/dev/null && apt-get install -y -qq "$([ "$tool" = psql ] && echo postgresql-client || echo "$tool")" >/dev/null
    fi
done

# shellcheck source=scripts/bench-common.sh
source scripts/bench-common.sh
bench_binary

WORK=$(mktemp -d)
PIDS=()
DATABASES=()
psql_url() { sed 's/[?].*//' <<<"$1"; }
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    for name in "${DATABASES[@]}"; do psql -q "$(psql_url "$ADMIN_URL")" -c "DROP DATABASE IF EXISTS $name" >/dev/null 2>&1 || true; done
    stop_postgres
    rm -rf "$WORK"
}
trap cleanup EXIT
if [ -z "$ADMIN_URL" ]; then
    echo "==> a throwaway PostgreSQL cluster" >&2
    start_postgres
    ADMIN_URL=$PG_URL
fi

# new_database KIND -> sets DATABASE to a database URL of its own
new_database() {
    if [ "$1" = sqlite ]; then
        DATABASE="sqlite:$WORK/bench-$RANDOM.sqlite"
        return
    fi
    local name="cairn_bench_$RANDOM$RANDOM"
    psql -q "$(psql_url "$ADMIN_URL")" -c "CREATE DATABASE $name" >/dev/null
    DATABASES+=("$name")
    local base query=""
    base=$(psql_url "$ADMIN_URL")
    [[ "$ADMIN_URL" == *\?* ]] && query="?${ADMIN_URL#*\?}"
    DATABASE="${base%/*}/$name$query"
}

# sql DATABASE QUERY -> the single value of the answer
sql() {
    if [[ "$1" == sqlite:* ]]; then
        python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' \
            "${1#sqlite:}" "$2"
    else
        psql -qAt "$(psql_url "$1")" -c "$2"
    fi
}

# start_nodes DATABASE COUNT [FLAGS…] -> sets PORTS and PIDS
start_nodes() {
    local database=$1 count=$2
    shift 2
    PORTS=()
    PIDS=()
    for _ in $(seq 1 "$count"); do
        local port
        port=$(free_port)
        "$BIN" serve --port "$port" --database "$database" --log-level warning "$@" >>"$WORK/serve.log" 2>&1 &
        PIDS+=($!)
        PORTS+=("$port")
        for _ in $(seq 1 100); do
            curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
            sleep 0.1
        done
    done
}
stop_nodes() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    PIDS=()
}

# load SCRIPT PATH -> "rps p99_ms" summed over the nodes (wrk on each at once)
load() {
    local script=$1 path=$2 per_node=$((CONNECTIONS / ${#PORTS[@]})) outputs=() loads=()
    cat "$script" Benchmarks/wrk/report.lua >"$WORK/run.lua"
    for port in "${PORTS[@]}"; do
        local out="$WORK/wrk-$port.txt"
        wrk -t1 -c"$per_node" -d"${SECONDS_PER_PHASE}s" --latency -s "$WORK/run.lua" \
            "http://127.0.0.1:$port/track/bench/bench/B/v1/$path" >"$out" 2>&1 &
        loads+=($!)
        outputs+=("$out")
    done
    # Wait for these wrk processes themselves (a process search can run before they start).
    wait "${loads[@]}"
    cat "${outputs[@]}" | grep '^RESULT' | awk '{
        for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        rps += v["rps"]; if (v["p99_ms"] > p99) p99 = v["p99_ms"]; errors += v["errors"]
    } END { printf "%.0f %.1f %d\n", rps, p99, errors }'
}

# run_backend KIND NODES -> one result line
run_backend() {
    local kind=$1 nodes=$2 database token
    new_database "$kind"
    database=$DATABASE
    token=$("$BIN" tokens create --client bench --account bench --brand B --rate 1000000 --burst 1000000 \
        --database "$database" | tail -n 1)
    export CAIRN_TOKEN=$token
    echo "==> $kind, $nodes node(s): ingest with the processor off" >&2
    start_nodes "$database" "$nodes" --no-processor
    local track batch
    track=$(load Benchmarks/wrk/track.lua track)
    batch=$(load Benchmarks/wrk/batch.lua batch)
    stop_nodes
    local backlog started finished
    backlog=$(sql "$database" "SELECT count(*) FROM events WHERE status = 'accepted'")
    echo "==> $kind, $nodes node(s): processing a backlog of $backlog events" >&2
    started=$(date +%s.%N)
    start_nodes "$database" "$nodes"
    while [ "$(sql "$database" "SELECT count(*) FROM events WHERE status = 'accepted'")" -gt 0 ]; do sleep 0.2; done
    finished=$(date +%s.%N)
    stop_nodes
    local processor
    processor=$(awk -v n="$backlog" -v a="$started" -v b="$finished" 'BEGIN { printf "%.0f", n / (b - a) }')
    read -r track_rps track_p99 track_errors <<<"$track"
    read -r batch_rps batch_p99 batch_errors <<<"$batch"
    printf '  %-22s %12s %10s %16s %10s %16s %8s\n' "$kind x$nodes" "$track_rps" "$track_p99" \
        "$((batch_rps * 100))" "$batch_p99" "$processor" "$((track_errors + batch_errors))"
}

header=$(printf '  %-22s %12s %10s %16s %10s %16s %8s' "backend" "track req/s" "p99 ms" "batch events/s" \
    "p99 ms" "processor ev/s" "errors")
run_backend sqlite 1 >>"$WORK/rows"
run_backend postgres 1 >>"$WORK/rows"
run_backend postgres 2 >>"$WORK/rows"
echo
echo "cairn on SQLite and PostgreSQL ($(nproc) cores, $CONNECTIONS connections, ${SECONDS_PER_PHASE}s per phase; wrk, nodes and database on one machine)"
echo "$header"
cat "$WORK/rows"
