#!/usr/bin/env bash
# Runs every test: native unit tests (core + collector, the collector on SQLite and on a
# throwaway PostgreSQL), schemathesis fuzzing of the collector's API, component tests in headless
# Chromium (wasm-bindgen-test), then end-to-end tests of the built widget against the real
# collector.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

say "native tests: cargo test --workspace (the collector's run on SQLite and PostgreSQL)"
collector/scripts/with-postgres.sh cargo test --workspace --quiet

say "API fuzzing of the collector with schemathesis against its OpenAPI document"
collector/scripts/fuzz-api.sh

say "component tests in headless Chromium: cargo test --target wasm32-unknown-unknown"
export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}"
export WASM_BINDGEN_TEST_TIMEOUT=120
cargo test --target wasm32-unknown-unknown -p survey-widget --test '*'

say "building the release widget (trunk) and the collector"
build_widget
cargo build -p survey-collector --quiet

say "size check: the widget as served against its ceiling"
node scripts/size-check.mjs

say "end-to-end tests in headless Chromium against the real collector"
node --test --test-concurrency=1 e2e/
