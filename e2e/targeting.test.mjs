// Who sees which survey, and when (issue: targeting): triggers, single-page-app navigation,
// throttles across reloads and tabs, segment criteria, sampling and blocked storage. Every "not
// shown" is checked against its positive control: the reason that ?survey_debug=1 prints.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useCollectorAndBrowser, surveyConfig, storedEvents, eventually } from "./harness.mjs";

const env = useCollectorAndBrowser();
const open = (options) => env.open(options);
const dialogCount = (page) => page.getByRole("dialog").count();
const TALL = `<main style="height: 5000px"><h1>Long article</h1></main>`;
const DEBUG = "?survey_debug=1";
/** The debug line of survey `id` (default `s`) with `status`, as the widget logs it. */
const line = (status, id = "s") => `[survey-widget] ${id}: ${status}`;

test("a delayed survey appears only after its delay", async () => {
  const config = surveyConfig({ trigger: { delay_seconds: 1.5 } });
  const { page, problems, lines, context } = await open({ config, path: `/t/page${DEBUG}` });
  await lines.waitFor(line("waiting for 1.5 s delay"));
  assert.equal(await dialogCount(page), 0, "not before the delay");
  await page.getByRole("dialog").waitFor({ timeout: 5_000 });
  assert.deepEqual(problems, []);
  await context.close();
});

test("a scroll trigger waits until the visitor scrolled far enough", async () => {
  const config = surveyConfig({ trigger: { scroll_percent: 60 } });
  const { page, lines, context } = await open({ config, body: TALL, path: `/t/page${DEBUG}` });
  await lines.waitFor(line("waiting for scroll to 60%"));
  assert.equal(await dialogCount(page), 0);
  await page.mouse.wheel(0, 1000); // (1000 + viewport 720) / 5000 = 34%: not yet
  await page.waitForTimeout(400);
  assert.equal(await dialogCount(page), 0);
  await page.evaluate(() => window.scrollTo(0, 2800)); // (2800 + 720) / 5000 = 70%
  await page.getByRole("dialog").waitFor({ timeout: 3_000 });
  await context.close();
});

test("an event trigger fires on SurveyWidget.track(name) and not on other names", async () => {
  const config = surveyConfig({ trigger: { event: "checkout" } });
  const { page, lines, context } = await open({ config, path: `/t/page${DEBUG}` });
  await lines.waitFor(line('waiting for event "checkout"'));
  await page.evaluate(() => window.SurveyWidget.track("signup"));
  await page.waitForTimeout(800);
  assert.equal(await dialogCount(page), 0);
  await page.evaluate(() => window.SurveyWidget.track("checkout"));
  await page.getByRole("dialog").waitFor({ timeout: 3_000 });
  await context.close();
});

test("exit intent on desktop: the pointer leaving through the top of the page", async () => {
  const config = surveyConfig({ trigger: { exit_intent: true } });
  const { page, lines, context } = await open({ config, path: `/t/page${DEBUG}` });
  await lines.waitFor(line("waiting for exit intent"));
  await page.mouse.move(400, 300);
  await page.evaluate(() => document.dispatchEvent(new MouseEvent("mouseout", { clientY: 300, bubbles: true })));
  await page.waitForTimeout(500);
  assert.equal(await dialogCount(page), 0, "leaving sideways is not exit intent");
  await page.evaluate(() => document.dispatchEvent(new MouseEvent("mouseout", { clientY: -2, bubbles: true })));
  await page.getByRole("dialog").waitFor({ timeout: 3_000 });
  await context.close();
});

test("exit intent on a touch phone: a fast scroll back up after reading down", async () => {
  const context = await env.browser.newContext({ hasTouch: true, isMobile: true, viewport: { width: 390, height: 700 } });
  const config = surveyConfig({ trigger: { exit_intent: true } });
  const head = `<meta name="viewport" content="width=device-width, initial-scale=1">`;
  const { page, lines } = await open({ config, body: TALL, head, context, path: `/t/page${DEBUG}` });
  await lines.waitFor(line("waiting for exit intent"));
  await page.evaluate(() => document.dispatchEvent(new MouseEvent("mouseout", { clientY: -2, bubbles: true })));
  await page.evaluate(() => window.scrollTo(0, 3000));
  await page.waitForTimeout(700);
  assert.equal(await dialogCount(page), 0, "no pointer leaves a phone's page; reading down is not leaving");
  assert.ok(await page.evaluate(() => matchMedia("(pointer: coarse)").matches), "a touch device");
  await page.evaluate(async () => { // a flick: 300 px steps up, each over 30% of the 700 px viewport
    for (let top = 2700; top >= 1800; top -= 300) {
      window.scrollTo(0, top);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  });
  await page.getByRole("dialog").waitFor({ timeout: 3_000 });
  await context.close();
});

test("SPA navigation cancels a pending survey whose page no longer matches, and arms new ones", async () => {
  // In-page clock readings: when the debug table says the delay started, and when the survey showed.
  const initScript = () => {
    window.delayStarted = [];
    const info = console.info;
    console.info = (...args) => {
      if (String(args[0]).includes("waiting for 3 s delay")) window.delayStarted.push(performance.now());
      info.apply(console, args);
    };
    addEventListener("survey-widget:shown", () => { window.shownAt = performance.now(); });
  };
  const config = surveyConfig({ trigger: { delay_seconds: 3, pages: ["/t/app*"] } });
  const { page, lines, context } = await open({ config, path: `/t/app/home${DEBUG}`, initScript });
  await lines.waitFor(line("waiting for 3 s delay"));
  await page.evaluate(() => history.pushState({}, "", "/t/blog/post"));
  await page.waitForTimeout(600);
  // Back on a matching page inside the first delay: the delay starts again from here.
  const backAt = await page.evaluate(() => { history.pushState({}, "", "/t/app/settings"); return performance.now(); });
  await page.getByRole("dialog").waitFor({ timeout: 6_000 });
  const { delayStarted, shownAt } = await page.evaluate(() => ({ delayStarted: window.delayStarted, shownAt: window.shownAt }));
  assert.ok(backAt - delayStarted[0] < 2_000, "came back inside the first delay");
  assert.ok(shownAt - backAt >= 2_900, `shown ${Math.round(shownAt - backAt)} ms after coming back: the first delay was not cancelled`);
  // An open survey stays open across navigation.
  await page.evaluate(() => history.pushState({}, "", "/t/blog/other"));
  await page.waitForTimeout(300);
  assert.equal(await dialogCount(page), 1);
  await context.close();
});

test("replaceState to a targeted page shows the survey (the loader wakes from dormant)", async () => {
  const config = surveyConfig({ trigger: { pages: ["/t/app*"] } });
  const { page, context } = await open({ config, path: "/t/blog/post" });
  await page.waitForFunction(() => window.SurveyWidget);
  assert.equal(await dialogCount(page), 0);
  await page.evaluate(() => history.replaceState({}, "", "/t/app/home"));
  await page.getByRole("dialog").waitFor({ timeout: 5_000 });
  await context.close();
});

test("popstate (the back button) to a targeted page shows the survey", async () => {
  // The page's own history entries, written past the loader's pushState hook.
  const initScript = () => { window.rawPushState = history.pushState.bind(history); };
  const config = surveyConfig({ trigger: { pages: ["/t/app*"] } });
  const { page, lines, context } = await open({ config, path: `/t/blog/post${DEBUG}`, initScript });
  await lines.waitFor(line("not shown: the page /t/blog/post is not in trigger.pages"));
  await page.evaluate(() => { window.rawPushState({}, "", "/t/app/home"); window.rawPushState({}, "", "/t/blog/next"); });
  await page.evaluate(() => history.back());
  await page.getByRole("dialog").waitFor({ timeout: 5_000 });
  assert.equal(await page.evaluate(() => location.pathname), "/t/app/home");
  await context.close();
});

test("two surveys ready: one per page view; a hash change is a new page view that shows the other", async () => {
  const config = { collector: "/v1/events", company: "Acme", quiet_days: 0,
    surveys: [{ id: "first", kind: "nps", priority: 1 }, { id: "second", kind: "csat" }] };
  const { page, lines, context } = await open({ config, path: `/t/page${DEBUG}` });
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  await lines.waitFor(line("not shown: another survey was already shown in this page view", "second"));
  assert.equal(await dialogCount(page), 1);
  assert.match(await dialog.textContent(), /recommend/, "the NPS survey, first by priority");
  await dialog.getByRole("button", { name: "Close survey" }).click();
  await page.evaluate(() => { location.hash = "#pricing"; });
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /satisfied/, "the CSAT survey");
  await context.close();
});

test("exclude_pages keeps a survey off matching pages only", async () => {
  const config = surveyConfig({ trigger: { exclude_pages: ["/t/checkout/*"] } });
  const excluded = await open({ config, path: `/t/checkout/pay${DEBUG}` });
  await excluded.lines.waitFor(line('not shown: the page /t/checkout/pay matches trigger.exclude_pages "/t/checkout/*"'));
  assert.equal(await dialogCount(excluded.page), 0);
  await excluded.context.close();
  const elsewhere = await open({ config, path: "/t/pricing" });
  await elsewhere.page.getByRole("dialog").waitFor();
  await elsewhere.context.close();
});

test("max_shows: shown on two page loads without an answer, then no more", async () => {
  const config = surveyConfig({ id: "twice", max_shows: 2 });
  const { page, lines, context } = await open({ config, path: `/t/page${DEBUG}` });
  await page.getByRole("dialog").waitFor();
  await page.reload();
  await page.getByRole("dialog").waitFor();
  lines.splice(0); // the reason must come from the third page load
  await page.reload();
  await lines.waitFor(line("not shown: already shown 2 times without an answer (max_shows)", "twice"));
  assert.equal(await dialogCount(page), 0);
  await context.close();
});

test("sample_percent: a fixed visitor is in or out of the sample, the same on every load", async () => {
  // Buckets of "<visitor>\u001fsampled" worked out apart from the widget: alice 42.11%, bob 71.24%.
  const config = surveyConfig({ id: "sampled", sample_percent: 50 });
  const inside = await open({ config, visitorId: "alice" });
  await inside.page.getByRole("dialog").waitFor();
  await inside.context.close();
  const outside = await open({ config, visitorId: "bob", path: `/t/page${DEBUG}` });
  await outside.lines.waitFor(line("not shown: the visitor is outside the 50% sample", "sampled"));
  assert.equal(await dialogCount(outside.page), 0);
  await outside.context.close();
  const again = await open({ config: surveyConfig({ id: "sampled", sample_percent: 45 }), visitorId: "alice" });
  await again.page.getByRole("dialog").waitFor();
  await again.context.close();
});

test("answered, then reloaded: not shown again (recontact_days)", async () => {
  const { page, lines, context } = await open({ config: surveyConfig(), path: `/t/page${DEBUG}` });
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("radio", { name: /^8\b/ }).check();
  lines.splice(0); // the reason must come from the reloaded page
  await page.reload();
  await lines.waitFor(line("not shown: the visitor answered recently; asked again from "));
  assert.equal(await dialogCount(page), 0);
  await context.close();
});

test("dismissed, then reloaded: not shown again (dismiss_days)", async () => {
  const { page, lines, context } = await open({ config: surveyConfig(), path: `/t/page${DEBUG}` });
  await page.getByRole("dialog").getByRole("button", { name: "Close survey" }).click();
  await page.waitForTimeout(300); // the close's own evaluation logs the reason too
  lines.splice(0); // the reason must come from the reloaded page
  await page.reload();
  await lines.waitFor(line("not shown: the visitor dismissed it recently; shown again from "));
  assert.equal(await dialogCount(page), 0);
  await context.close();
});

test("answered in one tab: another open tab does not show it when its trigger fires", async () => {
  const config = surveyConfig({ trigger: { event: "done" } });
  const first = await open({ config });
  const second = await open({ config, context: first.context, path: `/t/page${DEBUG}` });
  await second.lines.waitFor(line('waiting for event "done"'));
  await first.page.evaluate(() => window.SurveyWidget.track("done"));
  await first.page.getByRole("dialog").getByRole("radio", { name: /^10\b/ }).check();
  await second.page.evaluate(() => window.SurveyWidget.track("done"));
  await second.lines.waitFor(line("not shown: the visitor answered recently; asked again from "));
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
  const hidden = await open({ config: surveyConfig(), visitorId: null, path: `/t/page${DEBUG}` });
  await hidden.lines.waitFor(line('not shown: the visitor has no "visitor_id" cookie'));
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
  const { page, problems, lines, context } = await open({ config, initScript, path: `/t/page${DEBUG}` });
  await page.evaluate(() => window.SurveyWidget.track("go"));
  const dialog = page.getByRole("dialog");
  await dialog.waitFor({ timeout: 3_000 });
  await dialog.getByRole("button", { name: "Close survey" }).click();
  await page.waitForTimeout(300); // the close's own evaluation logs the reason too
  lines.splice(0); // the reason must come from the next page view
  await page.evaluate(() => { history.pushState({}, "", "/t/next"); window.SurveyWidget.track("go"); });
  await lines.waitFor(line("not shown: the visitor dismissed it recently"));
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

test("calls made right after init() wait for its start: show() in the same script shows the survey", async () => {
  // init() spreads its work over several tasks; a show() queued behind it must find it started.
  const config = surveyConfig({ trigger: { delay_seconds: 600 } });
  const scriptTag = `<script src="/survey-widget.js"></script>
    <script>SurveyWidget.init(${JSON.stringify(config)}); SurveyWidget.show("s");</script>`;
  const { page, problems, context } = await open({ scriptTag });
  await page.getByRole("dialog").waitFor({ timeout: 5_000 });
  assert.equal(await page.getByRole("radio").count(), 11);
  assert.deepEqual(problems, []);
  await context.close();
});

test("track() before identify() made the visitor eligible still counts for this page view", async () => {
  const config = surveyConfig({ trigger: { event: "upgraded" }, segment: { attr: "plan", op: "eq", value: "pro" } });
  const { page, lines, context } = await open({ config, path: `/t/page${DEBUG}` });
  await page.evaluate(() => window.SurveyWidget.track("upgraded"));
  await lines.waitFor(line("not shown: the visitor is not in the segment"));
  assert.equal(await dialogCount(page), 0, "not in the segment yet");
  await page.evaluate(() => window.SurveyWidget.identify({ plan: "pro" }));
  await page.getByRole("dialog").waitFor({ timeout: 3_000 });
  await context.close();
});
