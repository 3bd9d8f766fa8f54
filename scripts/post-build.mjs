// Trunk post-build hook (release builds only): minifies the loader (a classic script) and the
// wasm-bindgen module (an ES module) with terser, then writes
// brotli (.br) and gzip (.gz) copies of every text and wasm file, which the collector (and any
// static server configured for precompressed files) serves to browsers that accept them.
import { readFileSync, writeFileSync, readdirSync, statSync } from "node:fs";
import { join, extname } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";
import { minify } from "terser";

const staging = process.env.TRUNK_STAGING_DIR;
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
