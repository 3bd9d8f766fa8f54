// Closing the loop in the console (SPEC 7.3): a webhook added in the console gets a signed test
// delivery and a real one when a visitor answers; a visitor found by id shows their latest
// answer and can be erased. The receiver listens on 127.0.0.1 (--allow-private-webhooks).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createHmac } from "node:crypto";
import {
  startCollector, launchChromium, openSurveyPage, surveyConfig, signInConsole, axeViolations,
  eventually, getJson, CONSOLE_ADMIN_ENV,
} from "./harness.mjs";

const env = { received: [] };

before(async () => {
  env.receiver = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => { body += chunk; });
    request.on("end", () => {
      env.received.push({ headers: request.headers, body });
      response.writeHead(200).end("ok");
    });
  });
  await new Promise((resolve) => env.receiver.listen(0, "127.0.0.1", resolve));
  env.collector = await startCollector({
    env: CONSOLE_ADMIN_ENV,
    args: ["--allow-private-webhooks", "--webhook-settle-seconds", "1"],
  });
  env.browser = await launchChromium();
});
after(async () => {
  await env.browser?.close();
  env.collector?.stop();
  env.receiver?.close();
});

/** Whether a delivery is signed with `secret`. */
function verified({ headers, body }, secret) {
  const expected = "sha256=" + createHmac("sha256", secret).update(`${headers["x-survey-timestamp"]}.${body}`).digest("hex");
  return headers["x-survey-signature"] === expected;
}

test("a webhook added in the console gets a signed test delivery and each answer once", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await signInConsole(page, env.collector.url);
  await page.getByRole("link", { name: "Webhooks" }).click();
  await page.getByLabel("URL (https://...)").fill(`http://127.0.0.1:${env.receiver.address().port}/hook`);
  // The form suggests a random secret; the owner keeps it and gives it to the receiver.
  const secret = await page.getByLabel(/^Secret/).inputValue();
  assert.match(secret, /^[0-9a-f]{32}$/);
  await page.getByLabel(/^Only these categories/).fill("detractor");
  await page.getByRole("button", { name: "Add webhook" }).click();
  await page.getByRole("button", { name: "Send test delivery" }).click();
  await page.getByText(/Test delivery accepted \(HTTP 200\)/).waitFor();
  assert.equal(env.received.length, 1);
  assert.ok(verified(env.received[0], secret), "the test delivery is signed with the secret shown");
  assert.deepEqual(await axeViolations(page), []);

  // A detractor answers on a site; a promoter does not match the filter.
  for (const [visitorId, score] of [["v-sad", 2], ["v-happy", 10]]) {
    const visitor = await openSurveyPage(env.browser, env.collector.url, { config: surveyConfig(), visitorId });
    const dialog = visitor.page.getByRole("dialog");
    await dialog.waitFor();
    await dialog.getByRole("radio", { name: new RegExp(`^${score}\\b`) }).check();
    await dialog.getByRole("textbox").fill(`comment from ${visitorId}`);
    await dialog.getByRole("button", { name: "Send" }).click();
    await dialog.getByRole("status").waitFor();
    await visitor.context.close();
  }
  await eventually(() => Promise.resolve(env.received.length === 2), 15_000);
  const delivery = JSON.parse(env.received[1].body);
  assert.ok(verified(env.received[1], secret));
  assert.equal(delivery.event.visitor_id, "v-sad");
  assert.equal(delivery.event.comment, "comment from v-sad");
  assert.equal(env.received[1].headers["x-survey-delivery"], delivery.delivery_id);
  await page.reload();
  await page.getByRole("cell", { name: "delivered" }).first().waitFor();
  await context.close();
});

test("a visitor found by id shows their latest answer and can be erased", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await signInConsole(page, env.collector.url);
  await page.getByRole("link", { name: "Visitors" }).click();
  await page.getByLabel(/^Visitor id/).fill("v-happy");
  await page.getByRole("button", { name: "Find" }).click();
  await page.getByRole("cell", { name: "comment from v-happy" }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.getByRole("button", { name: "Erase this visitor's answers" }).click();
  await page.getByText(/Nothing is stored for/).waitFor();
  const events = await getJson(`${env.collector.url}/v1/events?limit=1000&survey_id=s`);
  assert.ok(events.events.every((e) => e.visitor_id !== "v-happy"));
  await context.close();
});

test("answers carry the survey's report attributes, the device and the landing page's utm_*, and the report breaks down by them", async () => {
  const config = surveyConfig({ id: "attrs", report_attributes: ["plan"] });
  const visitor = await openSurveyPage(env.browser, env.collector.url, {
    config, attributes: { plan: "pro", email: "not@sent.example" }, path: "/t/landing?utm_source=ads&utm_campaign=winter",
  });
  const dialog = visitor.page.getByRole("dialog");
  await dialog.waitFor();
  await dialog.getByRole("radio", { name: /^10\b/ }).check();
  await dialog.getByRole("button", { name: "Send" }).click();
  await dialog.getByRole("status").waitFor();
  await visitor.context.close();
  const byPlan = await eventually(async () => {
    const report = await getJson(`${env.collector.url}/v1/surveys/attrs/report?by=plan`);
    return report.breakdown?.length ? report : null;
  });
  assert.deepEqual(byPlan.breakdown, [{ value: "pro", responses: 1, score: 100 }]);
  for (const [name, value] of [["device", "desktop"], ["utm_source", "ads"], ["utm_campaign", "winter"]]) {
    const report = await getJson(`${env.collector.url}/v1/surveys/attrs/report?by=${name}`);
    assert.deepEqual(report.breakdown.map((b) => b.value), [value], name);
  }
  const unnamed = await getJson(`${env.collector.url}/v1/surveys/attrs/report?by=email`);
  assert.deepEqual(unnamed.breakdown, [], "attributes the survey does not name are never sent");
});
