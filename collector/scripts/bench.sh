#!/usr/bin/env bash
# Load runs against a release collector on loopback (a benchmark, not a test), with wrk, 2
# threads, 32 connections, 10 s each: POST /v1/events (one new event per request), then
# GET /v1/config.json with one published survey, fresh (200) and revalidated (If-None-Match:
# 304). Prints requests/s and latency side by side. Then, as one survey's events grow to 10k,
# 100k and 1M (`survey-collector generate events`), the report's time (median of 5), the CSV
# export's time and the collector's peak memory.
#
#   collector/scripts/bench.sh              # SQLite (a temporary file)
#   collector/scripts/bench.sh --postgres   # SQLite, then PostgreSQL (via with-postgres.sh)
#
# DURATION, THREADS and CONNECTIONS override the load's shape; SCALE the event counts.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

POSTGRES=false
for arg in "$@"; do
    case "$arg" in
        --postgres) POSTGRES=true ;;
        *) echo "usage: $0 [--postgres]" >&2; exit 2 ;;
    esac
done
if $POSTGRES && [ -z "${TEST_DATABASE_URL_PG:-}" ]; then
    exec "$COLLECTOR_DIR/scripts/with-postgres.sh" "$0" "$@"
fi
command -v wrk >/dev/null || need_debian_packages wrk

DURATION="${DURATION:-10s}" THREADS="${THREADS:-2}" CONNECTIONS="${CONNECTIONS:-32}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/survey-bench.XXXXXX")"
trap 'stop_collector; rm -rf "$WORK"' EXIT

say "building the release collector"
(cd "$ROOT" && cargo build --quiet --release -p survey-collector)

ROWS=()
# Runs wrk with the extra arguments ($3...) and records a row labelled "$1" / "$2".
measure() {
    local label="$1" what="$2"; shift 2
    local result
    result="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$COLLECTOR_DIR/scripts/bench-events.lua" "$@" \
        | grep '^RESULT')"
    read -r _ requests seconds p50 p99 non_2xx socket_errors <<<"$result"
    ROWS+=("$(awk -v db="$label" -v what="$what" -v n="$requests" -v s="$seconds" -v p50="$p50" -v p99="$p99" -v bad="$non_2xx" -v sock="$socket_errors" \
        'BEGIN { printf "| %-10s | %-28s | %10.0f | %8.2f | %8.2f | %7d | %13d |", db, what, n / s, p50 / 1000, p99 / 1000, bad, sock }')")
}

# Runs every load against a collector on DATABASE_URL ($2), labelled $1.
load() {
    local token
    token="$("$TARGET/release/survey-collector" token create bench --role admin --database-url "$2" 2>/dev/null)"
    COLLECTOR_LOG="$WORK/$1.log" start_collector release --database-url "$2" --events-per-minute 0 \
        --known-surveys-only never
    say "$1: wrk -t$THREADS -c$CONNECTIONS -d$DURATION POST $COLLECTOR_URL/v1/events"
    measure "$1" "POST /v1/events" "$COLLECTOR_URL/v1/events"
    local auth="Authorization: Bearer $token"
    curl -sf -X PUT -H "$auth" --data '{"kind":"nps","trigger":{"delay_seconds":5}}' "$COLLECTOR_URL/v1/surveys/bench" >/dev/null
    curl -sf -X POST -H "$auth" "$COLLECTOR_URL/v1/surveys/bench/publish" >/dev/null
    local etag
    etag="$(curl -sfI "$COLLECTOR_URL/v1/config.json" | tr -d '\r' | sed -n 's/^etag: //Ip')"
    say "$1: GET $COLLECTOR_URL/v1/config.json (200, then 304 with If-None-Match: $etag)"
    BENCH_MODE=get measure "$1" "GET /v1/config.json (200)" "$COLLECTOR_URL/v1/config.json"
    BENCH_MODE=get measure "$1" "GET /v1/config.json (304)" -H "If-None-Match: $etag" "$COLLECTOR_URL/v1/config.json"
    stop_collector
}

# The median of $1 runs of curl (the other arguments), in milliseconds.
median_ms() {
    local runs="$1"; shift
    for _ in $(seq "$runs"); do curl -sf -o /dev/null -w '%{time_total}\n' "$@"; done |
        sort -n | awk '{ t[NR] = $1 } END { printf "%.1f", t[int((NR + 1) / 2)] * 1000 }'
}

SCALE_ROWS=()
# Report and CSV export of survey "scale" as its events grow, on DATABASE_URL ($2), labelled $1.
scale() {
    local label="$1" url="$2" have=0 token
    token="$("$TARGET/release/survey-collector" token create scale --role admin --database-url "$url" 2>/dev/null)"
    local auth="Authorization: Bearer $token"
    for target in ${SCALE:-10000 100000 1000000}; do
        say "$label: survey \"scale\" grows to $target events"
        RUST_LOG=error "$TARGET/release/survey-collector" generate events --survey scale \
            --count $((target - have)) --database-url "$url" >/dev/null
        have="$target"
        COLLECTOR_LOG="$WORK/$label-scale.log" start_collector release --database-url "$url"
        curl -sf -o /dev/null -H "$auth" "$COLLECTOR_URL/v1/surveys/scale/report"
        local report csv peak
        report="$(median_ms 5 -H "$auth" "$COLLECTOR_URL/v1/surveys/scale/report")"
        csv="$(median_ms 1 -H "$auth" "$COLLECTOR_URL/v1/surveys/scale/responses.csv")"
        peak="$(awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$COLLECTOR_PID/status")"
        SCALE_ROWS+=("$(printf '| %-10s | %9d | %9s | %13s | %14s |' "$label" "$target" "$report" "$csv" "$peak")")
        stop_collector
    done
}

load sqlite "sqlite://$WORK/bench.db?mode=rwc"
scale sqlite "sqlite://$WORK/scale.db?mode=rwc"
if $POSTGRES; then
    load postgresql "$TEST_DATABASE_URL_PG"
    scale postgresql "$TEST_DATABASE_URL_PG"
fi

printf '\nwrk -t%s -c%s -d%s, %s cores\n' "$THREADS" "$CONNECTIONS" "$DURATION" "$(nproc)"
echo "| database   | request                      | requests/s |   p50 ms |   p99 ms | non-2xx | socket errors |"
echo "|------------|------------------------------|------------|----------|----------|---------|---------------|"
printf '%s\n' "${ROWS[@]}"

printf '\nOne survey as its events grow (report: GET /v1/surveys/scale/report, median of 5; CSV: its responses.csv)\n'
echo "| database   |    events | report ms | CSV export ms | peak memory MB |"
echo "|------------|-----------|-----------|---------------|----------------|"
printf '%s\n' "${SCALE_ROWS[@]}"
