#!/usr/bin/env bash
# Runs CMD with a throwaway PostgreSQL server: installs Debian's `postgresql` if missing (as
# root), creates a cluster in a temporary directory, starts it on 127.0.0.1 on a free port,
# exports TEST_DATABASE_URL_PG (and DATABASE_URL_PG) for CMD, and stops and deletes the cluster
# when CMD ends. The exit status is CMD's.
#
#   collector/scripts/with-postgres.sh cargo test -p survey-collector
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[ $# -gt 0 ] || { echo "usage: $0 CMD [ARGS...]" >&2; exit 2; }

pg_bin() { find /usr/lib/postgresql/*/bin -maxdepth 1 -name "$1" 2>/dev/null | sort -V | tail -n 1; }
if [ -z "$(pg_bin initdb)" ]; then
    say "installing PostgreSQL (Debian package postgresql)"
    need_debian_packages postgresql
fi
INITDB="$(pg_bin initdb)"
PG_CTL="$(pg_bin pg_ctl)"

# PostgreSQL refuses to run as root: then the cluster belongs to the `postgres` user.
if [ "$(id -u)" -eq 0 ]; then as_owner() { runuser -u postgres -- "$@"; }; else as_owner() { "$@"; }; fi

free_port() {
    local port
    for _ in $(seq 200); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
    done
    echo "no free port found" >&2; exit 1
}

DIR="$(mktemp -d "${TMPDIR:-/tmp}/survey-pg.XXXXXX")"
[ "$(id -u)" -eq 0 ] && chown postgres: "$DIR"
cleanup() {
    as_owner "$PG_CTL" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$DIR"
}
trap cleanup EXIT

PORT="$(free_port)"
as_owner "$INITDB" -D "$DIR/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 ||
    { cat "$DIR/initdb.log" >&2; exit 1; }
as_owner "$PG_CTL" -D "$DIR/data" -l "$DIR/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c max_connections=200" start >/dev/null ||
    { cat "$DIR/server.log" >&2; exit 1; }

export TEST_DATABASE_URL_PG="postgres://postgres@127.0.0.1:$PORT/postgres"
export DATABASE_URL_PG="$TEST_DATABASE_URL_PG"
say "PostgreSQL on $TEST_DATABASE_URL_PG"
set +e
"$@"
status=$?
set -e
exit "$status"
