/* survey-widget loader: the stable, un-hashed entry file of the widget (SPEC 3.1, 3.2).
 *
 *   <script async src=".../survey-widget.js" data-config="/surveys.json"></script>
 *
 * A classic script, so it runs under a strict CSP (script-src 'self' 'wasm-unsafe-eval').
 * It defines window.SurveyWidget at once, queues calls made before the WebAssembly module is
 * ready, then loads the module from beside itself and replays the queue. Every failure is one
 * console error; nothing is thrown into the host page. */
(function () {
  "use strict";
  var PREFIX = "[survey-widget] ";
  var script = document.currentScript;
  var base = new URL(".", (script && script.src) || location.href);
  var queue = [];
  var wasm = null;
  var loading = null;

  function fail(what, error) {
    console.error(PREFIX + what + (error ? ": " + (error && error.message ? error.message : error) : ""));
  }

  function load() {
    if (!loading) {
      loading = import(new URL("app/survey-widget.js", base).href)
        .then(function (module) {
          return module.default({ module_or_path: new URL("app/survey-widget_bg.wasm", base) }).then(function () {
            wasm = module;
            var pending = queue;
            queue = [];
            pending.forEach(function (call) { run(call[0], call[1]); });
          });
        })
        .catch(function (error) { fail("could not load the widget from " + base.href, error); });
    }
    return loading;
  }

  function run(name, args) {
    try {
      wasm[name].apply(null, args);
    } catch (error) {
      fail(name + "() failed", error);
    }
  }

  function call(name, args) {
    if (wasm) return run(name, args);
    queue.push([name, args]);
    load();
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

  var api = window.SurveyWidget && window.SurveyWidget.__queue ? window.SurveyWidget : {};
  var early = api.__queue || [];

  api.init = function (config) {
    configText(config).then(
      function (text) { call("start", [text]); },
      function (error) { fail("could not load the config " + String(config), error); }
    );
  };
  api.show = function (surveyId, options) {
    call("show", [String(surveyId), !!(options && options.force)]);
  };
  api.version = "0.1.0";
  delete api.__queue;
  window.SurveyWidget = api;

  /* Calls made through a stub (window.SurveyWidget = {__queue: [[name, args], ...]}) before
     this script ran. */
  early.forEach(function (entry) {
    if (typeof api[entry[0]] === "function") api[entry[0]].apply(api, entry[1] || []);
  });

  var dataConfig = script && script.getAttribute("data-config");
  if (dataConfig) api.init(dataConfig);
})();
