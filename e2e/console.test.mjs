// The owner's path through the console (SPEC 7): sign in, create an NPS survey from the
// template, change the detractor follow-up and see it in the live preview after choosing 3,
// publish, a visitor on a site whose script tag reads the hosted config answers it, the answer
// is in the report, unpublish. Also: hostile text stays text, errors show at their field, the
// editor works keyboard-only, and axe-core finds nothing in light or dark mode.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  startCollector, launchChromium, openSurveyPage, axeViolations, getJson, eventually, signInConsole,
  CONSOLE_ADMIN_ENV,
} from "./harness.mjs";

const env = {};

before(async () => {
  env.collector = await startCollector({ env: CONSOLE_ADMIN_ENV });
  env.browser = await launchChromium();
});
after(async () => {
  await env.browser?.close();
  env.collector?.stop();
});

/** A signed-in console tab (a fresh context), recording console errors. */
async function signedIn({ colorScheme = "light" } = {}) {
  const context = await env.browser.newContext({ colorScheme });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  page.on("pageerror", (e) => problems.push(`uncaught: ${e.message}`));
  page.once("framenavigated", (frame) => {
    assert.match(frame.url(), /\/login\?next=%2Fadmin$/, "the console needs a sign-in");
  });
  await signInConsole(page, env.collector.url);
  return { page, problems, context };
}

async function noAxeViolations(page, where) {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${where}: ${JSON.stringify(violations, null, 1)}`);
}

/** Creates a survey from a template on the list page; resolves on the editor. */
async function createSurvey(page, id, template = "nps") {
  await page.getByLabel("Survey id").fill(id);
  await page.getByLabel("Template").selectOption(template);
  await page.getByRole("button", { name: "Create" }).click();
  await page.waitForURL(`${env.collector.url}/admin/surveys/${id}`);
  await page.locator("#preview survey-widget").waitFor({ state: "attached" });
}

test("owner's path: template, edit, live preview, publish, a visitor answers, report, unpublish", async () => {
  const { page, problems, context } = await signedIn();
  await createSurvey(page, "nps-main");

  // Visitors should get it at once; the detractor follow-up is the owner's own (hostile) text.
  await page.getByLabel("Delay (seconds)").fill("0");
  const followUp = "What should we fix first? <img src=x onerror=alert(1)>";
  await page.getByLabel("Follow-up (detractor)").fill(followUp);
  const preview = page.locator("#preview");
  await eventually(async () => (await preview.locator("survey-widget").getAttribute("config")).includes("fix first"));
  const dialog = preview.getByRole("dialog", { name: /recommend/ });
  await dialog.getByRole("radio", { name: /^3\b/ }).check();
  await dialog.getByRole("textbox", { name: followUp }).waitFor();
  assert.equal(await preview.locator("img").count(), 0, "text stays text in the preview");

  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await eventually(async () => /^published/.test(await page.locator("#status").textContent()));
  const config = await (await fetch(`${env.collector.url}/v1/config.json`)).json();
  assert.equal(config.surveys[0].id, "nps-main");
  assert.equal(config.collector, `${env.collector.url}/v1/events`);

  // A site whose script tag reads the hosted config; the visitor has the identity cookie.
  const tag = `<script async src="/survey-widget.js" data-config="${env.collector.url}/v1/config.json"></script>`;
  const visitor = await openSurveyPage(env.browser, env.collector.url, { scriptTag: tag, visitorId: "v-owner" });
  const popup = visitor.page.getByRole("dialog", { name: /recommend/ });
  await popup.waitFor({ timeout: 15_000 });
  await popup.getByRole("radio", { name: /^3\b/ }).check();
  await popup.getByRole("textbox", { name: followUp }).fill("Search is slow <script>x()</script>");
  await popup.getByRole("button", { name: "Send" }).click();
  await popup.getByRole("status").waitFor();
  assert.deepEqual(visitor.problems, []);
  await visitor.context.close();

  const report = await eventually(async () => {
    const r = await getJson(`${env.collector.url}/v1/surveys/nps-main/report`);
    return r.comments.length === 1 ? r : null;
  });
  assert.equal(report.categories.detractor, 1);
  assert.equal(report.comments[0].comment, "Search is slow <script>x()</script>");
  await page.goto(`${env.collector.url}/report/nps-main`);
  await page.getByText("Search is slow <script>x()</script>").waitFor();
  await noAxeViolations(page, "report (light)");

  await page.goto(`${env.collector.url}/admin`);
  const row = page.getByRole("row", { name: /nps-main/ });
  assert.match(await row.textContent(), /published.*1.*100%/s, "status, responses and response rate");
  await noAxeViolations(page, "survey list (light)");

  // Another site's page auto-submitting a form at the console, in the owner's browser: the
  // session cookie (SameSite=Lax) does not go along, and the CSRF check would refuse it anyway.
  const port = new URL(env.collector.url).port;
  const evil = `http://localhost:${port}/t/evil`;
  await context.route(evil, (route) => route.fulfill({
    contentType: "text/html",
    body: `<form method="post" action="${env.collector.url}/v1/surveys/nps-main/unpublish"></form>`,
  }));
  const attacker = await context.newPage();
  await attacker.goto(evil);
  await Promise.all([attacker.waitForLoadState(), attacker.locator("form").evaluate((form) => form.submit())]);
  await attacker.close();
  const still = await getJson(`${env.collector.url}/v1/surveys/nps-main`);
  assert.equal(still.status, "published", "a cross-site form changed nothing");

  await page.getByRole("link", { name: "nps-main", exact: true }).click();
  await page.getByRole("button", { name: "Unpublish" }).click();
  await eventually(async () => (await page.locator("#status").textContent()) === "draft");
  const after = await (await fetch(`${env.collector.url}/v1/config.json`)).json();
  assert.deepEqual(after.surveys, [], "no longer served");
  assert.deepEqual(problems, []);
  await context.close();
});

test("schedule, priority and appearance: set in the editor and site settings, served in the hosted config", async () => {
  const { page, problems, context } = await signedIn();
  await page.goto(`${env.collector.url}/admin/site`);
  await page.getByLabel("Accent colour (CSS, e.g. #0a7d4f)").fill("#0a7d4f");
  await page.getByLabel("Position on wide screens (phones get a bottom sheet)").selectOption("bottom-left");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByText("Saved.").waitFor();
  const site = await getJson(`${env.collector.url}/v1/site`);
  assert.deepEqual(site.appearance, { accent: "#0a7d4f", position: "bottom-left" });

  await page.goto(`${env.collector.url}/admin`);
  await createSurvey(page, "scheduled");
  await page.getByLabel("Not before (your local time)").fill("2030-01-02T09:30");
  await page.getByLabel("Priority (of several surveys ready at once, the highest shows)").fill("5");
  await page.getByLabel("Position on wide screens (phones get a bottom sheet)").selectOption("center");
  await page.getByLabel('"Powered by survey-widget" line').selectOption("true");
  const accent = page.getByLabel("Accent colour (CSS, e.g. #0a7d4f)");
  await accent.fill("red; x");
  await eventually(async () => (await accent.getAttribute("aria-invalid")) === "true");
  assert.match(await page.locator("#f-accent-error").textContent(), /must be a CSS colour/);
  await accent.fill("");
  // The preview draws the site's accent on the chosen score.
  const preview = page.locator("#preview");
  await eventually(async () => (await preview.locator("survey-widget").getAttribute("config")).includes('"priority":5'));
  await preview.getByRole("radio", { name: /^9\b/ }).check();
  await page.waitForTimeout(300);
  const chosen = await preview.locator("input:checked + span").evaluate((span) => getComputedStyle(span).backgroundColor);
  assert.equal(chosen, "rgb(10, 125, 79)");

  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await eventually(async () => /^published/.test(await page.locator("#status").textContent()));
  const config = await (await fetch(`${env.collector.url}/v1/config.json`)).json();
  const served = config.surveys.find((s) => s.id === "scheduled");
  assert.equal(served.priority, 5);
  assert.equal(Date.parse(served.starts_at), new Date("2030-01-02T09:30").getTime(), "local time, sent as RFC 3339");
  assert.deepEqual(served.appearance, { position: "center", branding: true });
  assert.deepEqual(config.appearance, { accent: "#0a7d4f", position: "bottom-left" });
  await page.reload();
  assert.equal(await page.getByLabel("Not before (your local time)").inputValue(), "2030-01-02T09:30", "read back as typed");
  // The one error: the check's 400 for the accent typed wrong on purpose.
  assert.deepEqual(problems, ["Failed to load resource: the server responded with a status of 400 (Bad Request)"]);
  await context.close();
});

test("errors show at their field as you type; a bad id is refused at the form", async () => {
  const { page, problems, context } = await signedIn();
  await page.getByLabel("Survey id").fill("no spaces please");
  await page.getByRole("button", { name: "Create" }).click();
  // The browser's own pattern check, then the server's rule for what it lets through.
  assert.equal(await page.getByLabel("Survey id").evaluate((input) => input.validity.valid), false);
  await createSurvey(page, "csat-checkout", "csat");
  const url = page.getByLabel("Link URL (satisfied)");
  await page.getByLabel("Link text (satisfied)").fill("Review us");
  await url.fill("javascript:alert(1)");
  await eventually(async () => (await url.getAttribute("aria-invalid")) === "true");
  const describedBy = await url.getAttribute("aria-describedby");
  assert.equal(await page.locator(`#${describedBy}`).textContent(), "must be an http(s) URL");
  await page.getByRole("button", { name: "Save draft" }).click();
  const stored = await getJson(`${env.collector.url}/v1/surveys/csat-checkout`);
  assert.equal(stored.revision, 1, "the invalid survey was not saved");
  await url.fill("https://example.com/review");
  await eventually(async () => (await url.getAttribute("aria-invalid")) === null);
  assert.deepEqual(problems.filter((p) => !p.includes("status of 400")), [], "only the refused checks");
  await context.close();
});

test("the editor works keyboard-only", async () => {
  const { page, context } = await signedIn();
  await createSurvey(page, "keyboard");
  const target = page.getByLabel("Thank-you (promoter)");
  let presses = 0;
  while (!(await target.evaluate((el) => el === document.activeElement))) {
    await page.keyboard.press("Tab");
    assert.ok(++presses < 120, "the field is reachable with Tab");
  }
  await page.keyboard.type("Thanks, keyboard user!");
  const save = page.getByRole("button", { name: "Save draft" });
  while (!(await save.evaluate((el) => el === document.activeElement))) {
    await page.keyboard.press("Tab");
    assert.ok(++presses < 240, "Save draft is reachable with Tab");
  }
  await page.keyboard.press("Enter");
  const stored = await eventually(async () => {
    const survey = await getJson(`${env.collector.url}/v1/surveys/keyboard`);
    return survey.revision > 1 ? survey : null;
  });
  assert.equal(stored.definition.text.en.thank_you.promoter, "Thanks, keyboard user!");
  await context.close();
});

for (const colorScheme of ["light", "dark"]) {
  test(`axe-core finds nothing on sign-in, the list, the editor with preview and the report (${colorScheme})`, async () => {
    const context = await env.browser.newContext({ colorScheme });
    const page = await context.newPage();
    await page.goto(`${env.collector.url}/login`);
    await noAxeViolations(page, `sign-in (${colorScheme})`);
    await context.close();
    const { page: console, context: signed } = await signedIn({ colorScheme });
    await noAxeViolations(console, `survey list (${colorScheme})`);
    await createSurvey(console, `axe-${colorScheme}`);
    await console.locator("#preview").getByRole("dialog").waitFor();
    await noAxeViolations(console, `editor with preview (${colorScheme})`);
    await console.goto(`${env.collector.url}/report/nps-main`);
    await noAxeViolations(console, `report (${colorScheme})`);
    await signed.close();
  });
}
