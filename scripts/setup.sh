#!/usr/bin/env bash
# Installs every tool the build, the demo and the tests need, skipping what is already there.
# Idempotent: a second run only checks versions. Sourced by scripts/dev.sh, scripts/test.sh, .ci/run.
set -euo pipefail

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130   # must equal the `=` pin of wasm-bindgen in Cargo.toml
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
else say "rust target wasm32-unknown-unknown: present"; fi

if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (compiles from source, a few minutes)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
else say "trunk $TRUNK_VERSION: present"; fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (compiles from source, a few minutes)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
else say "wasm-bindgen-cli $WASM_BINDGEN_VERSION: present"; fi

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
command -v firefox-esr >/dev/null || need_apt+=(firefox-esr)
command -v brotli >/dev/null || need_apt+=(brotli)
if [ ${#need_apt[@]} -gt 0 ]; then
  say "installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${need_apt[@]}" >/dev/null
else say "chromium, chromedriver, firefox-esr, brotli: present"; fi

cd "$ROOT"
if [ ! -x node_modules/.bin/wasm-opt ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (wasm-opt from binaryen, terser, playwright-core, puppeteer-core, axe-core)"
  PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
else say "npm packages: present"; fi
export PATH="$ROOT/node_modules/.bin:$PATH"

# The release widget is built by nightly's build-std with `immediate-abort` panics (no panic
# formatting in the wasm: about 12 KB brotli smaller), without source locations and with empty
# `Debug` output (1 KB more; the widget prints no `Debug`), and with std's `optimize_for_size`
# (its smaller variants of formatting and sorting: 0.7 KB; these std features replace cargo's
# default ones, of which none matters to a wasm with `panic_abort`). A machine whose nightly lacks rust-src
# and cannot fetch it, or whose nightly predates `immediate-abort`, builds with stable instead
# (scripts/size-check.mjs then holds it to the stable ceiling).
export WIDGET_TOOLCHAIN=stable
if rustup toolchain list | grep -q '^nightly' \
  && rustup component add rust-src --toolchain nightly >/dev/null 2>&1 \
  && rustc +nightly -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none \
    -Zfmt-debug=none --print cfg --target wasm32-unknown-unknown >/dev/null 2>&1; then
  WIDGET_TOOLCHAIN=nightly
fi
# Trunk runs cargo with `--offline` (Trunk.toml: a build never touches the network), so every
# crate the release build needs is fetched here first, for exactly the toolchain and std that
# build uses: nightly's build-std compiles std from source, and std has crates.io dependencies
# of its own that no other step fetches.
say "fetching the crates of the release widget build ($WIDGET_TOOLCHAIN)"
if [ "$WIDGET_TOOLCHAIN" = nightly ]; then
  RUSTUP_TOOLCHAIN=nightly CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
    CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size \
    cargo fetch --quiet --manifest-path "$ROOT/Cargo.toml" --target wasm32-unknown-unknown
else
  cargo fetch --quiet --manifest-path "$ROOT/Cargo.toml" --target wasm32-unknown-unknown
fi
# v0 symbol names name a generic function's type parameters, by which the post-build finds
# wasm-streams' dead code (scripts/post-build.mjs).
build_widget() { # builds dist/ (release), passing any arguments on to trunk
  if [ "$WIDGET_TOOLCHAIN" = nightly ]; then
    RUSTUP_TOOLCHAIN=nightly CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
      CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size \
      RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none -Csymbol-mangling-version=v0" \
      trunk build --release "$@"
  else
    RUSTFLAGS="-Csymbol-mangling-version=v0" trunk build --release "$@"
  fi
}
say "tools ready: $(trunk --version), $(wasm-bindgen --version), wasm-opt $(wasm-opt --version | awk '{print $3}'), $(chromium --version); release widget built with $WIDGET_TOOLCHAIN"
