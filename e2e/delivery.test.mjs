// Nothing lost, nothing duplicated (issue: reliable delivery): failing collector, offline
// visitors, pages closed right after the score, a fetch that never answers, two tabs sharing one
// queue. POSTs are counted at the network layer: the collector's de-duplication would hide a
// double send.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useCollectorAndBrowser, surveyConfig, storedEvents, eventually, recordPosts } from "./harness.mjs";

const env = useCollectorAndBrowser();
const open = (options) => env.open(options);
const OUTBOX = "survey-widget:outbox";

/** A new browser context whose POSTs to the collector are recorded from its first request. */
async function recordedContext() {
  const context = await env.browser.newContext({ locale: "en-US" });
  return { context, posts: recordPosts(context) };
}

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
  const { context, posts } = await recordedContext();
  const { page } = await open({ config: surveyConfig({ id: "flaky" }), context });
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
  await posts.settled();
  assert.deepEqual(posts.acceptedTwice(), [], "no event posted again once accepted");
  await context.close();
});

test("offline while answering, reload, back online: delivered once", async () => {
  const { context, posts } = await recordedContext();
  const { page } = await open({ config: surveyConfig({ id: "offline" }), context });
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
  await posts.settled();
  assert.deepEqual(posts.acceptedTwice(), [], "no event posted again once accepted");
  await context.close();
});

test("back online: a retry that Retry-After: 60 put off goes out as soon as the network returns", async () => {
  const { context, posts } = await recordedContext();
  let refused = 0;
  await context.route(`${env.collector.url}/v1/events`, (route) => {
    if (JSON.parse(route.request().postData()).event === "response" && refused === 0) {
      refused += 1;
      return route.fulfill({ status: 503, headers: { "retry-after": "60" }, body: "busy" });
    }
    return route.continue();
  });
  const { page } = await open({ config: surveyConfig({ id: "online" }), context });
  await page.getByRole("dialog").getByRole("radio", { name: /^10\b/ }).check();
  // The page has recorded the refusal (its retry is 60 s away) before the network goes.
  await eventually(() => page.evaluate((key) => JSON.parse(localStorage.getItem(key)).entries
    .some((entry) => entry.event.event === "response" && entry.attempts === 1 && entry.lease_until_ms === 0), OUTBOX));
  assert.equal(refused, 1);
  await context.setOffline(true);
  await page.waitForTimeout(300);
  const backOnline = Date.now();
  await context.setOffline(false);
  const events = await settled("online", (e) => responses(e).length === 1);
  assert.equal(responses(events)[0].score, 10);
  await posts.settled();
  const delivered = posts.of("response").find((post) => post.status === 200);
  assert.ok(delivered.at - backOnline < 1_500, `sent ${delivered.at - backOnline} ms after going online, not after 60 s`);
  assert.deepEqual(posts.acceptedTwice(), []);
  await context.close();
});

test("fetch never answers and the page is hidden: the events go out by sendBeacon", async () => {
  const initScript = () => {
    const realFetch = window.fetch;
    window.fetch = (input, init) => String(input?.url ?? input).endsWith("/v1/events")
      ? new Promise(() => {})
      : realFetch(input, init);
  };
  const { context, posts } = await recordedContext();
  const { page } = await open({ config: surveyConfig({ id: "beacon" }), context, initScript });
  await page.getByRole("dialog").getByRole("radio", { name: /^3\b/ }).check();
  await page.waitForTimeout(300); // the score's fetch is under way, and hangs
  assert.deepEqual(posts.of("response"), [], "fetch hangs before the request leaves the page");
  await page.evaluate(() => {
    Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
    document.dispatchEvent(new Event("visibilitychange"));
  });
  const events = await settled("beacon", (e) => responses(e).length === 1);
  assert.equal(responses(events)[0].score, 3);
  assert.deepEqual(posts.of("response").map((post) => post.type), ["ping"]);
  await context.close();
});

test("a second tab opens while the first sends the queue of waiting events: each event is posted once", async () => {
  // A queue left by a visitor whose posts failed: the impression and the answer wait in it.
  const failing = await recordedContext();
  await failing.context.route(`${env.collector.url}/v1/events`, (route) => route.abort());
  const first = await open({ config: surveyConfig({ id: "queued" }), context: failing.context });
  await first.page.getByRole("dialog").getByRole("radio", { name: /^7\b/ }).check();
  await eventually(async () => failing.posts.of("response").length > 0);
  const stored = JSON.parse(await first.page.evaluate((key) => localStorage.getItem(key), OUTBOX));
  await failing.context.close();
  assert.deepEqual(stored.entries.map((entry) => entry.event.event).sort(), ["response", "shown"]);
  for (const entry of stored.entries) Object.assign(entry, { next_attempt_ms: 0, lease_until_ms: 0 });

  const { context, posts } = await recordedContext();
  // A slow collector: one tab's send is still under way when the other tab starts.
  await context.route(`${env.collector.url}/v1/events`, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    return route.continue();
  });
  await context.addInitScript(([key, queue]) => {
    if (localStorage.getItem(key) === null) localStorage.setItem(key, queue);
  }, [OUTBOX, JSON.stringify(stored)]);
  const config = surveyConfig({ id: "queued", trigger: { event: "never-tracked" } });
  const firstTab = await open({ config, context });
  // The second tab opens while the first one's posts are under way (leased in the queue).
  await eventually(async () => posts.length === stored.entries.length);
  const secondTab = await open({ config, context });
  const tabs = [firstTab, secondTab];
  await settled("queued", (e) => responses(e).length === 1 && shown(e).length === 1);
  await new Promise((resolve) => setTimeout(resolve, 1_500)); // time for a second send to show
  const ids = posts.map((post) => post.event.id);
  assert.deepEqual(ids.sort(), stored.entries.map((entry) => entry.event.id).sort(), "each queued event posted once");
  for (const tab of tabs) assert.deepEqual(tab.problems, []);
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
