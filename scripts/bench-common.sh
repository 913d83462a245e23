# What the bench scripts share (sourced, not run): the cairn binary, a free port, and one
# `cairn serve` on it. A script that sources this sets WORK (a folder for logs) before it
# starts a server, and PORT (from free_port).

# bench_binary: sets BIN to BENCH_BINARY when given, else to a release build made now.
bench_binary() {
    if [ -n "${BENCH_BINARY:-}" ]; then
        BIN=$BENCH_BINARY
    else
        echo "==> release build" >&2
        swift build -c release --product cairn >&2
        BIN="$(swift build -c release --show-bin-path)/cairn"
    fi
}

# free_port: prints a free TCP port of 127.0.0.1.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_server DATABASE [FLAGS…]: cairn serve on PORT, its log appended to WORK/serve.log;
# returns once /health answers and sets SERVER_PID.
SERVER_PID=""
start_server() {
    local database=$1
    shift
    "$BIN" serve --port "$PORT" --database "$database" --log-level warning "$@" >>"$WORK/serve.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
        curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "cairn serve did not start:" >&2
    cat "$WORK/serve.log" >&2
    exit 1
}

# stop_server: SIGTERM to the server start_server started, and waits for it to end.
stop_server() {
    kill "$SERVER_PID"
    wait "$SERVER_PID" || true
    SERVER_PID=""
}

# field NAME LINE: the number after NAME= in LINE.
field() { sed -n "s/.*\b$1=\([0-9.]*\).*/\1/p" <<<"$2"; }

# start_postgres: a throwaway PostgreSQL cluster under WORK/pg on a free port (initdb and pg_ctl of
# the installed PostgreSQL, installed with apt when missing; run as the `postgres` user when this
# runs as root), and sets PG_URL to its `postgres` database. stop_postgres ends it.
PG_BIN=""
PG_DIR=""
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
start_postgres() {
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -z "$PG_BIN" ]; then
        echo "==> installing postgresql" >&2
        apt-get update -qq >/dev/null && apt-get install -y -qq postgresql >/dev/null
        PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    fi
    if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then useradd --system --no-create-home postgres; fi
    PG_DIR="$WORK/pg"
    mkdir -p "$PG_DIR"
    chmod 755 "$WORK"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$PG_DIR"; fi
    local port
    port=$(free_port)
    as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U cairn -A trust --no-sync >"$PG_DIR/initdb.log"
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
        -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
    PG_URL="postgres://cairn@127.0.0.1:$port/postgres?sslmode=disable"
}
stop_postgres() {
    if [ -n "$PG_DIR" ]; then as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true; fi
    PG_DIR=""
}
