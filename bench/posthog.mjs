// PostHog's NPS popover, timed offline: the PostHog core (`array.js`, loaded as its install
// snippet does) fetches its remote config, then `surveys.js`, then the survey list, and renders
// the survey into `div.PostHogSurvey-<id>`'s shadow root. A loopback server answers every one of
// those requests as PostHog's servers would (nothing leaves the machine).
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";

/** Slows `page`'s CPU `rate` times (DevTools' Emulation.setCPUThrottlingRate; 4 is
 *  Lighthouse's mobile setting), for every load that page makes. */
export async function slowCpu(context, page, rate) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate });
}

/** Records main-thread tasks over 50 ms; `__tasksUntil(ms)` counts those that started before
 *  `ms` (performance.now() time), the longest of them, and those that were the widget's own:
 *  a task in which one of its scripts ran (`scripts`: parts of their URLs; long animation frames
 *  list every script of 5 ms or more in them), or one still running once its first element
 *  (`element`, a CSS selector) was in the page (its layout). The others are the host page's. */
export const longTaskProbe = ({ scripts, element }) => `window.__tasks = [];
  new PerformanceObserver((l) => l.getEntries().forEach((e) => __tasks.push([e.startTime, e.duration])))
    .observe({ type: "longtask", buffered: true });
  window.__widgetScripts = [];
  new PerformanceObserver((l) => l.getEntries().forEach((frame) => frame.scripts
    .filter((script) => ${JSON.stringify(scripts)}.some((part) => script.sourceURL.includes(part)))
    .forEach((script) => __widgetScripts.push([script.startTime, script.startTime + script.duration]))))
    .observe({ type: "long-animation-frame", buffered: true });
  new MutationObserver((changes, observer) => {
    if (document.querySelector(${JSON.stringify(element)})) { window.__widgetAppeared = performance.now(); observer.disconnect(); }
  }).observe(document, { childList: true, subtree: true });
  window.__tasksUntil = (ms) => {
    const before = __tasks.filter(([start]) => start < ms);
    const widgets = before.filter(([start, duration]) => start + duration > (window.__widgetAppeared ?? Infinity)
      || __widgetScripts.some(([from, to]) => from < start + duration && to > start));
    return { longTasks: before.length, worstTask: Math.max(0, ...before.map(([, duration]) => duration)), widgetTasks: widgets.length };
  };`;

const TOKEN = "phc_test";
const SURVEY_ID = "nps-bench";

/** PostHog's NPS popover on a page with `body`, `runs` loads, each in a fresh browser context
 *  (cold cache) with the CPU slowed `cpuRate` times. Resolves to `{visible, longTasks,
 *  worstTask, widgetTasks, bytes}`: per load, the ms from the script tag starting to its 11
 *  rating buttons laid out, the count of main-thread tasks over 50 ms until then, the longest
 *  (ms) and how many of them were PostHog's own (see `longTaskProbe`); and the bytes one load
 *  fetched from PostHog. */
export async function posthogTimeToVisible(browser, packageDir, runs, body, cpuRate = 1) {
  const dist = join(packageDir, "dist");
  const version = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")).version;
  const files = { core: readFileSync(join(dist, "array.js")), surveys: readFileSync(join(dist, "surveys.js")) };
  const remoteConfig = { token: TOKEN, supportedCompression: ["gzip"], hasFeatureFlags: false, surveys: true,
    sessionRecording: false, heatmaps: false, autocaptureExceptions: false, capturePerformance: false, siteApps: [] };
  const survey = { id: SURVEY_ID, name: "NPS", type: "popover", schedule: "once", conditions: null, appearance: null,
    start_date: "2024-01-01T00:00:00Z", end_date: null, linked_flag_key: null, targeting_flag_key: null,
    internal_targeting_flag_key: null, current_iteration: null,
    questions: [
      { id: "q1", type: "rating", display: "number", scale: 10, question: "How likely are you to recommend us to a friend?",
        lowerBoundLabel: "Unlikely", upperBoundLabel: "Very likely" },
      { id: "q2", type: "open", question: "What is the main reason for your score?" },
    ] };
  let bytes = 0;
  let origin = "";
  const page = () => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host</title><link rel="icon" href="data:,">
<script>
  performance.mark("start");
  ${longTaskProbe({ scripts: ["/static/", "/array/"], element: `.PostHogSurvey-${SURVEY_ID}` })}
  (function poll() {
    const host = document.querySelector(".PostHogSurvey-${SURVEY_ID}");
    const buttons = host && host.shadowRoot ? host.shadowRoot.querySelectorAll("button.ratings-number") : [];
    if (buttons.length === 11 && buttons[0].getBoundingClientRect().width > 0)
      window.__visible = performance.now() - performance.getEntriesByName("start")[0].startTime;
    else requestAnimationFrame(poll);
  })();
</script>
<script>!function(t,e){if(e.__SV)return;window.posthog=e;e._i=[];e.init=function(i,s,a){var p=t.createElement("script");p.async=!0;p.crossOrigin="anonymous";p.src=s.api_host+"/static/array.js";var r=t.getElementsByTagName("script")[0];r.parentNode.insertBefore(p,r);e._i.push([i,s,a])};e.__SV=1}(document,window.posthog||[]);
posthog.init(${JSON.stringify(TOKEN)}, { api_host: ${JSON.stringify(origin)}, opt_out_useragent_filter: true });</script>
</head><body>${body}</body></html>`;
  const answer = (path) => {
    const script = (body) => [200, "application/javascript", body];
    const json = (value) => [200, "application/json", JSON.stringify(value)];
    if (path === "/") return [200, "text/html", page()];
    if (path === "/static/array.js") return script(files.core);
    if (path === `/static/${version}/surveys.js`) return script(files.surveys);
    if (path === `/array/${TOKEN}/config.js`) {
      return script(`(window._POSTHOG_REMOTE_CONFIG=window._POSTHOG_REMOTE_CONFIG||{})[${JSON.stringify(TOKEN)}]={config:${JSON.stringify(remoteConfig)},siteApps:[]};`);
    }
    if (path.startsWith("/api/surveys")) return json({ surveys: [survey] });
    if (path.startsWith("/flags") || path.startsWith("/decide")) return json({ flags: {}, featureFlags: {} });
    return json({ status: 1 }); // event capture (/e/, /i/v0/e, /batch)
  };
  const server = createServer((request, response) => {
    const [status, type, body] = answer(new URL(request.url, origin).pathname);
    if (request.method === "GET" && request.url !== "/") bytes += Buffer.byteLength(body);
    request.resume();
    request.on("end", () => response.writeHead(status, { "content-type": type }).end(body));
  });
  await new Promise((ready) => server.listen(0, "127.0.0.1", ready));
  origin = `http://127.0.0.1:${server.address().port}`;
  const samples = { visible: [], longTasks: [], worstTask: [], widgetTasks: [], bytes: 0 };
  try {
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext();
      bytes = 0;
      const tab = await context.newPage();
      await slowCpu(context, tab, cpuRate);
      await tab.goto(origin + "/");
      await tab.waitForFunction(() => window.__visible !== undefined, null, { timeout: 30_000 });
      await tab.waitForTimeout(300); // long task entries arrive after their task
      const measured = await tab.evaluate(() => ({ visible: __visible, ...__tasksUntil(performance.getEntriesByName("start")[0].startTime + __visible) }));
      for (const key of ["visible", "longTasks", "worstTask", "widgetTasks"]) samples[key].push(measured[key]);
      await context.close();
    }
  } finally {
    server.close();
  }
  samples.bytes = bytes;
  return samples;
}
