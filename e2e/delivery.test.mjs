// Nothing lost, nothing duplicated (issue: reliable delivery): failing collector, offline
// visitors, pages closed right after the score.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useCollectorAndBrowser, surveyConfig, storedEvents, eventually } from "./harness.mjs";

const env = useCollectorAndBrowser();
const open = (options) => env.open(options);

/** Waits until survey `id` has `responses` stored responses, and returns its events. */
async function settled(id, check) {
  return eventually(async () => {
    const events = await storedEvents(env.collector.url, id);
    return check(events) ? events : null;
  }, 20_000);
}

const responses = (events) => events.filter((e) => e.event === "response");
const shown = (events) => events.filter((e) => e.event === "shown");

test("the collector answers 503 to the first posts, then recovers: one response, with its comment", async () => {
  const { page, context } = await open({ config: surveyConfig({ id: "flaky" }) });
  let failures = 0;
  await context.route(`${env.collector.url}/v1/events`, (route) => {
    if (failures < 3) {
      failures += 1;
      return route.fulfill({ status: 503, body: "busy" });
    }
    return route.continue();
  });
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("radio", { name: /^9\b/ }).check();
  await dialog.getByRole("textbox").fill("Works well");
  await dialog.getByRole("button", { name: "Send" }).click();
  const events = await settled("flaky", (e) => responses(e).length === 1 && responses(e)[0].comment === "Works well");
  assert.equal(failures, 3, "the collector did fail");
  assert.equal(responses(events).length, 1, "no response lost or duplicated");
  assert.equal(responses(events)[0].score, 9);
  assert.equal(shown(events).length, 1, "the impression arrived once");
  await context.close();
});

test("offline while answering, reload, back online: delivered once", async () => {
  const { page, context } = await open({ config: surveyConfig({ id: "offline" }) });
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  await context.setOffline(true);
  await dialog.getByRole("radio", { name: /^4\b/ }).check();
  await dialog.getByRole("textbox").fill("Sent from a tunnel");
  await dialog.getByRole("button", { name: "Send" }).click();
  await page.waitForTimeout(500);
  await page.close();
  await context.setOffline(false);
  const again = await context.newPage();
  await again.goto(`${env.collector.url}/t/page`);
  const events = await settled("offline", (e) => responses(e).length === 1 && responses(e)[0].comment);
  assert.equal(responses(events)[0].score, 4);
  assert.equal(responses(events)[0].comment, "Sent from a tunnel");
  await again.waitForTimeout(1_000);
  assert.equal(responses(await storedEvents(env.collector.url, "offline")).length, 1);
  await context.close();
});

test("back online without a reload: the online event flushes the outbox", async () => {
  const { page, context } = await open({ config: surveyConfig({ id: "online" }) });
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  await context.setOffline(true);
  await dialog.getByRole("radio", { name: /^10\b/ }).check();
  await page.waitForTimeout(300);
  await context.setOffline(false);
  const events = await settled("online", (e) => responses(e).length === 1);
  assert.equal(responses(events)[0].score, 10);
  await context.close();
});

test("the page is closed right after the score is chosen: the score still arrives", async () => {
  const { page, context } = await open({ config: surveyConfig({ id: "closing" }) });
  await page.getByRole("dialog").getByRole("radio", { name: /^2\b/ }).check();
  await page.close({ runBeforeUnload: true });
  const events = await settled("closing", (e) => responses(e).length === 1);
  assert.equal(responses(events)[0].score, 2);
  assert.equal(responses(events)[0].category, "detractor");
  await context.close();
});

test("storage full (writes throw, reads return old data): the answer is still delivered", async () => {
  const initScript = () => {
    localStorage.setItem("survey-widget:outbox", JSON.stringify({ entries: [] }));
    Storage.prototype.setItem = () => { throw new DOMException("full", "QuotaExceededError"); };
  };
  const { page, problems, context } = await open({ config: surveyConfig({ id: "full" }), initScript });
  await page.getByRole("dialog").getByRole("radio", { name: /^6\b/ }).check();
  const events = await settled("full", (e) => responses(e).length === 1);
  assert.equal(responses(events)[0].score, 6);
  assert.deepEqual(problems.filter((p) => p.startsWith("uncaught")), []);
  await context.close();
});
