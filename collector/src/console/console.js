// survey-collector console: talks to the JSON API with the session's CSRF token, fills the
// editor from data attributes, shows errors at their fields and redraws the live preview with
// the real widget (<survey-widget mode="preview">, which records nothing). A module script
// served as a file: the pages keep a strict CSP.

const OPS = ["eq", "ne", "in", "not_in", "contains", "not_contains", "starts_with", "ends_with",
  "matches", "exists", "not_exists", "gt", "gte", "lt", "lte", "older_than_days", "newer_than_days"];
const LIST_OPS = new Set(["in", "not_in"]);
const NUMBER_OPS = new Set(["gt", "gte", "lt", "lte", "older_than_days", "newer_than_days"]);
const NO_VALUE_OPS = new Set(["exists", "not_exists"]);
const ATTRIBUTES = ["visitor.id", "page.url", "page.path", "page.referrer", "device", "locale",
  "visit.pageviews", "visit.days_since_first"];

/** Calls the JSON API; resolves to {ok, status, body, headers}. */
async function api(method, url, { body, csrf, headers = {} } = {}) {
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: { "content-type": "application/json", "x-csrf-token": csrf || "", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let json = null;
  try { json = await response.json(); } catch { /* empty body */ }
  return { ok: response.ok, status: response.status, body: json, headers: response.headers };
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === false || value === undefined || value === null) continue;
    node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) node.append(child);
  return node;
}

/** Shows `message` at the field whose data-path best matches the error's JSON path. */
function showError(form, path, message) {
  clearErrors(form);
  let best = null;
  for (const field of form.querySelectorAll("[data-path]")) {
    const own = field.dataset.path;
    const matches = path === own || path.startsWith(own + ".") || path.startsWith(own + "[");
    if (matches && (!best || own.length > best.dataset.path.length)) best = field;
  }
  const slot = best && document.getElementById(best.getAttribute("aria-describedby")?.split(" ").pop());
  if (best && slot) {
    best.setAttribute("aria-invalid", "true");
    slot.textContent = message;
    return best;
  }
  const general = form.querySelector("#form-error, .field-error");
  if (general) general.textContent = path ? `${path}: ${message}` : message;
  return null;
}

function clearErrors(form) {
  for (const field of form.querySelectorAll("[aria-invalid]")) field.removeAttribute("aria-invalid");
  for (const slot of form.querySelectorAll(".field-error")) slot.textContent = "";
}

function errorMessage(result) {
  const error = result.body?.error || `HTTP ${result.status}`;
  const path = result.body?.path;
  return path && error.startsWith(path + ": ") ? error.slice(path.length + 2) : error;
}

/** An RFC 3339 time as a `datetime-local` value (the browser's time zone), and back. */
const toLocalInput = (time) => {
  const date = new Date(time || "");
  return Number.isNaN(date.getTime()) ? "" : new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromLocalInput = (value) => (value ? new Date(value).toISOString() : undefined);

/** The `appearance` fields of a form: [form name, key, read, write]; empty means "inherit". */
const APPEARANCE = [
  ["position", "position", (f) => f.value || undefined, (f, v) => { f.value = v ?? ""; }],
  ["accent", "accent", (f) => f.value.trim() || undefined, (f, v) => { f.value = v ?? ""; }],
  ["logo", "logo", (f) => f.value.trim() || undefined, (f, v) => { f.value = v ?? ""; }],
  ["branding", "branding", (f) => (f.value === "" ? undefined : f.value === "true"), (f, v) => { f.value = v === undefined ? "" : String(v); }],
];

function debounce(fn, ms) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

// ---- the survey list: a new survey from a template ----
const newSurvey = document.getElementById("new-survey");
if (newSurvey) {
  newSurvey.addEventListener("submit", async (event) => {
    event.preventDefault();
    const id = newSurvey.elements.id.value.trim();
    const kind = newSurvey.elements.kind.value;
    const template = { id, kind, enabled: true, anonymous: false, trigger: { delay_seconds: 5 } };
    const result = await api("PUT", `/v1/surveys/${encodeURIComponent(id)}`, {
      body: template, csrf: newSurvey.dataset.csrf, headers: { "if-match": "\"0\"" },
    });
    const slot = document.getElementById("new-id-error");
    if (result.ok) {
      location.assign(`/admin/surveys/${encodeURIComponent(id)}`);
    } else if (result.status === 412) {
      slot.textContent = `A survey "${id}" exists already.`;
    } else {
      newSurvey.elements.id.setAttribute("aria-invalid", "true");
      slot.textContent = errorMessage(result);
    }
  });
}

// ---- the editor ----
const editor = document.getElementById("editor");
if (editor) startEditor(editor);

function startEditor(root) {
  const data = JSON.parse(root.dataset.editor);
  const csrf = root.dataset.csrf;
  const form = document.getElementById("survey-form");
  const id = data.survey.id;
  let definition = structuredClone(data.survey.definition);
  let revision = data.survey.revision;
  const field = (name) => form.elements[name];
  const textLang = document.getElementById("text-lang");
  const previewLang = document.getElementById("preview-lang");
  const status = document.getElementById("status");

  const get = (object, path) => path.reduce((at, key) => (at == null ? undefined : at[key]), object);
  function set(object, path, value) {
    const last = path[path.length - 1];
    let at = object;
    for (const key of path.slice(0, -1)) at = at[key] ??= {};
    if (value === undefined || value === "" || (Array.isArray(value) && !value.length)) delete at[last];
    else at[last] = value;
  }
  /** Drops empty objects (a text left empty falls back to the built-in one). */
  function prune(object) {
    for (const [key, value] of Object.entries(object)) {
      if (value && typeof value === "object" && !Array.isArray(value)) {
        prune(value);
        if (!Object.keys(value).length) delete object[key];
      }
    }
    return object;
  }
  const globs = (text) => text.split(",").map((g) => g.trim()).filter(Boolean);
  const number = (text) => (text.trim() === "" ? undefined : Number(text));
  const kind = () => field("kind").value;
  const lang = () => textLang.value;
  const builtin = () => data.builtins[lang()] || data.builtins.en;

  // Plain fields: [form name, JSON path, read, write].
  const plain = [
    ["enabled", ["enabled"], (f) => f.checked, (f, v) => { f.checked = v !== false; }],
    ["anonymous", ["anonymous"], (f) => f.checked, (f, v) => { f.checked = v === true; }],
    ["delay_seconds", ["trigger", "delay_seconds"], (f) => number(f.value), (f, v) => { f.value = v ?? ""; }],
    ["scroll_percent", ["trigger", "scroll_percent"], (f) => number(f.value), (f, v) => { f.value = v ?? ""; }],
    ["exit_intent", ["trigger", "exit_intent"], (f) => f.checked || undefined, (f, v) => { f.checked = v === true; }],
    ["event", ["trigger", "event"], (f) => f.value.trim() || undefined, (f, v) => { f.value = v ?? ""; }],
    ["pages", ["trigger", "pages"], (f) => globs(f.value), (f, v) => { f.value = (v || []).join(", "); }],
    ["exclude_pages", ["trigger", "exclude_pages"], (f) => globs(f.value), (f, v) => { f.value = (v || []).join(", "); }],
    ["recontact_days", ["recontact_days"], (f) => number(f.value), (f, v) => { f.value = v ?? ""; }],
    ["dismiss_days", ["dismiss_days"], (f) => number(f.value), (f, v) => { f.value = v ?? ""; }],
    ["max_shows", ["max_shows"], (f) => number(f.value), (f, v) => { f.value = v ?? ""; }],
    ["sample_percent", ["sample_percent"], (f) => number(f.value), (f, v) => { f.value = v ?? ""; }],
    ["report_attributes", ["report_attributes"], (f) => globs(f.value), (f, v) => { f.value = (v || []).join(", "); }],
    ["priority", ["priority"], (f) => number(f.value), (f, v) => { f.value = v ?? ""; }],
    ["starts_at", ["starts_at"], (f) => fromLocalInput(f.value), (f, v) => { f.value = toLocalInput(v); }],
    ["ends_at", ["ends_at"], (f) => fromLocalInput(f.value), (f, v) => { f.value = toLocalInput(v); }],
    ...APPEARANCE.map(([name, key, read, write]) => [name, ["appearance", key], read, write]),
  ];

  function fill() {
    field("kind").value = definition.kind;
    for (const [name, path, , write] of plain) write(field(name), get(definition, path));
    fillTexts();
    fillSegment();
  }

  // Texts of the chosen language: question, then per category follow-up, thank-you and link.
  function fillTexts() {
    const texts = definition.text?.[lang()] || {};
    const question = field("question");
    question.dataset.path = `text.${lang()}.question`;
    question.value = texts.question || "";
    question.placeholder = builtin().question[kind()];
    const box = document.getElementById("category-texts");
    box.replaceChildren();
    data.categories[kind()].forEach((category, index) => {
      const group = el("div", { class: "category" }, el("h3", {}, category));
      const input = (name, label, path, placeholder, value) => {
        const fieldId = `f-${name}-${category}`;
        const errorId = `${fieldId}-error`;
        group.append(el("div", { class: "field" },
          el("label", { for: fieldId }, label),
          el("input", { id: fieldId, "data-path": path, "data-text": "", "aria-describedby": errorId, placeholder, value: value || "" }),
          el("p", { class: "field-error", id: errorId })));
      };
      const base = `text.${lang()}`;
      input("follow_up", `Follow-up (${category})`, `${base}.follow_up.${category}`, builtin().follow_up[index], texts.follow_up?.[category]);
      input("thank_you", `Thank-you (${category})`, `${base}.thank_you.${category}`, builtin().thank_you[index], texts.thank_you?.[category]);
      input("link_label", `Link text (${category})`, `${base}.link.${category}.label`, "", texts.link?.[category]?.label);
      input("link_url", `Link URL (${category})`, `${base}.link.${category}.url`, "https://", texts.link?.[category]?.url);
      box.append(group);
    });
  }

  function readTexts() {
    const texts = {};
    for (const input of [field("question"), ...form.querySelectorAll("[data-text]")]) {
      const path = input.dataset.path.split(".").slice(2);
      set(texts, path, input.value.trim() || undefined);
    }
    // A link needs both parts; half a link stays as typed so the validator names it.
    definition.text ??= {};
    definition.text[lang()] = prune(texts);
  }

  // The segment builder: a flat list of rules under "all" or "any"; deeper trees stay as JSON.
  const rules = document.getElementById("segment-rules");
  const match = document.getElementById("segment-match");
  const note = document.getElementById("segment-note");
  let segmentEditable = true;

  function fillSegment() {
    rules.replaceChildren();
    const segment = definition.segment;
    const mode = segment && (segment.all ? "all" : segment.any ? "any" : null);
    const list = mode ? segment[mode] : [];
    segmentEditable = !segment || (mode && list.every((rule) => rule && rule.attr !== undefined));
    match.disabled = !segmentEditable;
    document.getElementById("add-rule").disabled = !segmentEditable;
    note.textContent = segmentEditable
      ? (list.length ? "" : "No rules: every visitor with the identity cookie qualifies.")
      : `Nested criteria (kept as they are): ${JSON.stringify(segment)}`;
    if (!segmentEditable) return;
    match.value = mode || "all";
    list.forEach(addRule);
  }

  let ruleCount = 0;
  function addRule(rule = { attr: "", op: "eq", value: "" }) {
    const n = ruleCount++;
    const row = el("div", { class: "rule", role: "group", "aria-label": `Rule ${rules.children.length + 1}` });
    const attrId = `rule-${n}-attr`, opId = `rule-${n}-op`, valueId = `rule-${n}-value`;
    const attr = el("input", { id: attrId, list: "attribute-names", value: rule.attr, "data-rule": "attr" });
    const op = el("select", { id: opId, "data-rule": "op" }, ...OPS.map((o) => el("option", { value: o, selected: o === rule.op }, o)));
    const shown = Array.isArray(rule.value) ? rule.value.join(", ") : rule.value ?? "";
    const value = el("input", { id: valueId, value: shown, "data-rule": "value" });
    const remove = el("button", { type: "button", "aria-label": `Remove rule ${rules.children.length + 1}` }, "Remove");
    remove.addEventListener("click", () => { row.remove(); changed(); });
    row.append(el("label", { for: attrId }, "Attribute"), attr, el("label", { for: opId }, "Operator"), op,
      el("label", { for: valueId }, "Value"), value, remove);
    rules.append(row);
  }

  function readSegment() {
    if (!segmentEditable) return;
    const list = [...rules.querySelectorAll(".rule")].map((row) => {
      const attr = row.querySelector("[data-rule=attr]").value.trim();
      const op = row.querySelector("[data-rule=op]").value;
      const text = row.querySelector("[data-rule=value]").value.trim();
      if (NO_VALUE_OPS.has(op)) return { attr, op };
      if (LIST_OPS.has(op)) return { attr, op, value: text.split(",").map((v) => v.trim()).filter(Boolean) };
      if (NUMBER_OPS.has(op) && text !== "" && !Number.isNaN(Number(text))) return { attr, op, value: Number(text) };
      return { attr, op, value: text };
    });
    if (list.length) definition.segment = { [match.value]: list };
    else delete definition.segment;
  }

  function read() {
    definition.kind = kind();
    for (const [name, path, readField] of plain) set(definition, path, readField(field(name)));
    readTexts();
    readSegment();
    prune(definition);
  }

  // The live preview: a fresh <survey-widget mode="preview"> on every change.
  function preview() {
    const config = {
      collector: "/v1/events",
      company: data.site.company || "",
      appearance: data.site.appearance,
      locale: previewLang.value,
      surveys: [{ ...definition, enabled: true, anonymous: true }],
    };
    const widget = el("survey-widget", { mode: "preview", survey: id, config: JSON.stringify(config) });
    document.getElementById("preview").replaceChildren(widget);
  }

  // Checked by the server's validator (the widget's own) as you type; the preview shows the
  // last valid state, so a half-typed field never breaks it.
  const check = debounce(async () => {
    const result = await api("POST", `/v1/surveys/${encodeURIComponent(id)}/check`, { body: definition, csrf });
    if (result.ok) {
      clearErrors(form);
      preview();
    } else if (result.status === 400) {
      showError(form, result.body?.path || "", errorMessage(result));
    }
  }, 300);

  function changed() {
    read();
    check();
  }

  function setStatus(survey) {
    revision = survey.revision;
    const unpublished = survey.status === "published" && survey.version !== survey.published_version;
    status.textContent = unpublished ? "published (unpublished changes)" : survey.status;
  }

  form.addEventListener("input", (event) => {
    if (event.target === field("kind")) return;
    changed();
  });
  form.addEventListener("change", (event) => {
    if (event.target === field("kind")) { read(); fillTexts(); }
    changed();
  });
  textLang.addEventListener("change", () => { fillTexts(); });
  previewLang.addEventListener("change", preview);
  document.getElementById("add-rule").addEventListener("click", () => { addRule(); changed(); });

  async function save() {
    read();
    const result = await api("PUT", `/v1/surveys/${encodeURIComponent(id)}`, {
      body: definition, csrf, headers: { "if-match": `"${revision}"` },
    });
    if (result.ok) {
      clearErrors(form);
      setStatus(result.body);
      return true;
    }
    if (result.status === 412) {
      document.getElementById("form-error").textContent =
        "Someone saved this survey meanwhile. Reload the page to see their version (your changes are not saved).";
    } else {
      const at = showError(form, result.body?.path || "", errorMessage(result));
      at?.focus();
    }
    return false;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (await save()) status.textContent += " · saved";
  });
  for (const [button, action] of [["publish", "publish"], ["unpublish", "unpublish"]]) {
    document.getElementById(button).addEventListener("click", async () => {
      if (action === "publish" && !(await save())) return;
      const result = await api("POST", `/v1/surveys/${encodeURIComponent(id)}/${action}`, { csrf });
      if (result.ok) setStatus(result.body);
      else showError(form, result.body?.path || "", errorMessage(result));
    });
  }
  document.getElementById("archive").addEventListener("click", async () => {
    const result = await api("DELETE", `/v1/surveys/${encodeURIComponent(id)}`, { csrf });
    if (result.ok) setStatus(result.body);
  });

  document.body.append(el("datalist", { id: "attribute-names" }, ...ATTRIBUTES.map((a) => el("option", { value: a }))));
  textLang.value = data.site.locale && data.builtins[data.site.locale] ? data.site.locale : "en";
  previewLang.value = textLang.value;
  fill();
  setStatus(data.survey);
  preview();
}

// ---- site settings ----
const siteForm = document.getElementById("site-form");
if (siteForm) {
  const site = JSON.parse(siteForm.dataset.site);
  for (const name of ["company", "identity_cookie", "locale", "quiet_days", "collector"]) {
    siteForm.elements[name].value = site[name] ?? "";
  }
  for (const [name, key, , write] of APPEARANCE) write(siteForm.elements[name], site.appearance?.[key]);
  siteForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const settings = { ...site };
    for (const name of ["company", "identity_cookie", "locale", "collector"]) {
      const value = siteForm.elements[name].value.trim();
      if (value) settings[name] = value; else delete settings[name];
    }
    const days = siteForm.elements.quiet_days.value.trim();
    if (days) settings.quiet_days = Number(days); else delete settings.quiet_days;
    const appearance = {};
    for (const [name, key, read] of APPEARANCE) {
      const value = read(siteForm.elements[name]);
      if (value !== undefined) appearance[key] = value;
    }
    if (Object.keys(appearance).length) settings.appearance = appearance; else delete settings.appearance;
    const result = await api("PUT", "/v1/site", { body: settings, csrf: siteForm.dataset.csrf });
    document.getElementById("saved").textContent = "";
    if (result.ok) { clearErrors(siteForm); document.getElementById("saved").textContent = "Saved."; }
    else showError(siteForm, result.body?.path || "", errorMessage(result))?.focus();
  });
}

// ---- users and tokens ----
for (const [formId, url] of [["user-form", "/v1/users"], ["token-form", "/v1/tokens"]]) {
  const form = document.getElementById(formId);
  if (!form) continue;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = Object.fromEntries(new FormData(form));
    const result = await api("POST", url, { body, csrf: form.dataset.csrf });
    if (!result.ok) { form.querySelector(".field-error").textContent = errorMessage(result); return; }
    if (result.body?.token) {
      document.getElementById("new-token").textContent = `New token (copy it now, it is shown once): ${result.body.token}`;
    } else {
      location.reload();
    }
  });
}
for (const button of document.querySelectorAll("[data-delete]")) {
  button.addEventListener("click", async () => {
    const csrf = document.querySelector("[data-csrf]")?.dataset.csrf;
    const result = await api("DELETE", button.dataset.delete, { csrf });
    if (result.ok) location.reload();
    else button.after(el("p", { class: "field-error", role: "alert" }, errorMessage(result)));
  });
}

// ---- webhooks ----
for (const button of document.querySelectorAll("[data-test]")) {
  button.addEventListener("click", async () => {
    const result = await api("POST", button.dataset.test, { csrf: button.dataset.csrf });
    const slot = button.closest("section").querySelector("[data-test-result]");
    slot.textContent = result.ok && result.body.delivered
      ? `Test delivery accepted (HTTP ${result.body.status}).`
      : `Test delivery failed: ${result.body?.error || result.body?.status || errorMessage(result)}`;
  });
}
const webhookForm = document.getElementById("webhook-form");
if (webhookForm) {
  webhookForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const list = (name) => webhookForm.elements[name].value.split(",").map((v) => v.trim()).filter(Boolean);
    const body = {
      url: webhookForm.elements.url.value.trim(),
      secret: webhookForm.elements.secret.value,
      surveys: list("surveys"),
      categories: list("categories"),
      format: webhookForm.elements.format.value,
    };
    const result = await api("POST", "/v1/webhooks", { body, csrf: webhookForm.dataset.csrf });
    if (result.ok) location.reload();
    else showError(webhookForm, result.body?.path || "", errorMessage(result))?.focus();
  });
}
