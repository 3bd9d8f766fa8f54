#!/usr/bin/env bash
# Builds the widget and the collector, then writes PNG screenshots of the pop-up in every state,
# at 1280 px and 320 px, light and dark, English and Arabic, into screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
build_widget
cargo build -p survey-collector --quiet
node e2e/screenshots.mjs
