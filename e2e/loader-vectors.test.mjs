// The shared vectors of tests/loader-vectors.json, on the loader's side: the built loader
// (dist/survey-widget.js) runs in a Node VM with a stub page, and decides what tests/loader_vectors.rs
// shows the widget decides: which language file it fetches, whether it loads the widget, which
// storage keys and config fingerprint it reads.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import vm from "node:vm";
import { ROOT } from "./harness.mjs";

const LOADER = readFileSync(join(ROOT, "dist/survey-widget.js"), "utf8");
const VECTORS = JSON.parse(readFileSync(join(ROOT, "tests/loader-vectors.json"), "utf8"));

/**
 * Runs the loader on a stub page and calls `SurveyWidget.init(config)`. Resolves to
 * `{loaded, languageFiles}`: whether it went on to load the widget (its dynamic import, which
 * the VM refuses, is reported as a console error), and the language files it fetched.
 */
async function init(config, { path = "/", cookie = "", now, languages = [], htmlLang = "", storage = {} } = {}) {
  const errors = [];
  const fetched = [];
  const page = {
    console: { error: (message) => errors.push(String(message)), info() {}, log() {} },
    location: { href: `https://site.test${path}`, pathname: path },
    document: { currentScript: null, cookie, documentElement: { lang: htmlLang } },
    navigator: { languages },
    localStorage: { getItem: (key) => storage[key] ?? null, setItem() {}, removeItem() {} },
    history: { pushState() {}, replaceState() {} },
    addEventListener() {},
    fetch: (url) => { fetched.push(new URL(url).pathname); return new Promise(() => {}); },
    URL,
    setTimeout,
  };
  page.window = page;
  const context = vm.createContext(page);
  if (now !== undefined) vm.runInContext(`Date.now = () => ${now}`, context);
  vm.runInContext(LOADER, context);
  vm.runInContext("SurveyWidget.init(config)", Object.assign(context, { config }));
  await new Promise((resolve) => setTimeout(resolve, 20));
  const unexpected = errors.filter((error) => !error.includes("could not load the widget"));
  assert.deepEqual(unexpected, []);
  return {
    loaded: errors.some((error) => error.includes("could not load the widget")),
    languageFiles: fetched.filter((file) => file.startsWith("/app/locales/")),
  };
}

const surveyConfig = (survey, extra = {}) => ({ collector: "/v1/events", surveys: [{ id: "s", kind: "nps", ...survey }], ...extra });

test("each survey vector: the loader loads the widget exactly when the widget would show the survey", async () => {
  for (const vector of VECTORS.surveys) {
    const now = vector.now ? Date.parse(vector.now) : undefined;
    const { loaded } = await init(surveyConfig(vector.survey), {
      path: vector.path, now, cookie: vector.cookie ? "theme=dark; visitor_id=v-1" : "theme=dark",
    });
    assert.equal(loaded, vector.shows, vector.about);
  }
});

test("each language vector: the loader fetches the file of the language the widget speaks", async () => {
  for (const vector of VECTORS.languages) {
    const { languageFiles } = await init(surveyConfig({ anonymous: true }, { locale: vector.locale }), {
      languages: vector.browser, htmlLang: vector.html,
    });
    const expected = vector.expected === "en" ? [] : [`/app/locales/${vector.expected}.json`];
    assert.deepEqual(languageFiles, expected, JSON.stringify(vector));
  }
});

test("storage keys and the config fingerprint: a quiet config skips the widget, a waiting outbox loads it", async () => {
  const keys = VECTORS.storage_keys;
  const quiet = (fingerprint) => ({ [keys.quiet]: JSON.stringify({ config: fingerprint, until: null }) });
  const configs = VECTORS.fingerprints.filter(([text]) => text.startsWith("{"));
  assert.ok(configs.length > 0);
  for (const [text, fingerprint] of configs) {
    assert.equal((await init(text)).loaded, true, "a survey that shows");
    assert.equal((await init(text, { storage: quiet(fingerprint) })).loaded, false, "quiet for this config");
    assert.equal((await init(text, { storage: quiet("00000000") })).loaded, true, "quiet for another config");
  }
  const waiting = { [keys.outbox]: JSON.stringify({ entries: [{ event: {} }] }) };
  assert.equal((await init(surveyConfig({}), { storage: waiting })).loaded, true, "events to deliver, no cookie");
  assert.equal((await init(surveyConfig({}))).loaded, false, "nothing to deliver, no cookie");
});
