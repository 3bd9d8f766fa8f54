// Who sees which survey, and when (issue: targeting): triggers, single-page-app navigation,
// throttles across reloads and tabs, segment criteria, and blocked storage.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useCollectorAndBrowser, surveyConfig, storedEvents, eventually } from "./harness.mjs";

const env = useCollectorAndBrowser();
const open = (options) => env.open(options);
const dialogCount = (page) => page.getByRole("dialog").count();
const TALL = `<main style="height: 5000px"><h1>Long article</h1></main>`;

test("a delayed survey appears only after its delay", async () => {
  const { page, problems, context } = await open({ config: surveyConfig({ trigger: { delay_seconds: 1.5 } }) });
  await page.waitForFunction(() => window.SurveyWidget && document.readyState === "complete");
  await page.waitForTimeout(500);
  assert.equal(await dialogCount(page), 0, "not before the delay");
  await page.getByRole("dialog").waitFor({ timeout: 5_000 });
  assert.deepEqual(problems, []);
  await context.close();
});

test("a scroll trigger waits until the visitor scrolled far enough", async () => {
  const { page, context } = await open({ config: surveyConfig({ trigger: { scroll_percent: 60 } }), body: TALL });
  await page.waitForTimeout(800);
  assert.equal(await dialogCount(page), 0);
  await page.mouse.wheel(0, 1000); // (1000 + viewport 720) / 5000 = 34%: not yet
  await page.waitForTimeout(400);
  assert.equal(await dialogCount(page), 0);
  await page.evaluate(() => window.scrollTo(0, 2800)); // (2800 + 720) / 5000 = 70%
  await page.getByRole("dialog").waitFor({ timeout: 3_000 });
  await context.close();
});

test("an event trigger fires on SurveyWidget.track(name) and not on other names", async () => {
  const { page, context } = await open({ config: surveyConfig({ trigger: { event: "checkout" } }) });
  await page.evaluate(() => window.SurveyWidget.track("signup"));
  await page.waitForTimeout(800);
  assert.equal(await dialogCount(page), 0);
  await page.evaluate(() => window.SurveyWidget.track("checkout"));
  await page.getByRole("dialog").waitFor({ timeout: 3_000 });
  await context.close();
});

test("exit intent on desktop: the pointer leaving through the top of the page", async () => {
  const { page, context } = await open({ config: surveyConfig({ trigger: { exit_intent: true } }) });
  await page.mouse.move(400, 300);
  await page.waitForTimeout(800);
  assert.equal(await dialogCount(page), 0);
  await page.evaluate(() => document.dispatchEvent(new MouseEvent("mouseout", { clientY: -2, bubbles: true })));
  await page.getByRole("dialog").waitFor({ timeout: 3_000 });
  await context.close();
});

test("SPA navigation cancels a pending survey whose page no longer matches, and arms new ones", async () => {
  const config = surveyConfig({ trigger: { delay_seconds: 1.5, pages: ["/t/app*"] } });
  const { page, context } = await open({ config, path: "/t/app/home" });
  await page.waitForFunction(() => window.SurveyWidget);
  await page.waitForTimeout(300);
  await page.evaluate(() => history.pushState({}, "", "/t/blog/post"));
  await page.waitForTimeout(2_500);
  assert.equal(await dialogCount(page), 0, "cancelled: the visitor left /t/app");
  await page.evaluate(() => history.pushState({}, "", "/t/app/settings"));
  await page.getByRole("dialog").waitFor({ timeout: 4_000 });
  // An open survey stays open across navigation.
  await page.evaluate(() => history.pushState({}, "", "/t/blog/other"));
  await page.waitForTimeout(300);
  assert.equal(await dialogCount(page), 1);
  await context.close();
});

test("answered, then reloaded: not shown again (recontact_days)", async () => {
  const { page, context } = await open({ config: surveyConfig() });
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("radio", { name: /^8\b/ }).check();
  await page.reload();
  await page.waitForFunction(() => window.SurveyWidget);
  await page.waitForTimeout(1_500);
  assert.equal(await dialogCount(page), 0);
  await context.close();
});

test("dismissed, then reloaded: not shown again (dismiss_days)", async () => {
  const { page, context } = await open({ config: surveyConfig() });
  await page.getByRole("dialog").getByRole("button", { name: "Close survey" }).click();
  await page.reload();
  await page.waitForTimeout(1_500);
  assert.equal(await dialogCount(page), 0);
  await context.close();
});

test("answered in one tab: another open tab does not show it when its trigger fires", async () => {
  const config = surveyConfig({ trigger: { event: "done" } });
  const first = await open({ config });
  const second = await open({ config, context: first.context });
  await first.page.evaluate(() => window.SurveyWidget.track("done"));
  await first.page.getByRole("dialog").getByRole("radio", { name: /^10\b/ }).check();
  await second.page.evaluate(() => window.SurveyWidget.track("done"));
  await second.page.waitForTimeout(800);
  assert.equal(await dialogCount(second.page), 0);
  await first.context.close();
});

test("segment criteria use data-attributes, and ?survey_debug=1 explains a survey not shown", async () => {
  const segment = { all: [{ attr: "plan", op: "in", value: ["pro", "enterprise"] }] };
  const shown = await open({ config: surveyConfig({ segment }), attributes: { plan: "pro" } });
  await shown.page.getByRole("dialog").waitFor({ timeout: 3_000 });
  await shown.context.close();

  const { page, context } = await open({ config: surveyConfig({ segment }), attributes: { plan: "free" }, path: "/t/page?survey_debug=1" });
  const messages = [];
  page.on("console", (m) => messages.push(m.text()));
  await page.reload();
  const reason = '[survey-widget] s: not shown: the visitor is not in the segment: segment.all[0]: plan in ["pro","enterprise"] is false: plan is "free"';
  await page.waitForFunction(() => window.SurveyWidget);
  for (let i = 0; i < 30 && !messages.includes(reason); i++) await page.waitForTimeout(100);
  assert.ok(messages.includes(reason), messages.join("\n"));
  assert.equal(await dialogCount(page), 0);
  await context.close();
});

test("a visitor without the cookie sees only anonymous surveys", async () => {
  const hidden = await open({ config: surveyConfig(), visitorId: null });
  await hidden.page.waitForTimeout(1_200);
  assert.equal(await dialogCount(hidden.page), 0);
  await hidden.context.close();
  const anonymous = await open({ config: surveyConfig({ anonymous: true }), visitorId: null });
  await anonymous.page.getByRole("dialog").waitFor({ timeout: 3_000 });
  await anonymous.context.close();
});

test("localStorage that throws: the survey still shows once per page session, no uncaught error", async () => {
  const initScript = () => {
    const boom = () => { throw new DOMException("blocked", "SecurityError"); };
    Storage.prototype.getItem = boom;
    Storage.prototype.setItem = boom;
  };
  const config = surveyConfig({ trigger: { event: "go" } });
  const { page, problems, context } = await open({ config, initScript });
  await page.evaluate(() => window.SurveyWidget.track("go"));
  const dialog = page.getByRole("dialog");
  await dialog.waitFor({ timeout: 3_000 });
  await dialog.getByRole("button", { name: "Close survey" }).click();
  await page.evaluate(() => { history.pushState({}, "", "/t/next"); window.SurveyWidget.track("go"); });
  await page.waitForTimeout(800);
  assert.equal(await dialogCount(page), 0, "dismissed in this page session");
  assert.deepEqual(problems.filter((p) => p.startsWith("uncaught")), []);
  await context.close();
});

test("a visitor who cannot be surveyed downloads only the loader and the config", async () => {
  const context = await env.browser.newContext();
  const fetched = [];
  context.on("request", (request) => fetched.push(new URL(request.url()).pathname));
  const stranger = await open({ config: surveyConfig(), visitorId: null, context });
  await stranger.page.waitForTimeout(1_000);
  assert.ok(fetched.includes("/survey-widget.js"));
  assert.deepEqual(fetched.filter((p) => p.startsWith("/app/")), [], "no widget module for a visitor without the cookie");
  await context.close();
});

test("answered: later page views skip the widget module while the survey is held back", async () => {
  const context = await env.browser.newContext();
  const { page } = await open({ config: surveyConfig({ id: "quiet" }), context });
  await page.getByRole("dialog").getByRole("radio", { name: /^9\b/ }).check();
  await eventually(async () => (await storedEvents(env.collector.url, "quiet")).some((e) => e.event === "response"));
  await page.reload(); // this view learns that every survey is held back, and says so
  await page.waitForTimeout(1_000);
  const fetched = [];
  context.on("request", (request) => fetched.push(new URL(request.url()).pathname));
  await page.reload();
  await page.waitForTimeout(1_000);
  assert.ok(fetched.includes("/survey-widget.js"));
  assert.deepEqual(fetched.filter((p) => p.startsWith("/app/")), []);
  assert.equal(await page.getByRole("dialog").count(), 0);
  await context.close();
});

test("track() before identify() made the visitor eligible still counts for this page view", async () => {
  const config = surveyConfig({ trigger: { event: "upgraded" }, segment: { attr: "plan", op: "eq", value: "pro" } });
  const { page, context } = await open({ config });
  await page.evaluate(() => window.SurveyWidget.track("upgraded"));
  await page.waitForTimeout(500);
  assert.equal(await dialogCount(page), 0, "not in the segment yet");
  await page.evaluate(() => window.SurveyWidget.identify({ plan: "pro" }));
  await page.getByRole("dialog").waitFor({ timeout: 3_000 });
  await context.close();
});
