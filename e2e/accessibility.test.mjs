// Every visitor (issue: languages, right-to-left, accessibility): axe-core in each state in
// English and Arabic, a keyboard-only run, and the visitor's language chosen from the browser.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useCollectorAndBrowser, surveyConfig, axeViolations } from "./harness.mjs";

const env = useCollectorAndBrowser();
const open = (options) => env.open(options);

for (const [locale, submit, direction] of [["en-US", "Send", "ltr"], ["ar", "إرسال", "rtl"]]) {
  test(`axe-core finds no WCAG 2.2 AA violation in any state (${locale})`, async () => {
    const { page, context } = await open({ config: surveyConfig({ id: `axe-${locale}` }), locale });
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    assert.equal(await dialog.getAttribute("dir"), direction);
    assert.deepEqual(await axeViolations(page), [], "question");
    await dialog.getByRole("radio", { name: /^3\b/ }).check();
    await dialog.getByRole("textbox").waitFor();
    assert.deepEqual(await axeViolations(page), [], "follow-up");
    await dialog.getByRole("button", { name: submit }).click();
    await dialog.getByRole("status").locator("p").waitFor();
    assert.deepEqual(await axeViolations(page), [], "thank-you");
    await context.close();
  });
}

test("keyboard only: no focus theft, Tab in, digits and arrows choose, Enter sends, Esc closes and returns focus", async () => {
  const body = `<main><a href="#top" id="host-link">Host link</a></main>`;
  const { page, context } = await open({ config: surveyConfig({ id: "keys" }), body });
  await page.getByRole("dialog").waitFor();
  const focused = () => page.evaluate(() => {
    const host = document.querySelector("survey-widget-popup");
    const inner = host && host.shadowRoot.activeElement;
    return inner ? `${inner.tagName.toLowerCase()}:${inner.value || inner.getAttribute("aria-label") || ""}` : document.activeElement.id || document.activeElement.tagName.toLowerCase();
  });
  assert.equal(await focused(), "body", "opening the pop-up does not move focus");
  await page.keyboard.press("Tab");
  assert.equal(await focused(), "host-link", "the host page keeps its own tab order");
  await page.keyboard.press("Tab");
  assert.equal(await focused(), "button:Close survey");
  await page.keyboard.press("Tab");
  assert.match(await focused(), /^input:0/, "then the first score");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  assert.match(await focused(), /^input:2/);
  await page.keyboard.type("10");
  assert.match(await focused(), /^input:10/, "typing 1 then 0 chooses 10");
  await page.keyboard.press("7");
  assert.match(await focused(), /^input:7/);
  const checked = await page.getByRole("radio", { name: /^7\b/ }).isChecked();
  assert.ok(checked);
  await page.keyboard.press("Tab");
  assert.equal(await focused(), "textarea:");
  await page.keyboard.type("Keyboard works");
  await page.keyboard.press("Tab");
  assert.equal(await focused(), "button:");
  await page.keyboard.press("Enter");
  await page.getByRole("status").getByText("Thank you for your feedback!").waitFor();
  assert.equal(await focused(), "button:Close survey", "focus stays in the card after sending");
  await page.keyboard.press("Escape");
  assert.equal(await page.getByRole("dialog").count(), 0);
  assert.equal(await focused(), "host-link", "closing gives focus back to where it came from");
  await context.close();
});

test("a Finnish browser gets the Finnish question; an Arabic one a right-to-left card", async () => {
  const fi = await open({ config: surveyConfig({ id: "fi" }), locale: "fi-FI" });
  const question = fi.page.getByRole("dialog", { name: /Kuinka todennäköisesti suosittelisit Acme/ });
  await question.waitFor();
  assert.equal(await question.getAttribute("lang"), "fi");
  assert.ok(await question.getByRole("radio", { name: "0, Erittäin epätodennäköisesti" }).count());
  await fi.context.close();

  const ar = await open({ config: surveyConfig({ id: "ar" }), locale: "ar-EG" });
  const dialog = ar.page.getByRole("dialog");
  await dialog.waitFor();
  assert.equal(await dialog.getAttribute("dir"), "rtl");
  assert.equal(await dialog.getAttribute("lang"), "ar");
  const [zero, ten] = await Promise.all([
    dialog.getByRole("radio", { name: /^0\b/ }).boundingBox(),
    dialog.getByRole("radio", { name: /^10\b/ }).boundingBox(),
  ]);
  assert.ok(zero.x > ten.x, "the scale reads right to left");
  await ar.context.close();
});

test("a visitor downloads the texts of one language: Finnish fetches fi.json once, English none", async () => {
  const fetched = (page) => {
    const files = [];
    page.on("request", (request) => { if (request.url().includes("/app/locales/")) files.push(new URL(request.url()).pathname); });
    return files;
  };
  for (const [locale, wanted, question] of [["fi-FI", ["/app/locales/fi.json"], /Kuinka todennäköisesti/], ["en-GB", [], /How likely/]]) {
    const { page, context } = await open({ config: surveyConfig({ id: `files-${locale}` }), locale });
    // Counted on a page load of its own: the first load's requests are over once it shows.
    await page.getByRole("dialog", { name: question }).waitFor();
    const files = fetched(page);
    await page.reload();
    await page.getByRole("dialog", { name: question }).waitFor();
    assert.deepEqual(files, wanted, locale);
    await context.close();
  }
});

test("the config's locale wins over the browser's, and the chosen locale is sent with events", async () => {
  const { page, context } = await open({ config: surveyConfig({ id: "sv" }, { locale: "sv" }), locale: "de-DE" });
  const answered = page.evaluate(() => new Promise((resolve) => addEventListener("survey-widget:answered", (e) => resolve(e.detail.locale))));
  await page.getByRole("dialog", { name: /Hur sannolikt är det/ }).getByRole("radio", { name: /^9\b/ }).check();
  assert.equal(await answered, "sv");
  await context.close();
});

test("a survey's own texts in a language without built-in texts are used for that language", async () => {
  const text = { nl: { question: "Hoe waarschijnlijk is het dat je {company} aanbeveelt aan een vriend of collega?" } };
  const { page, context } = await open({ config: surveyConfig({ id: "nl", text }), locale: "nl-NL" });
  const dialog = page.getByRole("dialog", { name: "Hoe waarschijnlijk is het dat je Acme aanbeveelt aan een vriend of collega?" });
  await dialog.waitFor();
  assert.equal(await dialog.getAttribute("lang"), "nl");
  await context.close();
});
