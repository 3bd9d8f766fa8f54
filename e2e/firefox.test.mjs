// The same loop in Firefox (headless Firefox ESR driven over WebDriver BiDi by puppeteer-core):
// visitors use both engines. The demo page served by the real collector, a keyboard and mouse
// answer, the comment replacing the score-only response, and no console error.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import puppeteer from "puppeteer-core";
import { startCollector, storedEvents, eventually } from "./harness.mjs";

let collector, browser;
before(async () => {
  collector = await startCollector();
  browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: process.env.FIREFOX || "/usr/bin/firefox-esr",
    protocol: "webDriverBiDi",
    headless: true,
  });
});
after(async () => {
  await browser?.close();
  collector?.stop();
});

test("Firefox: the demo survey pops up, takes a 9 and a comment, and the collector stores it once", async () => {
  const page = await browser.newPage();
  const problems = [];
  page.on("console", (message) => { if (message.type() === "error") problems.push(message.text()); });
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  await page.goto(`${collector.url}/`);
  // `>>>` pierces the widget's open shadow root.
  const dialog = await page.waitForSelector(">>> [role=dialog]", { timeout: 15_000 });
  const question = await dialog.$eval("#sw-question", (q) => q.textContent);
  assert.equal(question, "How likely is it that you would recommend Acme to a friend or colleague?");
  assert.equal((await dialog.$$("input[type=radio]")).length, 11);
  await (await dialog.$("input[type=radio][value='9']")).click();
  const label = await page.waitForSelector(">>> label[for=sw-comment]");
  assert.equal(await label.evaluate((l) => l.textContent), "Glad you like Acme! What do you love most?");
  await (await page.waitForSelector(">>> textarea")).type("Works in Firefox too");
  await (await page.waitForSelector(">>> button[type=submit]")).click();
  const thanks = await page.waitForSelector(">>> [role=status] .sw-thanks-text");
  assert.equal(await thanks.evaluate((t) => t.textContent), "Thank you! Would you tell others about Acme?");

  const events = await eventually(async () => {
    const stored = await storedEvents(collector.url, "nps-main");
    const responses = stored.filter((e) => e.event === "response");
    return responses.length === 1 && responses[0].comment ? stored : null;
  });
  const response = events.find((e) => e.event === "response");
  assert.equal(response.score, 9);
  assert.equal(response.comment, "Works in Firefox too");
  assert.equal(events.filter((e) => e.event === "shown").length, 1);
  assert.deepEqual(problems, []);
  await page.close();
});

test("Firefox: keyboard only, Tab reaches the scale and Escape closes, recording a dismissal", async () => {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.goto(`${collector.url}/`);
  await page.waitForSelector(">>> [role=dialog]", { timeout: 15_000 });
  let active = "";
  for (let i = 0; i < 10 && !active.startsWith("radio"); i++) { // past the demo page's own links
    await page.keyboard.press("Tab");
    active = await page.evaluate(() => {
      const inner = document.querySelector("survey-widget-popup")?.shadowRoot?.activeElement;
      return inner ? `${inner.type || inner.tagName}:${inner.value || ""}` : "";
    });
  }
  assert.match(active, /^radio:0$/, "Tab reaches the score scale");
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => !document.querySelector("survey-widget-popup"));
  await eventually(async () => (await storedEvents(collector.url, "nps-main")).some((e) => e.event === "dismissed"));
  await context.close();
});
