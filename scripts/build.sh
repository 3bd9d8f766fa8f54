#!/usr/bin/env bash
# Builds the release widget into dist/: the loader `survey-widget.js`, `app/` (the wasm-bindgen
# module and the wasm) and the demo page, each with .br and .gz copies. Deploy the whole folder.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
build_widget
