#!/usr/bin/env bash
# Property-based fuzzing of the collector's API with schemathesis (PyPI), driven by the OpenAPI
# document the collector serves at /openapi.json. Fails on any server error or any response that
# does not match the document. Extra arguments go to `schemathesis run`.
#
#   collector/scripts/fuzz-api.sh                     # 50 examples per operation
#   MAX_EXAMPLES=500 collector/scripts/fuzz-api.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SCHEMATHESIS_VERSION=4.32.5
VENV="$TARGET/schemathesis-venv"
if [ "$("$VENV/bin/st" --version 2>/dev/null)" != "st, version $SCHEMATHESIS_VERSION" ]; then
    say "installing schemathesis into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

say "building the collector"
(cd "$ROOT" && cargo build --quiet -p survey-collector)

export COLLECTOR_LOG="$TARGET/fuzz-api-collector.log"
DB_DIR="$(mktemp -d)"
trap 'stop_collector; rm -rf "$DB_DIR"' EXIT
DATABASE_URL="sqlite://$DB_DIR/fuzz.db?mode=rwc"
# An admin token, so the fuzzer reaches every operation (it reads and changes as an admin).
TOKEN="$("$TARGET/debug/survey-collector" token create fuzz --role admin --database-url "$DATABASE_URL" 2>/dev/null)"
start_collector debug --database-url "$DATABASE_URL" --events-per-minute 0
say "fuzzing $COLLECTOR_URL (collector log: $COLLECTOR_LOG)"

# Checks: server errors, and every response against the document. Not `negative_data_rejection`:
# the collector deliberately ignores unknown fields and the client's category. Not
# `positive_data_acceptance` for the owner's operations, whose bodies the document describes only
# loosely (a survey is checked by the widget's own validator); the widget's operations keep it.
# From $TARGET, where schemathesis keeps its `.schemathesis/` cache (not in the repository).
cd "$TARGET"
curl -sf -H "Authorization: Bearer $TOKEN" "$COLLECTOR_URL/openapi.json" > "$DB_DIR/openapi.json"
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,unsupported_method
WIDGET_OPERATIONS='^(postEvents|listEvents|listSurveys|surveyReport|responsesCsv|health|hostedConfig)$'
export SCHEMATHESIS_HOOKS="$COLLECTOR_DIR/scripts/fuzz_hooks.py"
fuzz() {
    "$VENV/bin/st" run "$DB_DIR/openapi.json" --url "$COLLECTOR_URL" \
        -H "Authorization: Bearer $TOKEN" \
        --max-examples "${MAX_EXAMPLES:-50}" \
        --seed "${SEED:-1}" \
        --workers 1 \
        --no-color \
        "$@"
}
fuzz --checks "$CHECKS,positive_data_acceptance" --include-operation-id-regex "$WIDGET_OPERATIONS" "$@"
# Not fuzzed: adding webhooks, whose random URLs would make the collector resolve names and
# send to addresses off this machine (tests/webhooks.rs covers that operation on loopback).
fuzz --checks "$CHECKS" --exclude-operation-id-regex "$WIDGET_OPERATIONS|^addWebhook$" "$@"
