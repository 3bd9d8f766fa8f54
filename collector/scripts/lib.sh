# Shared by the collector's scripts (sourced): paths, building, and starting a collector.

COLLECTOR_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "$COLLECTOR_DIR/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"

say() { printf '\n== %s\n' "$*" >&2; }

# Installs Debian packages ($@) when running as root, or explains what to install.
need_debian_packages() {
    if [ "$(id -u)" -eq 0 ]; then
        apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$@" >&2 ||
            { apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 &&
              apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$@" >&2; }
    else
        echo "missing: please install the Debian packages: $*" >&2
        exit 1
    fi
}

# Starts `survey-collector` (PROFILE: debug or release) with the extra arguments, logs to
# $COLLECTOR_LOG, waits until it listens and sets COLLECTOR_URL and COLLECTOR_PID.
start_collector() {
    local profile="$1"; shift
    local binary="$TARGET/$profile/survey-collector"
    local out
    out="$(mktemp)"
    "$binary" --listen 127.0.0.1:0 --static-dir "$COLLECTOR_DIR/tests/static" "$@" \
        >"$out" 2>"${COLLECTOR_LOG:-/dev/null}" &
    COLLECTOR_PID=$!
    for _ in $(seq 100); do
        COLLECTOR_URL="$(sed -n 's/^survey-collector listening on //p' "$out")"
        [ -n "$COLLECTOR_URL" ] && { rm -f "$out"; return; }
        kill -0 "$COLLECTOR_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "the collector did not start; its log: ${COLLECTOR_LOG:-(none)}" >&2
    exit 1
}

# Stops the collector started by start_collector (SIGTERM: graceful).
stop_collector() {
    if [ -n "${COLLECTOR_PID:-}" ]; then
        kill -TERM "$COLLECTOR_PID" 2>/dev/null || true
        wait "$COLLECTOR_PID" 2>/dev/null || true
        COLLECTOR_PID=
    fi
}
