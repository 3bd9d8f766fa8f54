// Trunk post-build hook. Every build: writes the crate's version (Cargo.toml, the one source of
// truth; events carry it as `widget_version`) into the loader's `SurveyWidget.version`, and the
// codes of the language files (app/locales/, from src/core/i18n/locales/) into its list.
// Release builds also drop the wasm's exports that nothing calls (wasm-streams' stream adapters,
// below), then run wasm-opt (Trunk's own run is off in index.html: it would come before that
// drop), drop the module's functions for imports the wasm no longer has, shorten the names the
// wasm and its wasm-bindgen module call each other by, minify the loader (a classic script) and
// the wasm-bindgen module (an ES module) with terser, then write brotli (.br) and gzip (.gz)
// copies of every text and wasm file, which the collector (and any static server configured for
// precompressed files) serves to browsers that accept them.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, extname } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";
import { minify } from "terser";
import binaryen from "binaryen";
import { lowestDataAddress, renameImportsAndExports } from "./wasm-binary.mjs";

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
  const app = join(staging, "app");
  dropUncalledExports(app);
  instantiateOnly(app);
  optimize(join(app, "survey-widget_bg.wasm"));
  dropUnusedImports(app);
  shortenBindingNames(app);
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
 * Removes the exports that the wasm-bindgen module never calls, and the code only they reached:
 * - Leptos depends on server_fn's `browser` feature, which brings wasm-streams, whose stream
 *   adapters (`IntoUnderlyingSource`, `...Sink`, `...ByteSource`) are `#[wasm_bindgen]`
 *   exports, kept alive as exports although this widget has no server functions and never
 *   streams. Their classes go from the module, and their exports from the wasm (1.5 KB brotli).
 * - So do wasm-bindgen's markers that its module does not read (`__abort_handler`,
 *   `__instance_terminated`, `_WASM_SPLIT_MARKER_...`: 0.1 KB).
 * - The adapters' futures would still stay: the function table holds their `poll` and `drop`
 *   for the vtables in the data, which wasm-opt cannot see are unused. So every table entry for
 *   a function of wasm-streams' (by its v0 symbol name, which names a generic function's type
 *   parameters; the release profile keeps function names until wasm-opt drops them) becomes a
 *   function that traps; only the removed exports could reach them (10 KB raw, 2.5 KB brotli).
 * wasm-opt, run next, drops the code. Fails the build if the module still names the adapters,
 * or calls an export the wasm does not have, or the wasm has no v0 function names.
 */
function dropUncalledExports(app) {
  const glueFile = join(app, "survey-widget.js");
  const glue = readFileSync(glueFile, "utf8")
    .replace(/^export class IntoUnderlying\w* \{\n[\s\S]*?^\}\n/gm, "")
    .replace(/^if \(Symbol\.dispose\) IntoUnderlying\w*\.prototype.*\n/gm, "")
    .replace(/^const IntoUnderlying\w*Finalization = [\s\S]*?;\n/gm, "");
  if (/intounderlying/i.test(glue)) throw new Error("post-build: the wasm-bindgen module still uses the stream adapters");
  writeFileSync(glueFile, glue);
  const called = new Set(Array.from(glue.matchAll(/\bwasm\.(\w+)/g), ([, name]) => name));

  const wasmFile = join(app, "survey-widget_bg.wasm");
  const module = binaryen.readBinary(readFileSync(wasmFile));
  // WASM_FEATURES. (binaryen counts memory.copy and memory.fill as BulkMemoryOpt, part of
  // --enable-bulk-memory.)
  const { BulkMemory, BulkMemoryOpt, NontrappingFPToInt, SignExt, ReferenceTypes, Multivalue, MutableGlobals } = binaryen.Features;
  module.setFeatures(BulkMemory | BulkMemoryOpt | NontrappingFPToInt | SignExt | ReferenceTypes | Multivalue | MutableGlobals);
  const exports = Array.from({ length: module.getNumExports() }, (_, i) =>
    binaryen.getExportInfo(module.getExportByIndex(i)).name);
  const missing = [...called].filter((name) => !exports.includes(name));
  if (missing.length) throw new Error(`post-build: the module calls exports the wasm does not have: ${missing.join(", ")}`);
  exports.filter((name) => !called.has(name)).forEach((name) => module.removeExport(name));
  trapTableEntries(module, /\bwasm_streams\b/);
  if (!module.validate()) throw new Error("post-build: the wasm without its uncalled exports is not valid");
  writeFileSync(wasmFile, module.emitBinary());
  module.dispose();
}

/**
 * wasm-bindgen's module can start from a URL, a `Response`, bytes or a compiled module, streamed
 * or not, synchronously (`initSync`) or not, with a warning for each deprecated form; the loader
 * only ever hands its default export the `WebAssembly.Module` it compiled. This replaces those
 * forms with the one the loader uses, `default({ module_or_path: module })` (0.5 KB brotli).
 * Fails the build if the module's init has another form than the one replaced.
 */
function instantiateOnly(app) {
  const glueFile = join(app, "survey-widget.js");
  const glue = readFileSync(glueFile, "utf8");
  const start = glue.indexOf("async function __wbg_load(module, imports) {");
  const tail = "export { initSync, __wbg_init as default };\n";
  if (start < 0 || !glue.endsWith(tail) || !glue.includes("function __wbg_finalize_init(instance, module) {")) {
    throw new Error("post-build: the wasm-bindgen module's init is not in the form instantiateOnly replaces");
  }
  const init = `/** Instantiates the compiled \`module\` (scripts/post-build.mjs: the loader compiles it). */
async function __wbg_init({ module_or_path: module }) {
    return __wbg_finalize_init(await WebAssembly.instantiate(module, __wbg_get_imports()), module);
}

export { __wbg_init as default };
`;
  writeFileSync(glueFile, glue.slice(0, start) + init);
}

/** Points every function table entry whose function's name matches `pattern` at one
 *  function that traps, keeping every entry's index. */
function trapTableEntries(module, pattern) {
  const segments = Array.from({ length: module.getNumElementSegments() }, (_, i) =>
    binaryen.getElementSegmentInfo(module.getElementSegmentByIndex(i)));
  const functions = segments.flatMap((segment) => segment.data);
  // v0 names (`js_sys[de157dde7884f11d]::...`) name a generic function's type parameters.
  if (!functions.some((name) => /\[[0-9a-f]{16}\]::/.test(name))) {
    throw new Error("post-build: the wasm's function names are missing or not v0 (needs [profile.release] strip = \"debuginfo\" and -Csymbol-mangling-version=v0)");
  }
  if (!functions.some((name) => pattern.test(name))) return;
  const trap = "post_build_removed_table_entry";
  module.addFunction(trap, binaryen.none, binaryen.none, [], module.unreachable());
  for (const { name, table, offset, data } of segments) {
    module.removeElementSegment(name);
    module.addActiveElementSegment(table, name, data.map((f) => (pattern.test(f) ? trap : f)), offset);
  }
}

/**
 * wasm-opt for size, until a round gains nothing. `--low-memory-unused` lets it fold constant
 * offsets into loads and stores (0.9 KB brotli): true of Rust's wasm, where the first 1 KB of
 * memory is either never used (lld's default data start) or the far end of the 1 MB stack
 * (rustc's `--stack-first` layout: data from 1 MB on), reached only by a stack about to overflow.
 * Fails the build if a data segment starts below 1 KB (a linker layout where that is untrue).
 */
function optimize(wasmFile) {
  const lowest = lowestDataAddress(readFileSync(wasmFile));
  if (lowest < 1024) throw new Error(`post-build: data at address ${lowest}: --low-memory-unused would be wrong`);
  const features = WASM_FEATURES.map((feature) => `--enable-${feature}`);
  execFileSync("wasm-opt", ["-Oz", "--converge", "--low-memory-unused", ...features, wasmFile, "-o", wasmFile], { stdio: "inherit" });
}

/**
 * The wasm-bindgen module defines a function for every import of the wasm it was made from;
 * wasm-opt then drops the imports that only removed code called (the stream adapters' and any
 * other dead code's: 0.3 KB brotli). This drops their functions from the module too (terser
 * then drops the helpers only they used). Fails the build if one has a form it cannot read.
 */
function dropUnusedImports(app) {
  const glueFile = join(app, "survey-widget.js");
  const imported = new Set(WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(join(app, "survey-widget_bg.wasm"))))
    .map(({ name }) => name));
  // wasm-bindgen writes each as `        __wbg_name_hash: function(args) {` ... `        },`, or
  // (one that may throw) ... `        }, arguments); },`.
  const entry = /^ {8}(__w\w+): function\(.*\) \{\n[\s\S]*?^ {8}\}(, arguments\); \})?,\n/gm;
  const glue = readFileSync(glueFile, "utf8");
  const kept = glue.replace(entry, (whole, name) => (imported.has(name) ? whole : ""));
  const unread = [...imported].filter((name) => name.startsWith("__w") && !kept.includes(`        ${name}: function(`));
  if (unread.length) throw new Error(`post-build: imports not found in the module's form: ${unread.join(", ")}`);
  writeFileSync(glueFile, kept);
}

/**
 * wasm-bindgen names the functions the wasm imports from its JS module with a hash each
 * (`__wbg_appendChild_7465eba84213c75f`), and its internal exports verbosely
 * (`__wasm_bindgen_func_elem_2459`, and the closure shims
 * `wasm_bindgen_<hash>___convert__closures_____invoke___<types>`, up to 334 characters); both
 * files spell every name, and hashes do not compress: 4.6 KB brotli of the download. This
 * renames them `w0`, `w1`, ... in the wasm's import and export sections and in the module
 * alike, and the module they are imported from (`./survey-widget_bg.js`, once per import) `w`;
 * the exports the page calls (`start`, `show`, ...) keep their names. The wasm's custom
 * sections (producers, target features: nothing a browser reads) go too. Fails the build if
 * the module and the wasm then disagree.
 */
function shortenBindingNames(app) {
  const BINDING = /^(__w(bg|bindgen|asm_bindgen)_|wasm_bindgen_|__externref_table_)/;
  const wasmFile = join(app, "survey-widget_bg.wasm");
  const glueFile = join(app, "survey-widget.js");
  const MODULE = "./survey-widget_bg.js";
  const renames = new Map();
  const rename = (name) => {
    if (name === MODULE) return "w";
    if (/^w[0-9a-z]*$/.test(name)) throw new Error(`post-build: "${name}" would clash with the short names`);
    if (!renames.has(name) && BINDING.test(name)) renames.set(name, `w${renames.size.toString(36)}`);
    return renames.get(name) ?? name;
  };
  const wasm = renameImportsAndExports(readFileSync(wasmFile), rename);
  const glue = readFileSync(glueFile, "utf8")
    .replace(/[\w$]+/g, (name) => renames.get(name) ?? name)
    .replace(JSON.stringify(MODULE), JSON.stringify(rename(MODULE)));
  const compiled = new WebAssembly.Module(wasm);
  const imports = WebAssembly.Module.imports(compiled).map(({ name }) => name);
  const stale = [MODULE, ...renames.keys()].filter((name) => glue.includes(name));
  const mentioned = new Set(glue.match(/\bw[0-9a-z]*\b/g));
  const missing = imports.filter((name) => !mentioned.has(name));
  if (stale.length || missing.length) {
    throw new Error(`post-build: the renamed wasm and its module disagree: ${[...stale, ...missing].join(", ")}`);
  }
  writeFileSync(wasmFile, wasm);
  writeFileSync(glueFile, glue);
}
