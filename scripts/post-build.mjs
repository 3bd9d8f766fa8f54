// Trunk post-build hook. Every build: writes the crate's version (Cargo.toml, the one source of
// truth; events carry it as `widget_version`) into the loader's `SurveyWidget.version`, and the
// codes of the language files (app/locales/, from src/core/i18n/locales/) into its list.
// Release builds also minify the loader (a classic script) and the wasm-bindgen module (an ES
// module) with terser, then write
// brotli (.br) and gzip (.gz) copies of every text and wasm file, which the collector (and any
// static server configured for precompressed files) serves to browsers that accept them.
import { readFileSync, writeFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, extname } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";
import { minify } from "terser";

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
