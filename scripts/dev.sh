#!/usr/bin/env bash
# The main job: builds the widget, starts the reference collector with its embedded SQLite
# database, and serves the demo page where the survey pops up. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

ADDR="${COLLECTOR_LISTEN:-127.0.0.1:8787}"
say "building the release widget into dist/"
build_widget
say "building the collector"
cargo build --release -p survey-collector --quiet
say "demo page:   http://$ADDR/"
say "report:      http://$ADDR/report/nps-main   (JSON: http://$ADDR/v1/surveys/nps-main/report)"
say "database:    $(pwd)/survey-collector.db"
exec target/release/survey-collector --listen "$ADDR" --static-dir dist \
  --database-url "sqlite://$(pwd)/survey-collector.db?mode=rwc"
