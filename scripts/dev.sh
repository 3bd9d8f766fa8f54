#!/usr/bin/env bash
# The main job: builds the widget, starts the reference collector with its embedded SQLite
# database, and serves the demo page where the survey pops up. Ctrl-C stops it.
#
# The local demo database gets a demo admin for the console (created once, on the first run;
# its password is kept beside the database in survey-collector.dev-admin, which git ignores).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

ADDR="${COLLECTOR_LISTEN:-127.0.0.1:8787}"
DB="$(pwd)/survey-collector.db"
ADMIN_FILE="$(pwd)/survey-collector.dev-admin"
say "building the release widget into dist/"
build_widget
say "building the collector"
cargo build --release -p survey-collector --quiet

if [ ! -s "$ADMIN_FILE" ]; then
  printf 'admin@localhost %s\n' "$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')" > "$ADMIN_FILE"
  chmod 600 "$ADMIN_FILE"
fi
read -r ADMIN_EMAIL ADMIN_PASSWORD < "$ADMIN_FILE"
export COLLECTOR_ADMIN_EMAIL="$ADMIN_EMAIL" COLLECTOR_ADMIN_PASSWORD="$ADMIN_PASSWORD"

say "demo page:   http://$ADDR/"
say "console:     http://$ADDR/admin   (reports: http://$ADDR/report/nps-main)"
say "console sign-in: $ADMIN_EMAIL / $ADMIN_PASSWORD   (the demo database's admin only)"
say "database:    $DB"
exec target/release/survey-collector --listen "$ADDR" --static-dir dist \
  --database-url "sqlite://$DB?mode=rwc"
