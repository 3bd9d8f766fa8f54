#!/usr/bin/env bash
# Load run of POST /v1/events against a release collector on loopback (a benchmark, not a test):
# wrk, 2 threads, 32 connections, 10 s, one new event per request. Prints events/s and latency.
#
#   collector/scripts/bench.sh              # SQLite (a temporary file)
#   collector/scripts/bench.sh --postgres   # SQLite, then PostgreSQL (via with-postgres.sh)
#
# DURATION, THREADS and CONNECTIONS override the load's shape.
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
# Runs the load against a collector on DATABASE_URL ($2) and records a row labelled $1.
load() {
    COLLECTOR_LOG="$WORK/$1.log" start_collector release --database-url "$2"
    say "$1: wrk -t$THREADS -c$CONNECTIONS -d$DURATION POST $COLLECTOR_URL/v1/events"
    local result
    result="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$COLLECTOR_DIR/scripts/bench-events.lua" \
        "$COLLECTOR_URL/v1/events" | grep '^RESULT')"
    stop_collector
    read -r _ requests seconds p50 p99 non_2xx socket_errors <<<"$result"
    ROWS+=("$(awk -v db="$1" -v n="$requests" -v s="$seconds" -v p50="$p50" -v p99="$p99" -v bad="$non_2xx" -v sock="$socket_errors" \
        'BEGIN { printf "| %-10s | %9.0f | %8.2f | %8.2f | %7d | %13d |", db, n / s, p50 / 1000, p99 / 1000, bad, sock }')")
}

load sqlite "sqlite://$WORK/bench.db?mode=rwc"
if $POSTGRES; then
    load postgresql "$TEST_DATABASE_URL_PG"
fi

printf '\nPOST /v1/events, wrk -t%s -c%s -d%s, %s\n' "$THREADS" "$CONNECTIONS" "$DURATION" "$(nproc) cores"
echo "| database   |  events/s |   p50 ms |   p99 ms | non-2xx | socket errors |"
echo "|------------|-----------|----------|----------|---------|---------------|"
printf '%s\n' "${ROWS[@]}"
