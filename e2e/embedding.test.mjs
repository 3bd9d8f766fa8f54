// A widget on other people's pages (issue: isolation, strict CSP, every way to embed): hostile
// host CSS, strict CSP, throwing host scripts, the pre-load queue, DOM events, the custom
// element, and failures that must stay one console error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useCollectorAndBrowser, surveyConfig, storedEvents, eventually } from "./harness.mjs";

const env = useCollectorAndBrowser();
const open = (options) => env.open(options);
const uncaught = (problems) => problems.filter((p) => p.startsWith("uncaught"));
const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; img-src 'self' data:";

async function answer(page, score = 9) {
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("radio", { name: new RegExp(`^${score}\\b`) }).check();
  await dialog.getByRole("textbox").fill("ok");
  await dialog.getByRole("button", { name: "Send" }).click();
  await dialog.getByRole("status").getByText(/Thank you/).waitFor();
}

test("hostile host CSS, a full-page overlay with a huge z-index, and throwing host scripts", async () => {
  const head = `<style>
      * { all: unset !important; }
      button, [role=dialog], survey-widget-popup { display: none !important; }
      .overlay { position: fixed !important; inset: 0 !important; z-index: 2147483647 !important; display: block !important; background: rgba(0,0,0,.01) !important; }
    </style>
    <script>setTimeout(() => { throw new Error("host bug"); }, 10); window.hostValue = 1;</script>`;
  const body = `<p id="host-text">Host text</p><div class="overlay"></div>`;
  const { page, problems, context } = await open({ config: surveyConfig({ id: "hostile" }), head, body });
  const before = await page.evaluate(() => getComputedStyle(document.getElementById("host-text")).fontFamily);
  await answer(page); // clicks go through: the pop-up is above the overlay, in the top layer
  const after = await page.evaluate(() => getComputedStyle(document.getElementById("host-text")).fontFamily);
  assert.equal(after, before, "the widget's CSS does not reach the host");
  assert.deepEqual(uncaught(problems), ["uncaught: host bug"], "only the host's own error");
  await eventually(async () => (await storedEvents(env.collector.url, "hostile")).some((e) => e.comment === "ok"));
  await context.close();
});

test("a page with a strict Content-Security-Policy: usable, no violation", async () => {
  const violations = () => { window.__violations = []; document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(e.violatedDirective)); };
  const { page, problems, context } = await open({
    config: surveyConfig({ id: "csp" }), headers: { "Content-Security-Policy": STRICT_CSP }, initScript: violations,
  });
  await answer(page);
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test("JS API calls made before the script loads take effect; DOM events carry the wire event", async () => {
  const config = surveyConfig({ id: "queued", trigger: { event: "never" } });
  const head = `<script>
      window.SurveyWidget = { __queue: [["init", [${JSON.stringify(config)}]], ["show", ["queued", { force: true }]]] };
      window.__events = [];
      ["shown", "answered", "completed", "dismissed"].forEach((name) =>
        addEventListener("survey-widget:" + name, (e) => window.__events.push([name, e.detail])));
    </script>`;
  const { page, context } = await open({ config, head, scriptTag: `<script async src="/survey-widget.js"></script>` });
  await answer(page, 7);
  const events = await page.evaluate(() => window.__events);
  assert.deepEqual(events.map(([name]) => name), ["shown", "answered", "completed"]);
  const [, answered] = events[1];
  assert.equal(answered.event, "response");
  assert.equal(answered.score, 7);
  assert.equal(answered.category, "passive");
  assert.equal(answered.survey_id, "queued");
  assert.equal(events[2][1].id, answered.id, "the comment reuses the response's id");
  assert.equal(events[2][1].comment, "ok");
  await context.close();
});

test("the <survey-widget> custom element renders inline in the page flow and submits", async () => {
  const config = surveyConfig({ id: "inline" });
  const body = `<main><h1>Feedback</h1><survey-widget config='${JSON.stringify(config)}' survey="inline" mode="inline"></survey-widget><footer id="after">After</footer></main>`;
  const { page, problems, context } = await open({ config, body, scriptTag: `<script src="/survey-widget.js"></script>` });
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  const [card, footer] = await Promise.all([dialog.boundingBox(), page.locator("#after").boundingBox()]);
  assert.ok(card.y + card.height <= footer.y + 1, "the card sits in the flow, above the footer");
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector("survey-widget").shadowRoot.querySelector(".sw-card")).position), "relative");
  await answer(page, 10);
  await eventually(async () => (await storedEvents(env.collector.url, "inline")).some((e) => e.score === 10 && e.comment === "ok"));
  assert.deepEqual(problems, []);
  await context.close();
});

test("an unreachable config is one console error and nothing else", async () => {
  const { page, problems, context } = await open({ scriptTag: `<script async src="/survey-widget.js" data-config="/missing.json"></script>` });
  await page.waitForTimeout(1_500);
  const ours = problems.filter((p) => p.startsWith("[survey-widget]"));
  assert.equal(ours.length, 1, problems.join("\n"));
  assert.match(ours[0], /could not load the config \/missing\.json: HTTP 404/);
  assert.deepEqual(uncaught(problems), []);
  await context.close();
});

test("an unreachable widget module is one console error and nothing else", async () => {
  const context = await env.browser.newContext();
  await context.route("**/app/survey-widget_bg.wasm", (route) => route.fulfill({ status: 404, body: "" }));
  const { page, problems } = await open({ config: surveyConfig(), context });
  await page.waitForTimeout(1_500);
  const ours = problems.filter((p) => p.startsWith("[survey-widget]"));
  assert.equal(ours.length, 1, problems.join("\n"));
  assert.match(ours[0], /could not load the widget/);
  assert.deepEqual(uncaught(problems), []);
  await context.close();
});

test("a host that serves the wasm as application/octet-stream: the survey shows, the console stays quiet", async () => {
  const context = await env.browser.newContext();
  let served = 0;
  await context.route("**/app/survey-widget_bg.wasm", async (route) => {
    served += 1;
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), "content-type": "application/octet-stream" } });
  });
  const { page, problems, lines } = await open({ config: surveyConfig({ id: "octets" }), context });
  await answer(page);
  assert.deepEqual(problems, []);
  assert.deepEqual(lines.filter((line) => /wasm|mime/i.test(line)), [], "no warning about the wasm's MIME type");
  await eventually(async () => (await storedEvents(env.collector.url, "octets")).some((e) => e.comment === "ok"));
  assert.equal(served, 1, "the wasm came through the octet-stream route");
  await context.close();
});

test("an unreachable collector: the survey still works and nothing is thrown", async () => {
  const config = surveyConfig({ id: "nowhere" }, { collector: "http://127.0.0.1:9/v1/events" });
  const { page, problems, context } = await open({ config });
  await answer(page);
  await page.waitForTimeout(500);
  assert.deepEqual(uncaught(problems), []);
  assert.deepEqual(problems.filter((p) => p.startsWith("[survey-widget]")), []);
  await context.close();
});

test("an invalid survey is one console error naming it and its JSON path; the valid one still runs", async () => {
  const config = {
    collector: "/v1/events",
    surveys: [
      { id: "broken", kind: "nps", segment: { all: [{ attr: "plan", op: "equal", value: "pro" }] } },
      { id: "fine", kind: "csat" },
    ],
  };
  const { page, problems, context } = await open({ config });
  await page.getByRole("dialog", { name: /How satisfied were you with us/ }).waitFor();
  const ours = problems.filter((p) => p.startsWith("[survey-widget]"));
  assert.equal(ours.length, 1);
  assert.match(ours[0], /survey "broken" skipped: surveys\[0\]\.segment\.all\[0\]\.op: unknown op "equal"/);
  await context.close();
});

test("init() called twice (a framework mounting twice) still shows one survey", async () => {
  const config = surveyConfig({ id: "twice" });
  const head = `<script>window.SurveyWidget = { __queue: [["init", [${JSON.stringify(config)}]], ["init", [${JSON.stringify(config)}]]] };</script>`;
  const { page, problems, context } = await open({ config, head, scriptTag: `<script async src="/survey-widget.js"></script>` });
  await page.getByRole("dialog").waitFor();
  await page.waitForTimeout(800);
  assert.equal(await page.locator("survey-widget-popup").count(), 1);
  assert.deepEqual(problems, []);
  await context.close();
});
