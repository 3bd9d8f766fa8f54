// Shared helpers of the end-to-end tests: start the real collector on a free loopback port with
// a fresh SQLite database, serving the built widget from dist/, and open pages in headless
// Chromium (playwright-core driving Debian's /usr/bin/chromium).
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

export const COLLECTOR = join(ROOT, "target/debug/survey-collector");

/** The admin API token of each collector this process started, by origin. */
const tokens = new Map();

/**
 * Starts the collector with a fresh database and an admin API token (which `getJson` sends to
 * it); resolves to {url, stop, token, databaseUrl} once it prints its listening line.
 */
export async function startCollector({ staticDir = join(ROOT, "dist"), args = [], env = {} } = {}) {
  const databaseUrl = `sqlite://${join(mkdtempSync(join(tmpdir(), "survey-e2e-")), "collector.db")}?mode=rwc`;
  const token = execFileSync(COLLECTOR, ["token", "create", "e2e", "--role", "admin", "--database-url", databaseUrl],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  const child = spawn(
    COLLECTOR,
    ["--listen", "127.0.0.1:0", "--static-dir", staticDir, "--database-url", databaseUrl, ...args],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } },
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
  tokens.set(url, token);
  return { url, token, databaseUrl, stop: () => child.kill("SIGTERM") };
}

/**
 * For a test file: starts a collector and a browser before its tests and stops them after.
 * `chromiumArgs` go on the browser's command line. Returns `{collector, browser, open}`, filled in once the tests run; `open(options)` is
 * `openSurveyPage` on that browser and collector (or on `options.collectorUrl`, another name
 * for it).
 */
export function useCollectorAndBrowser({ chromiumArgs = [] } = {}) {
  const env = {};
  before(async () => {
    env.collector = await startCollector();
    env.browser = await launchChromium(chromiumArgs);
  });
  after(async () => {
    await env.browser?.close();
    env.collector?.stop();
  });
  env.open = ({ collectorUrl = env.collector.url, ...options } = {}) => openSurveyPage(env.browser, collectorUrl, options);
  return env;
}

/** A console admin for collectors started with `env: CONSOLE_ADMIN_ENV`. */
export const CONSOLE_ADMIN = { email: "owner@example.com", password: "a long owner password" };
export const CONSOLE_ADMIN_ENV = {
  COLLECTOR_ADMIN_EMAIL: CONSOLE_ADMIN.email,
  COLLECTOR_ADMIN_PASSWORD: CONSOLE_ADMIN.password,
};

/** Signs `page` in to the console through the sign-in form (from `/admin`). */
export async function signInConsole(page, collectorUrl, admin = CONSOLE_ADMIN) {
  await page.goto(`${collectorUrl}/admin`);
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${collectorUrl}/admin`);
}

/** Launches headless Chromium (with `extraArgs` on its command line). */
export function launchChromium(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", ...extraArgs],
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

/**
 * Opens a test page on the collector's origin whose script tag carries `config` (inline JSON),
 * with `body` HTML, the identity cookie `visitor_id=<visitorId>` (unless null) and optional
 * `data-attributes`. `context` reuses a browser context (tabs sharing localStorage);
 * `beforeLoad(page)` runs before the page loads (e.g. to slow its CPU).
 */
export async function openSurveyPage(browser, collectorUrl, {
  config, body = "<main><h1>Test page</h1></main>", visitorId = "v-1", attributes, path = "/t/page",
  context, locale = "en-US", initScript, head = "", headers = {}, scriptTag, beforeLoad,
} = {}) {
  const ctx = context || await browser.newContext({ locale });
  if (visitorId !== null) {
    await ctx.addCookies([{ name: "visitor_id", value: visitorId, url: collectorUrl }]);
  }
  if (initScript) await ctx.addInitScript(initScript);
  const attrs = attributes ? ` data-attributes='${JSON.stringify(attributes)}'` : "";
  const tag = scriptTag ?? `<script async src="/survey-widget.js" data-config='${JSON.stringify(config)}'${attrs}></script>`;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test page</title><link rel="icon" href="data:,">
    ${head}${tag}</head><body>${body}</body></html>`;
  await ctx.route(`${collectorUrl}/t/**`, (route) => route.fulfill({ contentType: "text/html", body: html, headers }));
  const page = await ctx.newPage();
  const problems = [];
  page.on("console", (message) => { if (message.type() === "error") problems.push(message.text()); });
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  const lines = consoleLines(page);
  if (beforeLoad) await beforeLoad(page);
  await page.goto(`${collectorUrl}${path}`);
  return { page, problems, lines, context: ctx };
}

/**
 * Collects every console line of `page` from now on; `await lines.waitFor(text)` resolves once
 * a line contains `text` (and fails the test after 6 s, listing the lines seen).
 */
export function consoleLines(page) {
  const lines = [];
  page.on("console", (message) => lines.push(message.text()));
  lines.waitFor = async (wanted) => {
    for (let i = 0; i < 60 && !lines.some((line) => line.includes(wanted)); i++) await page.waitForTimeout(100);
    assert.ok(lines.some((line) => line.includes(wanted)), `no console line with ${wanted}:\n${lines.join("\n")}`);
  };
  return lines;
}

/**
 * Records every POST to a `/v1/events` URL made in `context` (fetch and sendBeacon alike) as
 * `{event, body, type, status, at}`: `event` the parsed body, `type` Playwright's resource
 * type ("fetch", "ping" for a beacon), `status` once answered (`await posts.settled()`). Counting at the network layer
 * sees double sends that the collector's de-duplication would hide.
 */
export function recordPosts(context) {
  const posts = [];
  context.on("request", (request) => {
    if (request.method() !== "POST" || !new URL(request.url()).pathname.endsWith("/v1/events")) return;
    const body = request.postData() ?? "";
    let event = null;
    try { event = JSON.parse(body); } catch { /* not an event */ }
    const post = { event, body, type: request.resourceType(), status: undefined, at: Date.now() };
    post.answered = request.response().then((response) => { post.status = response?.status(); }, () => {});
    posts.push(post);
  });
  /** Waits until every post so far has its answer (or none), so `status` is filled in. */
  posts.settled = () => Promise.all(posts.map((post) => post.answered));
  /** The posts of events of kind `kind` ("shown", "response", ...). */
  posts.of = (kind) => posts.filter((post) => post.event?.event === kind);
  /** Bodies the collector accepted (2xx) more than once: double sends. */
  posts.acceptedTwice = () => {
    const accepted = posts.filter((post) => post.status >= 200 && post.status < 300).map((post) => post.body);
    return accepted.filter((body, index) => accepted.indexOf(body) !== index);
  };
  return posts;
}

/** A config with one survey `s` (kind nps) posting to the collector; `survey` overrides fields. */
export function surveyConfig(survey = {}, extra = {}) {
  return { collector: "/v1/events", company: "Acme", surveys: [{ id: "s", kind: "nps", ...survey }], ...extra };
}

/** Runs axe-core in the page (it follows open shadow roots) for WCAG 2.2 AA; returns violations. */
export async function axeViolations(page) {
  // Evaluated through the DevTools protocol, not as a <script>: pages with a strict CSP too.
  await page.evaluate(readFileSync(join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8"));
  return page.evaluate(async () => {
    const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: tags } });
    return result.violations.map((v) => ({ id: v.id, help: v.help, targets: v.nodes.map((n) => n.target) }));
  });
}

/** The stored events of survey `surveyId`, as the collector has them (up to 1000). */
export async function storedEvents(collectorUrl, surveyId) {
  const page = await getJson(`${collectorUrl}/v1/events?limit=1000&survey_id=${encodeURIComponent(surveyId)}`);
  return page.events;
}

/** GETs JSON from a collector this process started, as its admin. */
export async function getJson(url) {
  const token = tokens.get(new URL(url).origin);
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
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
