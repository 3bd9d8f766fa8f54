// Size check, run by scripts/test.sh after the release build: fails when the widget as served
// (brotli) grows past its ceiling, so whatever adds weight has to raise the ceiling here, in
// review. The ceiling is a guard against regressions, a little above today's size; the budget of
// issue #15 (80 KB) is printed beside it and is not met yet (README, "Size and speed").
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BUDGET_BROTLI, transferSizes, widgetFiles } from "../bench/sizes.mjs";

// Today (2026-11-30, stop 25): 91.6 KB built by nightly (build-std) here, up to 0.2 KB more in
// a fresh clone (its paths), 104.8 KB by stable. Nightly before: 92.1 KB at stop 24, 95.2 KB
// at stop 23, 103.8 KB at stop 22; earlier, 108.6 KB before the binding names were shortened,
// 109.8 KB before wasm-opt ran after the build's own trimming (with `--low-memory-unused`),
// 120.7 KB and 132.5 KB before numbers were read without `f64::from_str` and its power tables.
const CEILING_BROTLI = { nightly: 92 * 1024, stable: 105.5 * 1024 };

const toolchain = process.env.WIDGET_TOOLCHAIN === "nightly" ? "nightly" : "stable";
const dist = join(fileURLToPath(new URL("..", import.meta.url)), "dist");
const { raw, gzip, brotli } = transferSizes(widgetFiles(dist));
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`widget as served: ${kb(raw)} raw, ${kb(gzip)} gzip, ${kb(brotli)} brotli (built by ${toolchain})`);
const languages = readdirSync(join(dist, "app/locales")).filter((name) => name.endsWith(".json") && name !== "en.json");
const largest = Math.max(...languages.map((name) => transferSizes([join(dist, "app/locales", name)]).brotli));
console.log(`a visitor in another language also downloads its texts: at most ${kb(largest)} brotli (${languages.length} languages)`);
console.log(`ceiling ${kb(CEILING_BROTLI[toolchain])} brotli; issue #15 budget ${kb(BUDGET_BROTLI)} (${kb(brotli - BUDGET_BROTLI)} over)`);
// The loader alone: every visitor downloads it, surveyed or not.
const LOADER_CEILING_BROTLI = 2 * 1024;
const loader = transferSizes([join(dist, "survey-widget.js")]).brotli;
console.log(`the loader alone: ${kb(loader)} brotli (ceiling ${kb(LOADER_CEILING_BROTLI)})`);
if (loader > LOADER_CEILING_BROTLI) {
  console.error(`size check failed: the loader's ${kb(loader)} brotli is over its ${kb(LOADER_CEILING_BROTLI)} ceiling`);
  process.exit(1);
}
if (brotli > CEILING_BROTLI[toolchain]) {
  console.error(`size check failed: ${kb(brotli)} brotli is over the ${kb(CEILING_BROTLI[toolchain])} ceiling`);
  process.exit(1);
}
