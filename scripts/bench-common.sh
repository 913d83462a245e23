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
