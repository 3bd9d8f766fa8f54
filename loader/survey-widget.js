/* survey-widget loader: the stable, un-hashed entry file of the widget (SPEC 3.1, 3.2).
 *
 *   <script async src=".../survey-widget.js" data-config="/surveys.json"
 *           data-attributes='{"plan": "pro"}'></script>
 *
 * A classic script, so it runs under a strict CSP (script-src 'self' 'wasm-unsafe-eval').
 * It defines window.SurveyWidget at once and keeps calls in order. It loads the WebAssembly
 * widget (from beside this file) only when a survey might show: a visitor without the identity
 * cookie (for non-anonymous surveys), on a page no survey targets, or whom every survey is
 * holding back (answered, dismissed, sampled out; the widget records that as "quiet") costs
 * this file and the config, nothing more, unless events are still waiting in the outbox. Every failure is one console error; nothing is
 * thrown into the host page. */
(function () {
  "use strict";
  var existing = window.SurveyWidget;
  if (existing && existing.version) return; /* loaded twice: keep the first */
  var early = (existing && existing.__queue) || [];
  var PREFIX = "[survey-widget] ";
  var script = document.currentScript;
  var base = new URL(".", (script && script.src) || location.href);
  var wasm = null;
  var held = [];        /* calls waiting for the module, in order */
  var loading = null;   /* the module's loading chain, once started */
  var dormant = null;   /* config text of a page where no survey can show yet */
  /* The built-in languages but English (which is inside the wasm), written in by
     scripts/post-build.mjs from src/core/i18n/locales/. */
  var LANGUAGES = "__SURVEY_WIDGET_LANGUAGES__".split(",");
  var languageFiles = {}; /* fetches, by language code ("" once the widget has read one) */

  function fail(what, error) {
    console.error(PREFIX + what + (error ? ": " + (error.message || error) : ""));
  }

  function guard(step) {
    return function () {
      if (!wasm) return;
      try { return Promise.resolve(step()).catch(function (error) { fail("a call failed", error); }); }
      catch (error) { fail("a call failed", error); }
    };
  }

  /* Runs `step` in a later task of its own. */
  function later(step) {
    setTimeout(step, 0);
  }

  /* `start` spreads its work over tasks and resolves when done; the calls queued behind it wait
     for it, but not for ever: a start that cannot finish (a trap: a bug) must not hold them. */
  function settled(promise) {
    return Promise.race([promise, new Promise(function (resolve) { setTimeout(resolve, 10000); })]);
  }

  /* Queues `step` (run once the module is loaded, after every earlier call). */
  function run(step) {
    if (loading) loading = loading.then(guard(step));
    else held.push(step);
  }

  /* The response to `url` (a string), read by `read` ("text", "arrayBuffer"); an HTTP error
     status rejects, as a network failure does. */
  function fetched(url, read, init) {
    return fetch(url, init).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response[read]();
    });
  }

  /* The wasm, compiled. Fetched whole and handed to WebAssembly.compile, which decodes it off
     the main thread: streaming compilation decodes on the main thread as the bytes arrive, and
     on a slow phone a fast download arrives in one piece, a task of over 50 ms. (Streaming's
     one gain, V8's cache of optimized code, does not show on a pop-up's short run: a repeat
     visit takes as long either way, see bench/widget.mjs.) */
  function compiledWasm() {
    return fetched(new URL("app/survey-widget_bg.wasm", base).href, "arrayBuffer").then(function (bytes) {
      return WebAssembly.compile(bytes);
    });
  }

  function load() {
    if (loading) return;
    loading = Promise.all([import(new URL("app/survey-widget.js", base).href), compiledWasm()]).then(function (loaded) {
      var module = loaded[0];
      /* Instantiated in a task after the compilation's. */
      return new Promise(later).then(function () {
        return module.default({ module_or_path: loaded[1] });
      }).then(function () {
        wasm = module;
        /* The queued calls run in a later task than the instantiation: no long task. */
        return new Promise(later);
      });
    }).catch(function (error) { fail("could not load the widget from " + base.href, error); });
    held.splice(0).forEach(run);
  }

  /* The config's JSON text: from an object, from inline JSON, or fetched from a URL. */
  function configText(source) {
    if (source && typeof source === "object") return Promise.resolve(JSON.stringify(source));
    var text = String(source || "").trim();
    if (text.charAt(0) === "{") return Promise.resolve(text);
    return fetched(new URL(text, location.href).href, "text", { credentials: "omit" });
  }

  /* The texts of the visitor's built-in language, chosen as the widget does (the config's
     locale, then the browser's languages, then <html lang>), fetched beside the wasm and in
     parallel with it; resolves to the file's text, or "" for English, on failure, or when
     the widget has it already (handOver: the text is for the widget now). */
  function languageText(text, handOver) {
    try {
      var locale = JSON.parse(text).locale;
      var tags = [/^auto$/i.test(locale) ? "" : locale].concat(navigator.languages, document.documentElement.lang);
      for (var i = 0; i < tags.length; i++) {
        var code = String(tags[i] || "").split(/[-_]/)[0].trim().toLowerCase();
        if (code === "en") break;
        if (LANGUAGES.indexOf(code) >= 0) {
          languageFiles[code] = languageFiles[code] || fetched(new URL("app/locales/" + code + ".json", base).href, "text")
            .catch(function (error) { fail("no " + code + " texts", error); return ""; });
          return languageFiles[code].then(function (language) {
            if (handOver) languageFiles[code] = Promise.resolve(""); /* the widget keeps it */
            return handOver ? language : "";
          });
        }
      }
    } catch (error) { /* a broken config: the widget explains it */ }
    return Promise.resolve("");
  }

  function escapeRegExp(text) {
    return String(text).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function glob(pattern) { /* `*` matches anything, everything else is literal */
    return new RegExp("^" + escapeRegExp(pattern).replace(/\\\*/g, ".*") + "$");
  }

  function fingerprint(text) { /* FNV-1a over UTF-16 units, as core::hash::fingerprint32 */
    for (var h = 0x811c9dc5, i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    return ("0000000" + h.toString(16)).slice(-8);
  }

  /* Whether some survey of the config might show on this page: cheap checks only; the widget
     makes the real decision. Unreadable configs load the widget, which explains the problem, and
     so does debug mode, which answers for every survey. */
  function mayShow(text) {
    try {
      if (/[?&#]survey_debug=1/.test(location.href)) return true;
      var config = JSON.parse(text);
      var outbox = JSON.parse(localStorage.getItem("survey-widget:outbox") || "null");
      if (outbox && outbox.entries && outbox.entries.length) return true; /* events to deliver */
      var now = Date.now();
      var quiet = JSON.parse(localStorage.getItem("survey-widget:quiet") || "null");
      if (quiet && quiet.config === fingerprint(text) && (quiet.until === null || now < quiet.until)) return false;
      var cookie = new RegExp("(?:^|;\\s*)" + escapeRegExp(config.identity_cookie || "visitor_id") + "=[^;]").test(document.cookie);
      var path = location.pathname;
      return (config.surveys || []).some(function (survey) {
        var trigger = survey.trigger || {};
        var matches = function (globs) { return (globs || []).some(function (g) { return glob(g).test(path); }); };
        /* A date the browser cannot read loads the widget, which names the problem. */
        var scheduled = !(Date.parse(survey.starts_at) > now) && !(Date.parse(survey.ends_at) <= now);
        return survey.enabled !== false && scheduled && (cookie || survey.anonymous === true) &&
          (!(trigger.pages || []).length || matches(trigger.pages)) && !matches(trigger.exclude_pages);
      });
    } catch (error) {
      return true;
    }
  }

  /* SPA support: every history change re-evaluates pages and criteria (or wakes the loader). */
  function navigated() {
    if (wasm) wasm.page_changed();
    else if (dormant !== null && mayShow(dormant)) { dormant = null; load(); }
  }
  ["pushState", "replaceState"].forEach(function (name) {
    var original = history[name];
    history[name] = function () {
      var result = original.apply(this, arguments);
      navigatedSafely();
      return result;
    };
  });
  function navigatedSafely() {
    try { navigated(); } catch (error) { fail("a navigation failed", error); }
  }
  addEventListener("popstate", navigatedSafely);
  addEventListener("hashchange", navigatedSafely);

  function call(name, args, needsWidget) {
    run(function () { return wasm[name].apply(null, args); });
    if (needsWidget) load();
  }

  var api = {
    version: "__SURVEY_WIDGET_VERSION__", /* the crate's version, written in by scripts/post-build.mjs */
    init: function (config) {
      var text = configText(config);
      run(function () {
        return text.then(function (t) {
          return languageText(t, true).then(function (language) { return settled(wasm.start(t, language)); });
        }, function () {});
      });
      /* The decision and the downloads each in a task of its own, after this script's: on a
         slow phone the three together block the page for over 50 ms (a long task). */
      text.then(function (t) {
        later(function () {
          if (!mayShow(t)) dormant = t;
          else later(function () { languageText(t); load(); });
        });
      }, function (error) { fail("could not load the config " + String(config), error); });
    },
    identify: function (attributes) { call("identify", [JSON.stringify(attributes || {})]); },
    track: function (eventName) { call("track", [String(eventName)]); },
    show: function (surveyId, options) { call("show", [String(surveyId), !!(options && options.force)], true); },
    reset: function () {
      try { localStorage.removeItem("survey-widget:quiet"); } catch (error) { /* storage blocked */ }
      call("reset", []);
    },
    debug: function () { call("debug", [], true); }
  };
  window.SurveyWidget = api;

  /* <survey-widget config="/surveys.json" survey="nps-main" mode="inline">: renders one survey
     in its own shadow root; works without data-config on the script tag. */
  if (window.customElements && !customElements.get("survey-widget")) {
    customElements.define("survey-widget", class extends HTMLElement {
      connectedCallback() {
        var element = this;
        var config = element.getAttribute("config");
        if (element.surveyWidgetMounted) return; /* moved or re-inserted: rendered once */
        element.surveyWidgetMounted = true;
        if (!config) return fail("<survey-widget> needs a config attribute");
        var text = configText(config);
        text.catch(function (error) { fail("could not load the config " + config, error); });
        run(function () {
          return text.then(function (t) {
            return languageText(t, true).then(function (language) {
              wasm.mount_element(element, t, element.getAttribute("survey") || "", element.getAttribute("mode") || "popup", language);
            });
          }, function () {});
        });
        later(function () { text.then(languageText, function () {}); load(); });
      }
    });
  }

  /* The script tag's own data first, then calls made through a stub before this script ran
     (window.SurveyWidget = {__queue: [["identify", [{plan: "pro"}]], ...]}), in order. */
  var attributes = script && script.getAttribute("data-attributes");
  if (attributes) {
    try { api.identify(JSON.parse(attributes)); } catch (error) { fail("data-attributes is not JSON", error); }
  }
  var dataConfig = script && script.getAttribute("data-config");
  if (dataConfig) api.init(dataConfig);
  early.forEach(function (entry) {
    if (typeof api[entry[0]] === "function") api[entry[0]].apply(api, entry[1] || []);
  });
})();
