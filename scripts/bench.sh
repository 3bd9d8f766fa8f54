#!/usr/bin/env bash
# Benchmarks (numbers, never pass/fail on timings): the widget's transfer size next to the
# PostHog and Formbricks survey renderers, its load time, long tasks, layout shift and memory in
# headless Chromium, then a load run of the collector on SQLite and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

say "building the release widget and the collector"
build_widget
cargo build -p survey-collector --quiet

PEERS=target/bench-peers
fetch_peer() { # npm package, version, folder
  if [ ! -d "$PEERS/$3/package" ]; then
    say "fetching $1@$2 from npm"
    mkdir -p "$PEERS/$3"
    (cd "$PEERS/$3" && npm pack --silent "$1@$2" >/dev/null && tar -xzf ./*.tgz)
  fi
}
fetch_peer posthog-js 1.449.2 posthog-js
fetch_peer @formbricks/surveys 1.99.0 formbricks-surveys

PEERS_DIR="$PWD/$PEERS" node bench/widget.mjs
collector/scripts/bench.sh --postgres
