// Writes PNG screenshots of the pop-up in each state (question, follow-up, thank-you) at 1280 px
// and 320 px, light and dark, English and Arabic, and the collector's pages (sign-in, the
// console's survey list, the editor with its live preview, the report), into screenshots/ for a
// person to look at.
// Run through scripts/screenshots.sh (it builds the widget and the collector first).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  ROOT, startCollector, launchChromium, openSurveyPage, surveyConfig, signInConsole, CONSOLE_ADMIN_ENV,
} from "./harness.mjs";

const out = join(ROOT, "screenshots");
mkdirSync(out, { recursive: true });
const collector = await startCollector({ env: CONSOLE_ADMIN_ENV });
const browser = await launchChromium();
const body = `<main style="font: 16px/1.5 system-ui; max-width: 640px; margin: 40px auto; padding: 0 16px">
  <h1>Acme dashboard</h1><p>${"Your projects are up to date. ".repeat(12)}</p></main>`;
let written = 0;
try {
  for (const [lang, locale, submit] of [["en", "en-US", "Send"], ["ar", "ar", "إرسال"]]) {
    for (const scheme of ["light", "dark"]) {
      for (const width of [1280, 320]) {
        const context = await browser.newContext({ locale, colorScheme: scheme, viewport: { width, height: 720 } });
        const config = surveyConfig({ id: `shots-${lang}` });
        const { page } = await openSurveyPage(browser, collector.url, { config, body, context });
        const dialog = page.getByRole("dialog");
        await dialog.waitFor();
        const shot = async (state) => {
          await page.waitForTimeout(300); // let the entrance animation finish
          await page.screenshot({ path: join(out, `${lang}-${scheme}-${width}-${state}.png`) });
          written += 1;
        };
        await shot("question");
        await dialog.getByRole("radio", { name: /^9\b/ }).check();
        await dialog.getByRole("textbox").fill(lang === "ar" ? "منتج رائع" : "The timeline view saves me hours.");
        await shot("follow-up");
        await dialog.getByRole("button", { name: submit }).click();
        await dialog.getByRole("status").locator("p").waitFor();
        await shot("thank-you");
        await context.close();
      }
    }
  }
  // The collector's pages: sign-in, the console's list, the editor with its preview (after
  // choosing 3), and the report with the answers given above.
  for (const scheme of ["light", "dark"]) {
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const shot = async (name, fullPage = false) => {
      await page.screenshot({ path: join(out, `console-${name}-${scheme}.png`), fullPage });
      written += 1;
    };
    await page.goto(`${collector.url}/login`);
    await shot("sign-in");
    await signInConsole(page, collector.url);
    const id = `nps-${scheme}`;
    await page.getByLabel("Survey id").fill(id);
    await page.getByRole("button", { name: "Create" }).click();
    await page.waitForURL(`${collector.url}/admin/surveys/${id}`);
    await page.getByLabel("Follow-up (detractor)").fill("What should we fix first?");
    const preview = page.locator("#preview");
    await preview.getByRole("dialog").waitFor();
    await page.waitForTimeout(700); // the preview redraws after the check
    await preview.getByRole("radio", { name: /^3\b/ }).check();
    await shot("editor", true);
    await page.goto(`${collector.url}/admin`);
    await shot("surveys");
    await page.setViewportSize({ width: 1280, height: 1400 });
    await page.goto(`${collector.url}/report/shots-en`);
    await shot("report", true);
    await context.close();
  }
} finally {
  await browser.close();
  collector.stop();
}
console.log(`wrote ${written} screenshots to ${out}`);
