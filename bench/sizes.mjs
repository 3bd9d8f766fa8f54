// What a visitor downloads to see a survey, as served from dist/: the loader, the wasm-bindgen
// module and the wasm (the CSS is inside the wasm). Shared by the benchmark and the size check.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

/** The budget of issue #15 (it replaced #7's 40 KB, below what a bare Leptos pop-up costs):
 *  everything needed to show an NPS survey with every feature, brotli. */
export const BUDGET_BROTLI = 80 * 1024;

/** The files a visitor who sees a survey downloads, under `dist`. */
export const widgetFiles = (dist) => [
  join(dist, "survey-widget.js"),
  join(dist, "app/survey-widget.js"),
  join(dist, "app/survey-widget_bg.wasm"),
];

/** Raw, gzip -9 and brotli -q 11 sizes of `files`, each compressed on its own as it is sent. */
export function transferSizes(files) {
  const bodies = files.map((file) => readFileSync(file));
  const sum = (f) => bodies.reduce((n, body) => n + f(body), 0);
  return {
    raw: sum((body) => body.length),
    gzip: sum((body) => gzipSync(body, { level: 9 }).length),
    brotli: sum((body) => brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length),
  };
}
