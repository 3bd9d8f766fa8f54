//! The functions the loader (`loader/survey-widget.js`) calls: one per `window.SurveyWidget`
//! method. Each logs problems to the console and never throws into the host page.

use crate::browser::{json, locales, outbox, page, shadow, task};
use crate::core::config;
use crate::core::hash;
use crate::core::json::Json;
use crate::embed::runtime;
use crate::widget::{parse_config, read_config_json, SurveyPopup};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

/// `init(config)` / `data-config`: starts the widget with the config's JSON text, and the
/// visitor's language file when the loader fetched one. The work is spread over tasks (the
/// language and the config's JSON; the queue of earlier pages' events; the config's validation;
/// the page view and the surveys: see `runtime::start`), each short on a slow phone; the
/// promise resolves when all are done, and the loader's later calls wait for it.
#[wasm_bindgen]
pub async fn start(config_json: String, language_json: Option<String>) {
    locales::add(language_json);
    let read = read_config_json(&config_json);
    task::next_task().await;
    // Events queued by an earlier page (a failed post, a reload while offline) go out before
    // this page's.
    outbox::flush();
    task::next_task().await;
    let parsed = match read.and_then(|json| config::parse(&json)) {
        Ok(parsed) => parsed,
        Err(error) => return page::log_error(&error.to_string()),
    };
    for skipped in &parsed.skipped {
        page::log_error(&skipped.to_string());
    }
    let debug = page::url().contains("survey_debug=1");
    task::next_task().await;
    runtime::start(parsed.config, hash::fingerprint32(&config_json), debug).await;
}

/// `identify(attributes)`: visitor attributes (a JSON object) for segment criteria.
#[wasm_bindgen]
pub fn identify(attributes_json: &str) {
    match json::parse(attributes_json) {
        Ok(Json::Object(attributes)) => runtime::identify(attributes.into_iter().collect()),
        Ok(other) => page::log_error(&format!(
            "identify() needs an object of attributes, not {}",
            other.type_name()
        )),
        Err(error) => page::log_error(&format!(
            "identify() needs an object of attributes: {error}"
        )),
    }
}

/// `track(eventName)`: fires surveys whose trigger names this event.
#[wasm_bindgen]
pub fn track(event_name: &str) {
    runtime::track(event_name);
}

/// `show(surveyId, {force})`: shows a survey now; `force` skips targeting (previews).
#[wasm_bindgen]
pub fn show(survey_id: &str, force: bool) {
    runtime::show(survey_id, force);
}

/// `reset()`: forgets the stored throttle history.
#[wasm_bindgen]
pub fn reset() {
    runtime::reset();
}

/// `debug()`: logs why each survey is or is not shown, now and on every change.
#[wasm_bindgen]
pub fn debug() {
    runtime::debug();
}

/// Called by the loader on SPA navigation (`pushState`, `replaceState`, `popstate`,
/// `hashchange`).
#[wasm_bindgen]
pub fn page_changed() {
    runtime::page_changed();
}

/// `<survey-widget config=... survey=... mode=...>`: renders survey `survey_id` (the first
/// survey when empty) of the config inside `host`'s shadow root, in the page flow
/// (`mode="inline"`), as a pop-up, or as an inline preview that sends nothing
/// (`mode="preview"`, the console's editor). `language_json`: as for [`start`].
#[wasm_bindgen]
pub fn mount_element(
    host: web_sys::HtmlElement,
    config_json: &str,
    survey_id: &str,
    mode: &str,
    language_json: Option<String>,
) {
    locales::add(language_json);
    let config = match parse_config(config_json) {
        Ok(parsed) => parsed.config,
        Err(error) => return page::log_error(&format!("<survey-widget>: {error}")),
    };
    let survey = config
        .surveys
        .iter()
        .find(|s| survey_id.is_empty() || s.id == survey_id)
        .cloned();
    let Some(survey) = survey else {
        return page::log_error(&format!(
            "<survey-widget>: no valid survey with id \"{survey_id}\""
        ));
    };
    let mount = match shadow::attach(&host, &survey.appearance) {
        Ok(mount) => mount,
        Err(error) => return page::log_js_error("<survey-widget>: cannot render", &error),
    };
    outbox::flush();
    let (inline, preview) = (mode == "inline" || mode == "preview", mode == "preview");
    leptos::mount::mount_to(mount, move || {
        view! { <SurveyPopup config=config survey=survey inline=inline preview=preview /> }
    })
    .forget();
}

/// Reports a panic (there should be none) as one console error instead of a silent trap. Not in
/// the nightly release build (`immediate-abort`), which could never run it: a panic is a trap
/// there, which the loader catches and logs as one console error.
#[cfg(not(panic = "immediate-abort"))]
#[wasm_bindgen(start)]
fn install_panic_report() {
    std::panic::set_hook(Box::new(|info| {
        page::log_error(&format!("internal error, the widget stops: {info}"))
    }));
}
