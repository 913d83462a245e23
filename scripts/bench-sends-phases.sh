# The phases of scripts/bench-sends.sh (sourced, not run): each runs its nodes and sinks, then
# appends its figures to WORK/report. They use the helpers and settings of bench-sends.sh.

report() { printf "  %-40s %s\n" "$1" "$2" >>"$WORK/report"; }

# once_check DATABASE SINCE_MS SINK…: sets ONCE to the exactly-once line of the messages sent since
# SINCE_MS, and FAILED when one is missing or doubled.
once_check() {
    ONCE=$(once "$@")
    if [[ "$ONCE" != *" ok" ]]; then FAILED=1; fi
}
once() {
    local database=$1 since=$2
    shift 2
    stats "$database" ids "$since" | sort >"$WORK/expected.ids"
    sink_ids "$@" | sort >"$WORK/received.ids"
    python3 Benchmarks/exactly_once.py "$WORK/expected.ids" "$WORK/received.ids"
}

# drain_sqlite N: one node on SQLite drains N queued messages; sets RATES, RSS, WATCH and ONCE.
drain_sqlite() {
    local n=$1 database="sqlite:$WORK/drain-$1.sqlite"
    prepare "$database" A
    queue "$database" A "$n"
    echo "==> drain: one node sends $n queued messages" >&2
    start_sink "drain-$n"
    start_node "$database" "$SINK_PORT"
    WATCH=$(stats "$database" drain "$n")
    RSS=$(peak_rss_mb "$NODE_PID")
    stop_nodes
    stop_sinks
    RATES=$(stats "$database" rates)
    once_check "$database" 0 "drain-$n"
    need drain "rate of $n" "$(field rate "$RATES")"
    need drain "peak RSS" "$RSS"
    rm -f "${database#sqlite:}"* "$SINK_DIR/drain-$n.dump"
}

phase_drain() {
    local small_rate large_rate
    echo "drain, one node, SQLite (target >= 3000/s; rate($LARGE) >= 0.9 x rate($SMALL); RSS <= 100 MB):" >>"$WORK/report"
    local n size
    for size in small large; do
        if [ "$size" = small ]; then n=$SMALL; else n=$LARGE; fi
        drain_sqlite "$n"
        report "messages sent/s, $n queued" "$(field rate "$RATES")  (first fifth $(field first_fifth "$RATES"), last fifth $(field last_fifth "$RATES"); $(field sent "$RATES") sent in $(field seconds "$RATES") s, $(field not_sent "$RATES") not)"
        report "peak RSS draining $n" "$RSS MB"
        report "most of one brand sending at once" "$(field max_sending "$WATCH")  (cap $CAP)"
        report "at the sink" "$ONCE"
        if [ "$size" = small ]; then small_rate=$(field rate "$RATES"); else large_rate=$(field rate "$RATES"); fi
    done
    report "rate($LARGE) / rate($SMALL)" "$(awk -v a="$large_rate" -v b="$small_rate" 'BEGIN { printf "%.2f", a / b }')  (target >= 0.90)"
}

phase_fairness() {
    local database="sqlite:$WORK/fair.sqlite" paced since left latency watch
    prepare "$database" A B
    queue "$database" A "$FAIR_BACKLOG"
    start_node "$database" 1 --no-outbox
    sends identify "$(track_url B)" "$TOKEN" 1000
    stats "$database" processed
    stop_nodes
    echo "==> fairness: brand A drains $FAIR_BACKLOG, brand B sends ${FAIR_RATE}/s for ${SECONDS_PER_PHASE}s" >&2
    start_sink fair
    start_node "$database" "$SINK_PORT"
    paced=$(sends pace "$(track_url B)" "$TOKEN" 1000 "$FAIR_RATE" "$SECONDS_PER_PHASE")
    left=$(stats "$database" queued A)
    watch=$(stats "$database" drain "$(field sent "$paced")" B)
    stop_nodes
    stop_sinks
    since=$(field since_ms "$paced")
    latency=$(stats "$database" latency B "$since")
    need fairness "p99" "$(field p99 "$latency")"
    need fairness "count of A's messages left" "$left"
    echo "fairness, SQLite: brand A draining $FAIR_BACKLOG while brand B sends ${FAIR_RATE}/s for ${SECONDS_PER_PHASE} s:" >>"$WORK/report"
    report "B command -> sent p50 / p99" "$(field p50 "$latency") / $(field p99 "$latency") ms  (target p99 <= 1000; $(field n "$latency") of $(field sent "$paced") commands at $(field rate "$paced")/s)"
    report "B command -> sent max" "$(field max "$latency") ms$([ "$(field unsent "$latency")" = 0 ] || echo "  ($(field unsent "$latency") not sent after ${BENCH_FAIR_WAIT:-120} s: counted as sent then, so a lower bound)")"
    report "A still queued when B's last came" "$left of $FAIR_BACKLOG$([ "$left" -gt 0 ] || echo '  (the backlog ran out: not a fair test)')"
    report "most of one brand sending at once" "$(field max_sending "$watch")  (cap $CAP)"
    rm -f "$WORK"/fair.sqlite* "$SINK_DIR/fair.dump"
}

# new_database: sets DATABASE to a new database on ADMIN_URL's server (dropped at exit).
new_database() {
    local name="cairn_bench_sends_$RANDOM$RANDOM" base query=""
    psql -X -q "${ADMIN_URL%%\?*}" -c "CREATE DATABASE $name" >/dev/null
    DATABASES+=("$name")
    base=${ADMIN_URL%%\?*}
    [[ "$ADMIN_URL" == *\?* ]] && query="?${ADMIN_URL#*\?}"
    DATABASE="${base%/*}/$name$query"
}

phase_postgres() {
    local one two since one_watch two_watch n1 n2 seconds
    if ! command -v psql >/dev/null 2>&1; then
        echo "==> installing psql" >&2
        apt-get update -qq >/dev/null && apt-get install -y -qq postgresql-client >/dev/null
    fi
    if [ -z "$ADMIN_URL" ]; then
        echo "==> a throwaway PostgreSQL cluster" >&2
        start_postgres
        ADMIN_URL=$PG_URL
    fi
    new_database
    # Spread over PG_BRANDS brands: one brand's lane has at most its cap in flight across all nodes,
    # so only several lanes leave a second node anything to do.
    local brands=() brand per=$((PG_SENDS / PG_BRANDS))
    for brand in $(seq 1 "$PG_BRANDS"); do brands+=("P$brand"); done
    prepare "$DATABASE" "${brands[@]}"
    for brand in "${brands[@]}"; do queue "$DATABASE" "$brand" "$per"; done
    echo "==> postgres: one node sends $PG_SENDS" >&2
    start_sink pg-one
    start_node "$DATABASE" "$SINK_PORT"
    one_watch=$(stats "$DATABASE" drain "$((per * PG_BRANDS))")
    stop_nodes
    stop_sinks
    one=$(stats "$DATABASE" rates)
    once_check "$DATABASE" 0 pg-one
    local one_once=$ONCE
    since=$(now_ms)
    for brand in "${brands[@]}"; do queue "$DATABASE" "$brand" "$per" "$per"; done
    echo "==> postgres: two nodes send $PG_SENDS" >&2
    start_sink pg-two-1
    local port1=$SINK_PORT
    start_sink pg-two-2
    # Both launched before either is waited for, so that they start sending together.
    launch_node "$DATABASE" "$port1"
    local node1=$NODE_PORT
    launch_node "$DATABASE" "$SINK_PORT"
    wait_healthy "$node1"
    wait_healthy "$NODE_PORT"
    two_watch=$(stats "$DATABASE" drain "$((2 * per * PG_BRANDS))")
    stop_nodes
    stop_sinks
    two=$(stats "$DATABASE" rates "$since")
    once_check "$DATABASE" "$since" pg-two-1 pg-two-2
    n1=$(sink_ids pg-two-1 | wc -l)
    n2=$(sink_ids pg-two-2 | wc -l)
    seconds=$(field seconds "$two")
    need postgres "one node's rate" "$(field rate "$one")"
    need postgres "two nodes' rate" "$(field rate "$two")"
    echo "two nodes, PostgreSQL, $((per * PG_BRANDS)) queued over $PG_BRANDS brands for each run (target: two faster than one, exactly once, cap $CAP):" >>"$WORK/report"
    report "one node sent/s" "$(field rate "$one")  (first fifth $(field first_fifth "$one"), last fifth $(field last_fifth "$one"))"
    report "two nodes sent/s, together" "$(field rate "$two")  ($(awk -v a="$(field rate "$two")" -v b="$(field rate "$one")" 'BEGIN { printf "%.2f", a / b }') x one node)"
    report "node 1 / node 2 sent/s" "$(awk -v n="$n1" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }') / $(awk -v n="$n2" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }')  ($n1 / $n2 messages in $seconds s)"
    report "most of one brand sending at once" "one node $(field max_sending "$one_watch"), two nodes $(field max_sending "$two_watch")  (cap $CAP; sampled every 100 ms)"
    report "at the sink, one node" "$one_once"
    report "at the sinks, two nodes" "$ONCE"
}
