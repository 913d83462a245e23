#!/usr/bin/env bash
# Templates benchmark (issue 22, items 1 and 6): a release build of cairn on a temporary SQLite
# file; Benchmarks/templates.py saves and previews SMS assets of BENCH_TEMPLATE_TAGS merge tags
# (default 1000 16000 50000 150000) through the admin API and prints the milliseconds of each with
# ms per 1,000 tags (linear compilation keeps that column flat), then checks that sections nested
# 100 deep are taken and 3,000 deep refused (400 template_error) with the server still up. Fails
# when an answer is not the one expected or the server died; speed it only reports.
#
#   scripts/bench-templates.sh          (also run by scripts/bench.sh, before the sends benchmark)
#   BENCH_BINARY=/path/to/cairn BENCH_TEMPLATE_TAGS="1000 16000" scripts/bench-templates.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/bench-common.sh
source scripts/bench-common.sh
bench_binary

WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

DB="sqlite:$WORK/templates.sqlite"
ADMIN=$("$BIN" admin-tokens create --name bench-templates --database "$DB" | tail -n 1)
PORT=$(free_port)
start_server "$DB" --no-outbox
read -r -a tags <<<"${BENCH_TEMPLATE_TAGS:-1000 16000 50000 150000}"
echo
echo "cairn templates benchmark ($(nproc) cores): save and preview of an SMS asset over the admin API"
python3 Benchmarks/templates.py "http://127.0.0.1:$PORT/admin/v1/brands/bench/bench/T" "$ADMIN" "${tags[@]}"
if ! curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null; then
    echo "bench-templates: the server did not survive:" >&2
    tail -n 40 "$WORK/serve.log" >&2
    exit 1
fi
