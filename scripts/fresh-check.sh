#!/usr/bin/env bash
# Proves a cold start, as a newcomer's machine would see it: clones HEAD into a temporary
# directory and runs the README's two commands there with an empty cargo registry (a new
# CARGO_HOME) and an empty target dir:
#   1. scripts/test.sh, every test;
#   2. scripts/dev.sh, the main job: the demo page's survey answered in headless Chromium and
#      the answer found in the report (scripts/demo-check.mjs).
# Installed binaries (rustup toolchains, trunk and wasm-bindgen-cli in ~/.cargo/bin, Debian
# packages) are reused, so it takes about 20 minutes instead of 40. Prints the time each took.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/survey-fresh.XXXXXX")"
say() { printf '\033[1;35m[fresh-check]\033[0m %s\n' "$*"; }

git clone --quiet "$ROOT" "$WORK/repo"
say "clone of $(git -C "$ROOT" rev-parse --short HEAD) in $WORK/repo, CARGO_HOME=$WORK/cargo-home (empty)"
export CARGO_HOME="$WORK/cargo-home"
unset CARGO_TARGET_DIR
mkdir -p "$CARGO_HOME"
cd "$WORK/repo"

start=$(date +%s)
scripts/test.sh
tests_took=$(( $(date +%s) - start ))
say "scripts/test.sh passed in ${tests_took}s"

start=$(date +%s)
port=$(( 20000 + RANDOM % 20000 ))
COLLECTOR_LISTEN="127.0.0.1:$port" scripts/dev.sh > "$WORK/dev.log" 2>&1 &
dev=$!
trap 'kill $dev 2>/dev/null || true; pkill -f "survey-collector --listen 127.0.0.1:$port" || true' EXIT
for _ in $(seq 1 600); do
  grep -q "listening on" "$WORK/dev.log" && break
  kill -0 $dev 2>/dev/null || { cat "$WORK/dev.log"; say "scripts/dev.sh exited early"; exit 1; }
  sleep 1
done
grep -q "listening on" "$WORK/dev.log" || { cat "$WORK/dev.log"; say "scripts/dev.sh never started"; exit 1; }
node scripts/demo-check.mjs "http://127.0.0.1:$port" "$WORK/dev.log"
say "scripts/dev.sh served the demo, the survey was answered and reported, in $(( $(date +%s) - start ))s"
say "fresh check passed: test.sh ${tests_took}s; workspace $WORK (delete it when done)"
