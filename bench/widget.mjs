// Benchmark of the widget (not a test: nothing here fails on a timing). Prints, side by side:
// transfer sizes (raw, gzip -9, brotli -q 11) of everything needed to show an NPS survey, ours
// vs the PostHog and Formbricks survey renderers from npm; then, in headless Chromium on
// loopback with a cold cache, at full speed and with the CPU slowed 4x (DevTools'
// Emulation.setCPUThrottlingRate, Lighthouse's mobile setting), the median over RUNS page loads
// of: script tag start -> survey visible, main-thread tasks over 50 ms (and of those, the
// widget's own: see `longTaskProbe`) and the worst one, ours next to PostHog's (see
// posthog.mjs), ours again on a repeat visit (the wasm from the HTTP cache), and the host
// page's own without any survey script; layout shift on the host page, JS heap and wasm memory
// after the survey shows; and the bytes an ineligible visitor downloads.
// Run through scripts/bench.sh (it builds everything and fetches the peers' packages first).
import { join } from "node:path";
import { BUDGET_BROTLI, transferSizes, widgetFiles } from "./sizes.mjs";
import { longTaskProbe, posthogTimeToVisible, slowCpu } from "./posthog.mjs";
import { ROOT, startCollector, launchChromium, openSurveyPage, surveyConfig } from "../e2e/harness.mjs";

const RUNS = Number(process.env.RUNS || 11);
const PEERS = process.env.PEERS_DIR || join(ROOT, "target/bench-peers");

const kb = (n) => (n / 1024).toFixed(1).padStart(7) + " KB";
const dist = join(ROOT, "dist");
const rows = [
  ["survey-widget (loader + JS + wasm + CSS)", widgetFiles(dist)],
  ["  of which the loader alone", widgetFiles(dist).slice(0, 1)],
  ["PostHog posthog-js dist/surveys.js", [join(PEERS, "posthog-js/package/dist/surveys.js")]],
  ["  with the PostHog core it needs (array.js)", ["array.js", "surveys.js"].map((f) => join(PEERS, "posthog-js/package/dist", f))],
  ["Formbricks @formbricks/surveys index.umd.js", [join(PEERS, "formbricks-surveys/package/dist/index.umd.js")]],
];
console.log("\nTransfer size of what it takes to show an NPS survey");
console.log("what".padEnd(46) + "raw".padStart(10) + "gzip".padStart(10) + "brotli".padStart(10));
for (const [name, files] of rows) {
  try {
    const s = transferSizes(files);
    console.log(name.padEnd(46) + kb(s.raw) + kb(s.gzip) + kb(s.brotli));
  } catch (error) {
    console.log(name.padEnd(46) + `  (missing: ${error.path || error.message})`);
  }
}
console.log("budget (issue #15)".padEnd(46) + " ".repeat(20) + kb(BUDGET_BROTLI));

const median = (values) => { const v = [...values].sort((a, b) => a - b); return v[Math.floor(v.length / 2)]; };
const probe = `<script>
  performance.mark("survey-widget-start");
  window.__cls = 0;
  ${longTaskProbe({ scripts: ["/survey-widget.js"], element: "survey-widget-popup" })}
  new PerformanceObserver((l) => l.getEntries().forEach((e) => { if (!e.hadRecentInput) __cls += e.value; })).observe({ type: "layout-shift", buffered: true });
  (function poll() {
    const host = document.querySelector("survey-widget-popup");
    /* Visible with its 11 choices, as PostHog's probe waits for its 11 buttons. */
    if (host && host.shadowRoot && host.shadowRoot.querySelectorAll("input[type=radio]").length === 11) window.__visible = performance.now() - performance.getEntriesByName("survey-widget-start")[0].startTime;
    else requestAnimationFrame(poll);
  })();
</script>`;
const captureWasmMemory = () => {
  const keep = (result) => { const i = result.instance || result; if (i.exports && i.exports.memory) window.__wasmMemory = i.exports.memory; return result; };
  const streaming = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = (...a) => streaming(...a).then(keep);
  const plain = WebAssembly.instantiate;
  WebAssembly.instantiate = (...a) => plain(...a).then(keep);
};
const body = `<main><h1>Benchmark host page</h1><p>${"Some host content. ".repeat(40)}</p></main>`;

const collector = await startCollector();
const browser = await launchChromium();

/** RUNS page loads of ours with the CPU slowed `cpuRate` times: time to visible, long tasks,
 *  worst task, layout shift, JS heap and wasm memory of each. Each in a new context, a cold
 *  HTTP cache; a `repeat` visit's first loads the page at full speed, then is measured again. */
async function ours(cpuRate, repeat = false) {
  const samples = { visible: [], longTasks: [], worstTask: [], widgetTasks: [], cls: [], heap: [], wasm: [] };
  const options = { config: surveyConfig({ id: "bench" }), head: probe, body };
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext();
    if (repeat) {
      const first = await openSurveyPage(browser, collector.url, { ...options, context });
      await first.page.waitForFunction(() => window.__visible !== undefined, null, { timeout: 30_000 });
      await first.page.close();
    }
    const beforeLoad = (page) => slowCpu(context, page, cpuRate);
    const { page } = await openSurveyPage(browser, collector.url, { ...options, context, initScript: captureWasmMemory, beforeLoad });
    await page.waitForFunction(() => window.__visible !== undefined, null, { timeout: 30_000 });
    await page.waitForTimeout(300);
    const cdp = await context.newCDPSession(page);
    await cdp.send("Performance.enable");
    const { metrics } = await cdp.send("Performance.getMetrics");
    const measured = await page.evaluate(() => ({
      visible: __visible, cls: __cls, wasm: window.__wasmMemory ? __wasmMemory.buffer.byteLength : NaN,
      ...__tasksUntil(performance.getEntriesByName("survey-widget-start")[0].startTime + __visible),
    }));
    for (const key of ["visible", "longTasks", "worstTask", "widgetTasks", "cls", "wasm"]) samples[key].push(measured[key]);
    samples.heap.push(metrics.find((m) => m.name === "JSHeapUsedSize").value);
    await context.close();
  }
  return samples;
}

/** RUNS loads of the same host page without any survey script, the CPU slowed `cpuRate` times:
 *  its own tasks over 50 ms (first layout and paint) in the first `windowMs` after the point
 *  where our script tag would start. What of ours' count is the page's, not the widget's. */
async function hostAlone(cpuRate, windowMs) {
  const samples = { longTasks: [], worstTask: [] };
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext();
    const beforeLoad = (page) => slowCpu(context, page, cpuRate);
    const { page } = await openSurveyPage(browser, collector.url, { head: probe, body, context, beforeLoad, scriptTag: "" });
    await page.waitForTimeout(windowMs + 300);
    const measured = await page.evaluate((ms) => __tasksUntil(performance.getEntriesByName("survey-widget-start")[0].startTime + ms), windowMs);
    for (const key of ["longTasks", "worstTask"]) samples[key].push(measured[key]);
    await context.close();
  }
  return samples;
}

try {
  const fast = await ours(1);
  const slow = await ours(4);
  const [repeatFast, repeatSlow] = [await ours(1, true), await ours(4, true)];
  const peer = (rate) => posthogTimeToVisible(browser, join(PEERS, "posthog-js/package"), RUNS, body, rate).catch((error) => error);
  const [posthogFast, posthogSlow] = [await peer(1), await peer(4)];
  const [hostFast, hostSlow] = [await hostAlone(1, median(fast.visible)), await hostAlone(4, median(slow.visible))];
  const context = await browser.newContext();
  let bytes = 0;
  const files = [];
  context.on("requestfinished", async (request) => {
    if (request.isNavigationRequest()) return; // the host page itself
    const sizes = await request.sizes();
    bytes += sizes.responseBodySize + sizes.responseHeadersSize;
    files.push(new URL(request.url()).pathname);
  });
  const { page } = await openSurveyPage(browser, collector.url, { config: surveyConfig({ id: "bench" }), body, context, visitorId: null });
  await page.waitForTimeout(1_500);
  await context.close();

  const cell = (samples, key) => {
    if (samples instanceof Error) return "not measured";
    const values = samples[key];
    const worst = Math.max(...values).toFixed(0);
    return key.endsWith("Tasks") ? `${median(values)} (most ${worst})` : `${median(values).toFixed(0)} ms (worst ${worst})`;
  };
  console.log(`\nIn headless Chromium on loopback, cold cache, median of ${RUNS} runs`);
  console.log("".padEnd(46) + "1x CPU".padStart(22) + "4x CPU slowdown".padStart(24));
  const table = [
    ["script tag start -> survey visible", "visible"],
    ["main-thread tasks over 50 ms until then", "longTasks"],
    ["  of which the widget's own (see below)", "widgetTasks"],
    ["the longest task until then", "worstTask"],
  ];
  for (const [label, key] of table) {
    console.log(`${label}`.padEnd(46));
    console.log("  ours".padEnd(46) + cell(fast, key).padStart(22) + cell(slow, key).padStart(24));
    console.log("  ours, a repeat visit (HTTP cache warm)".padEnd(46) + cell(repeatFast, key).padStart(22) + cell(repeatSlow, key).padStart(24));
    console.log("  PostHog (core + surveys.js, on loopback)".padEnd(46) + cell(posthogFast, key).padStart(22) + cell(posthogSlow, key).padStart(24));
    if (key === "longTasks" || key === "worstTask") console.log("  the host page alone, no survey script".padEnd(46) + cell(hostFast, key).padStart(22) + cell(hostSlow, key).padStart(24));
  }
  console.log("(the widget's own: a task in which one of its scripts ran, or that ran once its element was in");
  console.log("the page. The host page alone: in as long as ours took to show; its tasks are in every row above");
  console.log("but the widget's own.)");
  if (posthogFast instanceof Error) console.log(`PostHog not measured: ${posthogFast.message}`);
  else console.log(`PostHog fetched ${kb(posthogFast.bytes).trim()} per load, uncompressed`);
  const samples = fast;
  console.log(`layout shift on the host page, worst of ${RUNS}`.padEnd(46) + `${Math.max(...samples.cls).toFixed(3).padStart(8)}`);
  console.log("JS heap after the survey shows".padEnd(46) + kb(median(samples.heap)));
  console.log("wasm memory after the survey shows".padEnd(46) + kb(median(samples.wasm)));
  console.log("ineligible visitor (no cookie): bytes fetched".padEnd(46) + kb(bytes) + `  (${files.join(", ")}; as served, compressed, headers included)`);
  console.log("\nFormbricks' time to visible is not measured: its renderer needs the Formbricks environment");
  console.log("API and app state, which its package does not let a page fake offline.");
} finally {
  await browser.close();
  collector.stop();
}
