// Shared helpers of the end-to-end tests: start the real collector on a free loopback port with
// a fresh SQLite database, serving the built widget from dist/, and open pages in headless
// Chromium (playwright-core driving Debian's /usr/bin/chromium).
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Starts the collector; resolves to {url, stop} once it prints its listening line. */
export async function startCollector({ staticDir = join(ROOT, "dist"), args = [] } = {}) {
  const db = join(mkdtempSync(join(tmpdir(), "survey-e2e-")), "collector.db");
  const child = spawn(
    join(ROOT, "target/debug/survey-collector"),
    ["--listen", "127.0.0.1:0", "--static-dir", staticDir, "--database-url", `sqlite://${db}?mode=rwc`, ...args],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`collector did not start:\n${output}`)), 30_000);
    const onData = (chunk) => {
      output += chunk;
      const match = output.match(/listening on (http:\/\/[\d.:]+)/);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`collector exited with ${code}:\n${output}`)));
  });
  return { url, stop: () => child.kill("SIGTERM") };
}

/** Launches headless Chromium. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
}

/** Opens a page that records console errors, page errors and CSP violations into `problems`. */
export async function openPage(browser, url, { locale = "en-US" } = {}) {
  const context = await browser.newContext({ locale });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (message) => { if (message.type() === "error") problems.push(message.text()); });
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  await page.goto(url);
  return { page, problems };
}

/** GETs JSON from the collector. */
export async function getJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return response.json();
}

/** Polls `probe` until it returns a truthy value (or throws after `ms`). */
export async function eventually(probe, ms = 10_000) {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${probe}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
