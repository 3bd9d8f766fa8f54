// Trunk post-build hook. Every build: writes the crate's version (Cargo.toml, the one source of
// truth; events carry it as `widget_version`) into the loader's `SurveyWidget.version`, and the
// codes of the language files (app/locales/, from src/core/i18n/locales/) into its list.
// Release builds also drop wasm-streams' stream adapters (below), then run wasm-opt (Trunk's
// own run is off in index.html: it would come before that drop), minify the loader (a classic
// script) and the wasm-bindgen module (an ES module) with terser, then write
// brotli (.br) and gzip (.gz) copies of every text and wasm file, which the collector (and any
// static server configured for precompressed files) serves to browsers that accept them.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, extname } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";
import { minify } from "terser";
import binaryen from "binaryen";

// The wasm features of every browser the widget supports, and no newer encoding.
const WASM_FEATURES = ["bulk-memory", "nontrapping-float-to-int", "sign-ext", "reference-types", "multivalue", "mutable-globals"];

const staging = process.env.TRUNK_STAGING_DIR;
if (staging) {
  const manifest = readFileSync(join(process.env.TRUNK_SOURCE_DIR ?? ".", "Cargo.toml"), "utf8");
  const version = manifest.match(/^\[package\][^[]*?^version\s*=\s*"([^"]+)"/m)?.[1];
  if (!version) throw new Error("post-build: no [package] version in Cargo.toml");
  // The built-in languages the loader may fetch (English is inside the wasm), as data files
  // without the translators' notes.
  const locales = join(staging, "app", "locales");
  rmSync(join(locales, "README.md"), { force: true });
  const languages = readdirSync(locales).filter((name) => name.endsWith(".json")).map((name) => name.slice(0, -5));
  for (const code of languages) {
    const file = join(locales, `${code}.json`);
    writeFileSync(file, JSON.stringify(JSON.parse(readFileSync(file, "utf8"))));
  }
  const others = languages.filter((code) => code !== "en").sort().join(",");
  const loader = join(staging, "survey-widget.js");
  writeFileSync(loader, readFileSync(loader, "utf8")
    .replaceAll("__SURVEY_WIDGET_VERSION__", version)
    .replaceAll("__SURVEY_WIDGET_LANGUAGES__", others));
}
if (staging && process.env.TRUNK_PROFILE === "release") {
  dropStreamAdapters(join(staging, "app"));
  optimize(join(staging, "app", "survey-widget_bg.wasm"));
  const scripts = [["survey-widget.js", false], [join("app", "survey-widget.js"), true]];
  for (const [name, module] of scripts) {
    const file = join(staging, name);
    const options = { compress: { passes: 2 }, mangle: true, ecma: 2017, module };
    writeFileSync(file, (await minify(readFileSync(file, "utf8"), options)).code);
  }

  const compressible = new Set([".js", ".wasm", ".json", ".html", ".css"]);
  const walk = (dir) => readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
  for (const file of walk(staging).filter((f) => compressible.has(extname(f)))) {
    const body = readFileSync(file);
    writeFileSync(`${file}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
    writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
  }
}

/**
 * Leptos depends on server_fn's `browser` feature, which brings wasm-streams, whose stream
 * adapters (`IntoUnderlyingSource`, `...Sink`, `...ByteSource`) are `#[wasm_bindgen]` exports:
 * kept alive as exports although this widget has no server functions and never streams. This
 * removes those exports from the wasm (binaryen then drops the code only they reached, about
 * 8 KB raw, 1 KB brotli) and their classes from the wasm-bindgen module. Fails the build if the
 * module still names them afterwards, rather than ship a module that calls a removed export.
 */
function dropStreamAdapters(app) {
  const adapter = /intounderlying/i;
  const wasmFile = join(app, "survey-widget_bg.wasm");
  const module = binaryen.readBinary(readFileSync(wasmFile));
  // WASM_FEATURES. (binaryen counts memory.copy and memory.fill as BulkMemoryOpt, part of
  // --enable-bulk-memory.)
  const { BulkMemory, BulkMemoryOpt, NontrappingFPToInt, SignExt, ReferenceTypes, Multivalue, MutableGlobals } = binaryen.Features;
  module.setFeatures(BulkMemory | BulkMemoryOpt | NontrappingFPToInt | SignExt | ReferenceTypes | Multivalue | MutableGlobals);
  const names = Array.from({ length: module.getNumExports() }, (_, i) =>
    binaryen.getExportInfo(module.getExportByIndex(i)).name);
  names.filter((name) => adapter.test(name)).forEach((name) => module.removeExport(name));
  module.runPasses(["remove-unused-module-elements"]);
  if (!module.validate()) throw new Error("post-build: the wasm without the stream adapters is not valid");
  writeFileSync(wasmFile, module.emitBinary());
  module.dispose();

  const glueFile = join(app, "survey-widget.js");
  const glue = readFileSync(glueFile, "utf8")
    .replace(/^export class IntoUnderlying\w* \{\n[\s\S]*?^\}\n/gm, "")
    .replace(/^if \(Symbol\.dispose\) IntoUnderlying\w*\.prototype.*\n/gm, "")
    .replace(/^const IntoUnderlying\w*Finalization = [\s\S]*?;\n/gm, "");
  if (adapter.test(glue)) throw new Error("post-build: the wasm-bindgen module still uses the stream adapters");
  writeFileSync(glueFile, glue);
}

/**
 * wasm-opt for size, until a round gains nothing. `--low-memory-unused` lets it fold constant
 * offsets into loads and stores (1 KB brotli): true of Rust's wasm, where the first 1 KB of
 * memory is either never used (lld's default data start) or the far end of the 1 MB stack
 * (rustc's `--stack-first` layout: data from 1 MB on), reached only by a stack about to overflow.
 */
function optimize(wasmFile) {
  const features = WASM_FEATURES.map((feature) => `--enable-${feature}`);
  execFileSync("wasm-opt", ["-Oz", "--converge", "--low-memory-unused", ...features, wasmFile, "-o", wasmFile], { stdio: "inherit" });
}
