// A Leptos app that depends on the crate (examples/leptos-app) starts like any Leptos app: its
// own `main` runs (the crate's script-tag start hook is behind the `script-tag` feature), the
// SurveyWidget component renders, and the answer reaches the collector. This runs exactly what
// the README's "Leptos component" section tells a Rust developer to run.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { ROOT, startCollector, launchChromium, storedEvents, eventually } from "./harness.mjs";

const APP = join(ROOT, "examples/leptos-app");
const env = {};

before(async () => {
  // `trunk build` in the example, as the README says (a debug build: no wasm-opt needed).
  execFileSync("trunk", ["build"], { cwd: APP, stdio: ["ignore", "inherit", "inherit"] });
  env.collector = await startCollector({ staticDir: join(APP, "dist") });
  env.browser = await launchChromium();
}, { timeout: 15 * 60_000 });

after(async () => {
  await env.browser?.close();
  env.collector?.stop();
});

test("the example Leptos app starts, renders its inline CSAT survey and submits the answer", async () => {
  const page = await env.browser.newPage();
  const problems = [];
  page.on("console", (message) => { if (message.type() === "error") problems.push(message.text()); });
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  await page.goto(`${env.collector.url}/`);

  // The app's own view (its `main` ran) and the survey inside it.
  await page.getByRole("heading", { name: "How do I export my data?" }).waitFor({ timeout: 15_000 });
  const survey = page.getByRole("radiogroup", { name: /How satisfied were you with Acme/ });
  await survey.waitFor();
  assert.equal(await survey.getByRole("radio").count(), 5, "CSAT is a 1-5 scale");
  await survey.getByRole("radio", { name: /^4\b/ }).check();
  await page.getByRole("textbox").fill("Found it in a minute.");
  await page.getByRole("button", { name: "Send" }).click();
  await page.getByRole("status").waitFor();

  const [response] = await eventually(async () => {
    const events = (await storedEvents(env.collector.url, "csat-support")).filter((e) => e.event === "response");
    return events.length === 1 && events[0].comment ? events : null;
  });
  assert.equal(response.kind, "csat");
  assert.equal(response.score, 4);
  assert.equal(response.category, "satisfied");
  assert.equal(response.comment, "Found it in a minute.");
  assert.deepEqual(problems, [], "no console error or uncaught exception");
});
