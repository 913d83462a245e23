# The SMTP sinks of scripts/bench-sends.sh (sourced, not run), chosen by SINK:
#   smtp-sink  postfix's C test server (Debian's `postfix` package, downloaded with apt-get download
#              and unpacked with dpkg-deb -x under .build/postfix: nothing is installed or started
#              system-wide), appending every message to one dump file (-D);
#   aiosmtpd   the Python sink of the tests (Tests/Peers/smtp_sink.py, aiosmtpd from PyPI under
#              .build/bench-python), keeping every message as a file (slower; for comparison).
# The caller sets WORK, SINK_DIR (where dumps go) and SINK_PIDS=() before start_sink.

POSTFIX=.build/postfix
BENCH_VENV=.build/bench-python

# prepare_sink: fetches what SINK needs, once.
prepare_sink() {
    case $SINK in
        smtp-sink)
            if [ ! -x "$POSTFIX/root/usr/sbin/smtp-sink" ]; then
                echo "==> postfix's smtp-sink (apt-get download postfix, dpkg-deb -x into $POSTFIX)" >&2
                mkdir -p "$POSTFIX"
                rm -f "$POSTFIX"/postfix_*.deb
                (cd "$POSTFIX" && { apt-get download postfix >/dev/null 2>&1 ||
                    { apt-get update -qq >/dev/null && apt-get download postfix >/dev/null 2>&1; }; })
                dpkg-deb -x "$POSTFIX"/postfix_*.deb "$POSTFIX/root"
            fi
            ;;
        aiosmtpd)
            if ! "$BENCH_VENV/bin/python" -c "import aiosmtpd" >/dev/null 2>&1; then
                echo "==> aiosmtpd" >&2
                rm -rf "$BENCH_VENV"
                python3 -m venv "$BENCH_VENV"
                "$BENCH_VENV/bin/pip" install --quiet --disable-pip-version-check aiosmtpd==1.4.6
            fi
            ;;
        *) echo "BENCH_SINK is smtp-sink or aiosmtpd, not $SINK" >&2; exit 2 ;;
    esac
}

# start_sink NAME: a sink on a free port of 127.0.0.1 (SINK_PORT) keeping what it receives as NAME.
start_sink() {
    local name=$1
    case $SINK in
        smtp-sink)
            SINK_PORT=$(free_port)
            # As root it must drop to another user (-u), who must be able to write the dump.
            local user=()
            mkdir -p "$SINK_DIR"
            if [ "$(id -u)" -eq 0 ]; then
                user=(-u nobody)
                chmod 755 "$WORK" "$SINK_DIR"
                chown nobody "$SINK_DIR"
            fi
            # -m: up to 1,024 connections at once; -D: every message appended to one file.
            LD_LIBRARY_PATH="$POSTFIX/root/usr/lib/postfix" "$POSTFIX/root/usr/sbin/smtp-sink" "${user[@]}" \
                -4 -m 1024 -D "$SINK_DIR/$name.dump" "127.0.0.1:$SINK_PORT" 1024 >"$WORK/$name.log" 2>&1 &
            SINK_PIDS+=($!)
            for _ in $(seq 1 100); do
                (exec 3<>"/dev/tcp/127.0.0.1/$SINK_PORT") 2>/dev/null && return 0
                sleep 0.1
            done
            ;;
        aiosmtpd)
            "$BENCH_VENV/bin/python" Tests/Peers/smtp_sink.py --port 0 --spool "$WORK/$name.spool" \
                >"$WORK/$name.log" 2>&1 &
            SINK_PIDS+=($!)
            for _ in $(seq 1 100); do
                SINK_PORT=$(sed -n 's/^ready \([0-9]*\)/\1/p' "$WORK/$name.log")
                [ -n "$SINK_PORT" ] && return 0
                sleep 0.1
            done
            ;;
    esac
    echo "the SMTP sink $SINK did not start:" >&2
    cat "$WORK/$name.log" >&2
    exit 1
}

# stop_sinks: ends every sink started (after which their dumps are complete).
stop_sinks() {
    for pid in "${SINK_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${SINK_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    SINK_PIDS=()
}

# sink_ids NAME…: the Message-ID of every message the sinks NAME… received (its part before the @,
# which is Cairn's message id), one a line, as often as received.
sink_ids() {
    local name
    for name in "$@"; do
        case $SINK in
            smtp-sink) cat "$SINK_DIR/$name.dump" 2>/dev/null || true ;;
            aiosmtpd) find "$WORK/$name.spool" -name '*.eml' -exec cat {} + 2>/dev/null || true ;;
        esac
    done | sed -n 's/^message-id: *<\([^@>]*\)@.*/\1/Ip'
}
