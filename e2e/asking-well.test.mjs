// Asking well (issue: one quiet period across surveys, priority, schedule, appearance, a bottom
// sheet on phones, and a config that rejects typos), in the real widget and browser.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useCollectorAndBrowser, axeViolations, consoleLines } from "./harness.mjs";

const env = useCollectorAndBrowser();
const DAY = 86_400_000;
const dialogCount = (page) => page.getByRole("dialog").count();

/** A config of several surveys (each `{id, kind: "nps", ...}` unless given). */
function config(surveys, extra = {}) {
  return { collector: "/v1/events", company: "Acme", surveys: surveys.map((s) => ({ kind: "nps", ...s })), ...extra };
}

/** Opens a page in a new context (or `context`) with `viewport`; collects console lines. */
async function open(options, { viewport, context } = {}) {
  const ctx = context || await env.browser.newContext({ locale: "en-US", ...(viewport ? { viewport } : {}) });
  const opened = await env.open({ ...options, context: ctx });
  return { ...opened, context: ctx };
}

/** The survey ids of `survey-widget:shown` events in `page` (recorded from the start). */
const RECORD_SHOWN = () => {
  window.shownSurveys = [];
  addEventListener("survey-widget:shown", (event) => window.shownSurveys.push(event.detail.survey_id));
};

test("of two surveys ready at once, the higher priority shows, whatever the config order", async () => {
  const surveys = [{ id: "first-in-config" }, { id: "important", kind: "csat", priority: 10 }];
  const { page, context } = await open({ config: config(surveys), initScript: RECORD_SHOWN });
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  await page.waitForTimeout(300);
  assert.deepEqual(await page.evaluate(() => window.shownSurveys), ["important"]);
  assert.match(await dialog.textContent(), /satisfied/, "the CSAT question");
  assert.equal(await dialogCount(page), 1);
  await context.close();
});

test("after an answer, no other survey for quiet_days: across a reload and in a second tab, then again", async () => {
  const surveys = [{ id: "first", priority: 1 }, { id: "second" }];
  const cfg = config(surveys, { quiet_days: 14 });
  const { page, context } = await open({ config: cfg, initScript: RECORD_SHOWN });
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("radio", { name: /^9\b/ }).check();
  await dialog.getByRole("button", { name: "Close survey" }).click();

  const reason = '[survey-widget] second: not shown: the visitor answered or dismissed survey "first" recently; no other survey before';
  for (const where of ["reloaded", "second tab"]) {
    const tab = where === "reloaded" ? page : await context.newPage();
    const lines = consoleLines(tab);
    await tab.goto(new URL("/t/page?survey_debug=1", env.collector.url).href);
    await lines.waitFor(reason);
    assert.ok(lines.some((line) => line.includes("(quiet_days)")), lines.join("\n"));
    assert.equal(await dialogCount(tab), 0, `${where}: quiet`);
  }

  // Fifteen days later (the page's clock moved, not the test's), the second survey is asked.
  await context.clock.install({ time: Date.now() + 15 * DAY });
  const later = await context.newPage();
  await later.goto(new URL("/t/page", env.collector.url).href);
  await later.getByRole("dialog").waitFor();
  assert.deepEqual(await later.evaluate(() => window.shownSurveys), ["second"]);
  await context.close();
});

test("a dismissal quiets the other surveys too, and the next load needs only the loader", async () => {
  const cfg = config([{ id: "first", priority: 1 }, { id: "second" }]);
  const { page, context } = await open({ config: cfg });
  await page.getByRole("dialog").getByRole("button", { name: "Close survey" }).click();
  await page.waitForTimeout(300);
  const wasm = [];
  page.on("request", (request) => { if (request.url().endsWith(".wasm")) wasm.push(request.url()); });
  await page.reload();
  await page.waitForFunction(() => window.SurveyWidget);
  await page.waitForTimeout(1_000);
  assert.equal(await dialogCount(page), 0);
  assert.deepEqual(wasm, [], "the loader knew every survey is quiet");
  await context.close();
});

test("outside starts_at / ends_at a survey does not show; debug says why, and the loader alone decides without it", async () => {
  const now = Date.now();
  const surveys = [
    { id: "upcoming", starts_at: new Date(now + 2 * DAY).toISOString() },
    { id: "over", starts_at: new Date(now - 9 * DAY).toISOString(), ends_at: new Date(now - DAY).toISOString() },
  ];
  const debugged = await open({ config: config(surveys), path: "/t/page?survey_debug=1" });
  const lines = consoleLines(debugged.page);
  await debugged.page.reload();
  await lines.waitFor("[survey-widget] upcoming: not shown: the survey starts at ");
  await lines.waitFor("[survey-widget] over: not shown: the survey ended at ");
  assert.equal(await dialogCount(debugged.page), 0);
  await debugged.context.close();

  const wasm = [];
  const plain = await open({ config: config(surveys) });
  plain.page.on("request", (request) => { if (request.url().endsWith(".wasm")) wasm.push(request.url()); });
  await plain.page.reload();
  await plain.page.waitForFunction(() => window.SurveyWidget);
  await plain.page.waitForTimeout(800);
  assert.deepEqual(wasm, [], "no survey is in its window: the widget is not downloaded");
  await plain.context.close();

  const running = await open({ config: config([{ id: "running", starts_at: new Date(now - DAY).toISOString(), ends_at: new Date(now + DAY).toISOString() }]) });
  await running.page.getByRole("dialog").waitFor();
  await running.context.close();
});

test("debug always answers: no identity cookie, and still one line per survey", async () => {
  const surveys = [{ id: "members" }, { id: "off", enabled: false }];
  const { page, context } = await open({ config: config(surveys), visitorId: null, path: "/t/page?survey_debug=1" });
  const lines = consoleLines(page);
  await page.reload();
  await lines.waitFor('[survey-widget] members: not shown: the visitor has no "visitor_id" cookie');
  await lines.waitFor("[survey-widget] off: not shown: the survey is disabled");
  await context.close();
});

test("a typo at any level is one console error naming its path and the key it meant; the other surveys run", async () => {
  const surveys = [
    { id: "a", triger: { delay_seconds: 5 } },
    { id: "b", trigger: { delay_secnds: 5 } },
    { id: "c", segment: { all: [{ atr: "plan", op: "eq", value: "pro" }] } },
    { id: "d", appearance: { postion: "center" } },
    { id: "e", text: { en: { folow_up: { detractor: "Why?" } } } },
    { id: "ok" },
  ];
  const { page, problems, context } = await open({ config: config(surveys) });
  await page.getByRole("dialog").waitFor();
  const expected = [
    "surveys[0].triger: unknown field; did you mean `trigger`?",
    "surveys[1].trigger.delay_secnds: unknown field; did you mean `delay_seconds`?",
    "surveys[2].segment.all[0].atr: unknown field; did you mean `attr`?",
    "surveys[3].appearance.postion: unknown field; did you mean `position`?",
    "surveys[4].text.en.folow_up: unknown field; did you mean `follow_up`?",
  ];
  for (const message of expected) {
    assert.equal(problems.filter((p) => p.includes(message)).length, 1, `${message} in:\n${problems.join("\n")}`);
  }
  assert.equal(problems.length, expected.length, problems.join("\n"));

  const root = await open({ config: config([{ id: "s" }], { quiet_dayz: 3 }) });
  for (let i = 0; i < 30 && !root.problems.length; i++) await root.page.waitForTimeout(100);
  assert.ok(root.problems.some((p) => p.includes("quiet_dayz: unknown field; did you mean `quiet_days`?")), root.problems.join("\n"));
  assert.equal(await dialogCount(root.page), 0);
  await root.context.close();
  await context.close();
});

const POSITIONS = {
  "bottom-right": (box) => [box.x + box.width, box.y + box.height, 1260, 700],
  "bottom-left": (box) => [box.x, box.y + box.height, 20, 700],
  "bottom-center": (box) => [box.x + box.width / 2, box.y + box.height, 640, 700],
  center: (box) => [box.x + box.width / 2, box.y + box.height / 2, 640, 360],
};

for (const [position, measure] of Object.entries(POSITIONS)) {
  test(`appearance.position ${position}: the box is where it says at 1280 px, and axe-core finds nothing`, async () => {
    const appearance = { position, accent: "#0a7d4f", logo: "https://logo.example/acme.svg", branding: true };
    const { page, context } = await open({ config: config([{ id: "s", appearance }]) }, { viewport: { width: 1280, height: 720 } });
    await context.route("https://logo.example/**", (route) => route.fulfill({ contentType: "image/svg+xml", body: '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24"><rect width="24" height="24" fill="#0a7d4f"/></svg>' }));
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    await page.waitForTimeout(400); // the rise animation
    const [x, y, wantX, wantY] = measure(await dialog.boundingBox());
    assert.ok(Math.abs(x - wantX) <= 2 && Math.abs(y - wantY) <= 2, `${position}: (${x}, ${y}) instead of (${wantX}, ${wantY})`);
    const logo = dialog.locator("img.sw-logo");
    assert.equal(await logo.getAttribute("alt"), "");
    assert.equal(await dialog.locator(".sw-brand").textContent(), "Acme");
    const branding = await dialog.evaluate((card) => getComputedStyle(card, "::after").content);
    assert.equal(branding, '"Powered by survey-widget"');
    await dialog.getByRole("radio", { name: /^9\b/ }).check();
    const chosen = dialog.locator("input:checked + span");
    await page.waitForTimeout(300); // the colour transition
    assert.equal(await chosen.evaluate((span) => getComputedStyle(span).backgroundColor), "rgb(10, 125, 79)", "the accent");
    assert.deepEqual(await axeViolations(page), []);
    await context.close();
  });
}

/** A stand-in for the visual viewport whose height the test sets, as an on-screen keyboard does. */
const FAKE_KEYBOARD = () => {
  const viewport = new EventTarget();
  let height = innerHeight;
  Object.defineProperties(viewport, {
    height: { get: () => height }, width: { get: () => innerWidth },
    offsetTop: { get: () => 0 }, offsetLeft: { get: () => 0 }, scale: { get: () => 1 },
  });
  Object.defineProperty(window, "visualViewport", { get: () => viewport, configurable: true });
  window.showKeyboard = (keyboard) => { height = innerHeight - keyboard; viewport.dispatchEvent(new Event("resize")); };
};

test("at 375 px the survey is a bottom sheet, and the follow-up stays above the on-screen keyboard", async () => {
  const viewport = { width: 375, height: 667 };
  const surveys = [{ id: "s", appearance: { position: "center" } }];
  const { page, context } = await open({ config: config(surveys), initScript: FAKE_KEYBOARD }, { viewport });
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  await page.waitForTimeout(400);
  const sheet = await dialog.boundingBox();
  assert.equal(sheet.x, 0);
  assert.equal(sheet.width, 375);
  assert.equal(Math.round(sheet.y + sheet.height), 667, "at the bottom");
  assert.ok(sheet.height <= 0.6 * 667 + 1, `at most 60% of the height: ${sheet.height}`);
  assert.deepEqual(await axeViolations(page), [], "question");

  await dialog.getByRole("radio", { name: /^3\b/ }).check();
  const comment = dialog.getByRole("textbox");
  await comment.waitFor();
  assert.deepEqual(await axeViolations(page), [], "follow-up");
  await page.evaluate(() => window.showKeyboard(330)); // 337 px stay visible
  await comment.focus();
  await page.keyboard.type("The sheet stays in view");
  await page.waitForTimeout(200);
  const raised = await dialog.boundingBox();
  assert.equal(Math.round(raised.y + raised.height), 337, "the sheet sits on the keyboard");
  assert.ok(raised.height <= 0.6 * 337 + 1, `at most 60% of what is visible: ${raised.height}`);
  const box = await comment.boundingBox();
  assert.ok(box.y >= raised.y - 1 && box.y + box.height <= 337 + 1, `the follow-up is visible: ${JSON.stringify(box)}`);
  assert.equal(await comment.inputValue(), "The sheet stays in view");
  await context.close();
});
