// Trunk post-build hook: minifies the loader in the staging directory (release builds only).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { minify } from "terser";

const staging = process.env.TRUNK_STAGING_DIR;
if (staging && process.env.TRUNK_PROFILE === "release") {
  const file = join(staging, "survey-widget.js");
  const { code } = await minify(readFileSync(file, "utf8"), { compress: { passes: 2 }, mangle: true, ecma: 2017 });
  writeFileSync(file, code);
}
