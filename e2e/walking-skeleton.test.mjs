// The whole loop: the demo page served by the real collector, the NPS survey popping up from the
// script tag, a visitor answering 9 with a comment, and the collector's report counting it once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useCollectorAndBrowser, openPage, getJson, storedEvents, eventually } from "./harness.mjs";

const env = useCollectorAndBrowser();

test("a visitor answers 9 with a comment on the demo page and the report counts one promoter", async () => {
  const { page, problems } = await openPage(env.browser, `${env.collector.url}/`);
  // Playwright's role locators pierce the widget's open shadow root.
  const dialog = page.getByRole("dialog", { name: /recommend Acme to a friend or colleague/ });
  await dialog.waitFor({ timeout: 15_000 });
  const radios = dialog.getByRole("radio");
  assert.equal(await radios.count(), 11);

  await dialog.getByRole("radio", { name: /^9\b/ }).check();
  const followUp = dialog.getByRole("textbox", { name: "Glad you like Acme! What do you love most?" });
  await followUp.fill("The timeline view saves me hours.");
  await dialog.getByRole("button", { name: "Send" }).click();
  await dialog.getByRole("status").getByText("Thank you! Would you tell others about Acme?").waitFor();
  await assert.doesNotReject(dialog.getByRole("link", { name: "Review us" }).waitFor());

  const report = await eventually(async () => {
    const r = await getJson(`${env.collector.url}/v1/surveys/nps-main/report`);
    return r.responses === 1 && r.comments.length === 1 ? r : null;
  });
  assert.equal(report.categories.promoter, 1);
  assert.equal(report.categories.detractor, 0);
  assert.equal(report.score, 100);
  assert.equal(report.shown, 1);
  assert.equal(report.response_rate, 1);
  assert.equal(report.comments[0].comment, "The timeline view saves me hours.");

  const stored = await storedEvents(env.collector.url, "nps-main");
  const responses = stored.filter((e) => e.event === "response");
  assert.equal(responses.length, 1, "the comment update replaced the score-only response");
  assert.equal(responses[0].score, 9);
  assert.equal(responses[0].comment, "The timeline view saves me hours.");
  assert.match(responses[0].visitor_id, /^demo-/);
  assert.deepEqual(problems, [], "no console error, uncaught exception or CSP violation");
  await page.context().close();
});

test("a visitor without the identity cookie is never shown the survey", async () => {
  const context = await env.browser.newContext();
  // Block the demo's cookie script: this visitor is unknown.
  await context.route("**/demo.js", (route) => route.fulfill({ contentType: "text/javascript", body: "" }));
  const page = await context.newPage();
  await page.goto(`${env.collector.url}/`);
  await page.waitForTimeout(3_500); // past the survey's 2 s delay
  assert.equal(await page.getByRole("dialog").count(), 0);
  await context.close();
});

test("closing the survey without a score records a dismissal", async () => {
  const { page, problems } = await openPage(env.browser, `${env.collector.url}/`);
  const dialog = page.getByRole("dialog");
  await dialog.waitFor({ timeout: 15_000 });
  await dialog.getByRole("button", { name: "Close survey" }).click();
  assert.equal(await page.getByRole("dialog").count(), 0);
  const report = await eventually(async () => {
    const r = await getJson(`${env.collector.url}/v1/surveys/nps-main/report`);
    return r.dismissed >= 1 ? r : null;
  });
  assert.equal(report.dismissed, 1);
  assert.deepEqual(problems, []);
  await page.context().close();
});
