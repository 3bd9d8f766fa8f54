//! Entry points called by the loader script: parse the config, decide which survey may show,
//! wait for its trigger, mount it in a shadow root.

use crate::browser::{page, shadow};
use crate::core::config::{self, Config, Survey};
use crate::core::eligibility::{self, cookie_value, Visitor};
use crate::widget::SurveyWidget;
use leptos::prelude::*;
use std::cell::RefCell;
use std::time::Duration;
use wasm_bindgen::prelude::*;

thread_local! {
    /// The config given to [`start`], kept for [`show`].
    static CONFIG: RefCell<Option<Config>> = const { RefCell::new(None) };
}

/// Starts the widget with a config's JSON text (the loader fetched it). Logs one console error
/// per problem and never throws.
#[wasm_bindgen]
pub fn start(config_json: &str) {
    let parsed = match config::parse(config_json) {
        Ok(parsed) => parsed,
        Err(error) => return page::log_error(&error.to_string()),
    };
    for skipped in &parsed.skipped {
        page::log_error(&skipped.to_string());
    }
    let config = parsed.config;
    let visitor = Visitor { id: cookie_value(&page::cookies(), &config.identity_cookie) };
    let debug = page::url().contains("survey_debug=1");
    let mut chosen = None;
    for survey in &config.surveys {
        let verdict = eligibility::check(survey, &visitor, &config.identity_cookie);
        if debug {
            let reason = verdict.as_ref().err().map_or("eligible".to_string(), ToString::to_string);
            web_sys::console::info_1(&format!("[survey-widget] {}: {reason}", survey.id).into());
        }
        if verdict.is_ok() && chosen.is_none() {
            chosen = Some(survey.clone());
        }
    }
    if let Some(survey) = chosen {
        let delay = Duration::from_secs_f64(survey.trigger.delay_seconds);
        let config = config.clone();
        set_timeout(move || mount_popup(config, survey), delay);
    }
    CONFIG.with(|slot| *slot.borrow_mut() = Some(config));
}

/// Shows survey `survey_id` of the started config now. Without `force` it still has to be
/// eligible; with `force` (previews) eligibility is skipped.
#[wasm_bindgen]
pub fn show(survey_id: &str, force: bool) {
    let Some(config) = CONFIG.with(|slot| slot.borrow().clone()) else {
        return page::log_error("show() called before init(): no config");
    };
    let Some(survey) = config.surveys.iter().find(|s| s.id == survey_id).cloned() else {
        return page::log_error(&format!("show(): no valid survey with id \"{survey_id}\""));
    };
    let visitor = Visitor { id: cookie_value(&page::cookies(), &config.identity_cookie) };
    match eligibility::check(&survey, &visitor, &config.identity_cookie) {
        Err(skip) if !force => page::log_error(&format!("survey \"{survey_id}\" not shown: {skip}")),
        _ => mount_popup(config, survey),
    }
}

fn mount_popup(config: Config, survey: Survey) {
    let mount = match shadow::popup_host() {
        Ok(mount) => mount,
        Err(error) => return page::log_error(&format!("cannot create the pop-up: {error:?}")),
    };
    let host = mount.get_root_node();
    let remove_host = move || {
        if let Some(host) = host.dyn_ref::<web_sys::ShadowRoot>().map(|root| root.host()) {
            host.remove();
        }
    };
    let on_close = Callback::new(move |()| remove_host());
    leptos::mount::mount_to(mount, move || view! { <SurveyWidget config=config survey=survey on_close=on_close /> })
        .forget();
}
