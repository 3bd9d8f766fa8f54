// Starts the app: loads the wasm-bindgen module Trunk built (stable names: filehash = false),
// whose start function is the app's own `main`.
import init from "./leptos-app-example.js";

init({ module_or_path: new URL("./leptos-app-example_bg.wasm", import.meta.url) });
