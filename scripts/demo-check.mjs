// Checks a running `scripts/dev.sh` the way a newcomer would: opens the demo page in headless
// Chromium, answers the NPS survey (9, with a comment) and finds the answer in the report.
// Usage: node scripts/demo-check.mjs http://127.0.0.1:8787 [dev.log]
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";

const [base, log] = process.argv.slice(2);
if (!base) throw new Error("usage: node scripts/demo-check.mjs BASE_URL [DEV_LOG]");
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
try {
  const page = await browser.newPage();
  const errors = [];
  page.on("console", (message) => { if (message.type() === "error") errors.push(message.text()); });
  await page.goto(`${base}/`);
  const dialog = page.getByRole("dialog", { name: /recommend Acme/ });
  await dialog.waitFor({ timeout: 20_000 });
  await dialog.getByRole("radio", { name: /^9\b/ }).check();
  const comment = `fresh-check ${Date.now()}`;
  await dialog.getByRole("textbox").fill(comment);
  await dialog.getByRole("button", { name: "Send" }).click();
  await dialog.getByRole("status").waitFor();
  const headers = await reportHeaders(page);
  for (let tries = 0; ; tries++) {
    const response = await fetch(`${base}/v1/surveys/nps-main/report`, { headers });
    const report = response.ok ? await response.json() : null;
    if (report?.comments?.some((c) => c.comment === comment)) {
      console.log(`demo check: answered 9 on ${base}/; report has ${report.responses} response(s), score ${report.score}, the comment included`);
      break;
    }
    if (tries > 50) throw new Error(`the answer never reached the report (last: HTTP ${response.status})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (errors.length) throw new Error(`console errors on the demo page: ${errors.join("; ")}`);
} finally {
  await browser.close();
}

/** Credentials for the private report: the demo admin that dev.sh prints, when it does. */
async function reportHeaders(page) {
  const text = log ? readFileSync(log, "utf8") : "";
  const email = text.match(/console sign-in: (\S+) \/ (\S+)/);
  if (!email) return {};
  const response = await page.request.post(`${base}/login`, {
    form: { email: email[1], password: email[2] }, maxRedirects: 0,
  });
  const cookie = (response.headers()["set-cookie"] || "").split(";")[0];
  return { cookie };
}
