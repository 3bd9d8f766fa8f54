// A collector on another origin (the page on localhost, the collector on 127.0.0.1): the
// widget reads its answers through CORS. A 429 with Retry-After: 3 holds the retry for 3 s (the
// collector exposes the header); a 400 is one console error and the event is dropped.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useCollectorAndBrowser, surveyConfig, storedEvents, eventually, recordPosts } from "./harness.mjs";

// Both origins are on this machine's loopback, which Chromium's Local Network Access guards with
// a permission prompt; on the web, a site and its collector are both public.
const env = useCollectorAndBrowser({ chromiumArgs: ["--disable-features=LocalNetworkAccessChecks"] });

/**
 * Opens the test page on http://localhost:<port> with the collector's events URL on
 * http://127.0.0.1:<port>, and routes the first POST of the response event to `firstAnswer`.
 * Returns the page, its recorded posts and console problems.
 */
async function openCrossOrigin(surveyId, firstAnswer) {
  const context = await env.browser.newContext({ locale: "en-US" });
  const posts = recordPosts(context);
  const eventsUrl = `${env.collector.url}/v1/events`;
  let answered = false;
  await context.route(eventsUrl, async (route) => {
    const event = JSON.parse(route.request().postData());
    if (event.event !== "response" || answered) return route.continue();
    answered = true;
    return firstAnswer(route);
  });
  const pageOrigin = env.collector.url.replace("127.0.0.1", "localhost");
  const config = surveyConfig({ id: surveyId }, { collector: eventsUrl });
  const opened = await env.open({ config, context, collectorUrl: pageOrigin });
  return { ...opened, posts };
}

/**
 * The collector's own answer to a request it refuses (its real CORS headers), given `status`
 * and `headers` instead: the event in the route is not stored.
 */
async function collectorRefusal(route, status, headers = {}) {
  const refused = await route.fetch({ postData: "{}" });
  assert.equal(refused.status(), 400, "the collector refuses an empty event");
  return route.fulfill({ status, headers: { ...refused.headers(), ...headers }, body: await refused.text() });
}

test("429 with Retry-After: 3 from another origin: no re-POST before 3 s, one after", async () => {
  const { page, posts, context } = await openCrossOrigin("limited", (route) => collectorRefusal(route, 429, { "retry-after": "3" }));
  assert.notEqual(new URL(page.url()).origin, new URL(env.collector.url).origin, "the collector is cross-origin");
  await page.getByRole("dialog").getByRole("radio", { name: /^8\b/ }).check();
  await eventually(async () => (await storedEvents(env.collector.url, "limited")).some((e) => e.event === "response"));
  await page.waitForTimeout(1_000); // time for a second retry to show
  await posts.settled();
  const [refused, retried, ...more] = posts.of("response");
  assert.equal(refused.status, 429);
  assert.equal(retried.status, 200);
  assert.ok(retried.at - refused.at >= 2_900, `retried after ${retried.at - refused.at} ms, before Retry-After's 3 s`);
  assert.deepEqual(more, [], "one retry");
  await context.close();
});

test("400 from another origin: one console error, the event dropped and not sent again", async () => {
  const { page, posts, problems, context } = await openCrossOrigin("refused", (route) => collectorRefusal(route, 400));
  await page.getByRole("dialog").getByRole("radio", { name: /^2\b/ }).check();
  await eventually(async () => posts.of("response").length > 0);
  await page.waitForTimeout(3_000);
  await posts.settled();
  assert.equal(posts.of("response")[0].status, 400);
  assert.equal(posts.of("response").length, 1, "not sent again");
  const ours = problems.filter((problem) => !problem.startsWith("Failed to load resource")); // the browser's
  assert.equal(ours.length, 1, problems.join("\n"));
  assert.match(ours[0], /event [0-9a-f-]{36} not delivered: the collector rejected it \(HTTP 400\); it is dropped/);
  const queued = await page.evaluate(() => JSON.parse(localStorage.getItem("survey-widget:outbox")).entries);
  assert.deepEqual(queued.map((entry) => entry.event.event), [], "the outbox let it go");
  assert.equal((await storedEvents(env.collector.url, "refused")).filter((e) => e.event === "response").length, 0);
  await context.close();
});
