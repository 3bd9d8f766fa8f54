//! The functions the loader (`loader/survey-widget.js`) calls: one per `window.SurveyWidget`
//! method. Each logs problems to the console and never throws into the host page.

use crate::browser::page;
use crate::core::config;
use crate::embed::runtime;
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

/// `init(config)` / `data-config`: starts the widget with the config's JSON text.
#[wasm_bindgen]
pub fn start(config_json: &str) {
    let parsed = match config::parse(config_json) {
        Ok(parsed) => parsed,
        Err(error) => return page::log_error(&error.to_string()),
    };
    for skipped in &parsed.skipped {
        page::log_error(&skipped.to_string());
    }
    runtime::start(parsed.config, page::url().contains("survey_debug=1"));
}

/// `identify(attributes)`: visitor attributes (a JSON object) for segment criteria.
#[wasm_bindgen]
pub fn identify(attributes_json: &str) {
    match serde_json::from_str::<Map<String, Value>>(attributes_json) {
        Ok(attributes) => runtime::identify(attributes),
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
