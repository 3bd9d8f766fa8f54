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
trap stop_collector EXIT
start_collector debug --database-url sqlite::memory:
say "fuzzing $COLLECTOR_URL (collector log: $COLLECTOR_LOG)"

# Checks: server errors, and every response against the document. Not `negative_data_rejection`:
# the collector deliberately ignores unknown fields and the client's category.
# From $TARGET, where schemathesis keeps its `.schemathesis/` cache (not in the repository).
cd "$TARGET"
"$VENV/bin/st" run "$COLLECTOR_URL/openapi.json" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,positive_data_acceptance,unsupported_method \
    --max-examples "${MAX_EXAMPLES:-50}" \
    --seed "${SEED:-1}" \
    --workers 1 \
    --no-color \
    "$@"
