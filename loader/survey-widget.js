/* survey-widget loader: the stable, un-hashed entry file of the widget (SPEC 3.1, 3.2).
 *
 *   <script async src=".../survey-widget.js" data-config="/surveys.json"
 *           data-attributes='{"plan": "pro"}'></script>
 *
 * A classic script, so it runs under a strict CSP (script-src 'self' 'wasm-unsafe-eval').
 * It defines window.SurveyWidget at once; calls are queued in order and run once the
 * WebAssembly module, loaded from beside this file, is ready. Every failure is one console
 * error; nothing is thrown into the host page. */
(function () {
  "use strict";
  var PREFIX = "[survey-widget] ";
  var script = document.currentScript;
  var base = new URL(".", (script && script.src) || location.href);
  var wasm = null;
  var chain = null;

  function fail(what, error) {
    console.error(PREFIX + what + (error ? ": " + (error.message || error) : ""));
  }

  function loadWasm() {
    return import(new URL("app/survey-widget.js", base).href).then(function (module) {
      return module.default({ module_or_path: new URL("app/survey-widget_bg.wasm", base) }).then(function () {
        wasm = module;
        watchNavigation();
      });
    }).catch(function (error) { fail("could not load the widget from " + base.href, error); });
  }

  /* Runs `step` after every earlier call, once the module is loaded. */
  function enqueue(step) {
    chain = (chain || loadWasm()).then(function () {
      if (wasm) return step();
    }).catch(function (error) { fail("a call failed", error); });
  }

  function call(name, args) {
    enqueue(function () { wasm[name].apply(null, args); });
  }

  /* The config's JSON text: from an object, from inline JSON, or fetched from a URL. */
  function configText(source) {
    if (source && typeof source === "object") return Promise.resolve(JSON.stringify(source));
    var text = String(source || "").trim();
    if (text.charAt(0) === "{") return Promise.resolve(text);
    return fetch(new URL(text, location.href).href, { credentials: "omit" }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.text();
    });
  }

  /* SPA support: every history change re-evaluates pages and criteria. */
  function watchNavigation() {
    var changed = function () { if (wasm) wasm.page_changed(); };
    ["pushState", "replaceState"].forEach(function (name) {
      var original = history[name];
      history[name] = function () {
        var result = original.apply(this, arguments);
        try { changed(); } catch (error) { fail("navigation handling failed", error); }
        return result;
      };
    });
    window.addEventListener("popstate", changed);
    window.addEventListener("hashchange", changed);
  }

  var existing = window.SurveyWidget;
  if (existing && existing.version) return; /* loaded twice: keep the first */
  var early = (existing && existing.__queue) || [];

  var api = {
    version: "0.1.0",
    init: function (config) {
      enqueue(function () {
        return configText(config).then(
          function (text) { wasm.start(text); },
          function (error) { fail("could not load the config " + String(config), error); }
        );
      });
    },
    identify: function (attributes) { call("identify", [JSON.stringify(attributes || {})]); },
    track: function (eventName) { call("track", [String(eventName)]); },
    show: function (surveyId, options) { call("show", [String(surveyId), !!(options && options.force)]); },
    reset: function () { call("reset", []); },
    debug: function () { call("debug", []); }
  };
  window.SurveyWidget = api;

  /* Calls made through a stub before this script ran:
     window.SurveyWidget = {__queue: [["identify", [{plan: "pro"}]], ...]} */
  early.forEach(function (entry) {
    if (typeof api[entry[0]] === "function") api[entry[0]].apply(api, entry[1] || []);
  });

  /* <survey-widget config="/surveys.json" survey="nps-main" mode="inline">: renders one survey
     in its own shadow root; works without data-config on the script tag. */
  if (window.customElements && !customElements.get("survey-widget")) {
    customElements.define("survey-widget", class extends HTMLElement {
      connectedCallback() {
        var element = this;
        if (element.shadowRoot) return;
        var config = element.getAttribute("config");
        if (!config) return fail("<survey-widget> needs a config attribute (a URL or inline JSON)");
        enqueue(function () {
          return configText(config).then(function (text) {
            wasm.mount_element(element, text, element.getAttribute("survey") || "", element.getAttribute("mode") || "popup");
          }, function (error) { fail("could not load the config " + config, error); });
        });
      }
    });
  }

  var attributes = script && script.getAttribute("data-attributes");
  if (attributes) {
    try { api.identify(JSON.parse(attributes)); } catch (error) { fail("data-attributes is not JSON", error); }
  }
  var dataConfig = script && script.getAttribute("data-config");
  if (dataConfig) api.init(dataConfig);
})();
