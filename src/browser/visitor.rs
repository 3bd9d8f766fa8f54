//! The visitor [`Context`] segment criteria are evaluated against, read from the page.

use crate::browser::locales;
use crate::browser::page;
use crate::core::config::{Config, Survey};
use crate::core::criteria::Context;
use crate::core::i18n::{negotiate_among, Language};
use crate::core::json::Json;
use crate::core::map::Map;
use crate::core::throttle::VisitorState;

/// The visitor's id: the value of the config's `identity_cookie` (read here only).
pub fn visitor_id(config: &Config) -> Option<String> {
    page::cookie(&config.identity_cookie)
}

/// Gathers the attributes of SPEC 3.4: `visitor.id` (from [`visitor_id`]), the `cookie.NAME`
/// cookies in `cookie_names` (only those), `page.*`, `device`, `locale`, `visit.*`, and the
/// attributes given by `identify()` / `data-attributes`.
pub fn context(
    visitor_id: Option<&str>,
    cookie_names: &[String],
    locale: &str,
    state: &VisitorState,
    attributes: &Map<String, Json>,
) -> Context {
    let now_ms = js_sys::Date::now();
    let mut context = Context {
        now_ms,
        ..Context::default()
    };
    for (name, value) in attributes.iter() {
        context.set(name, value.clone());
    }
    if let Some(id) = visitor_id {
        context.set("visitor.id", id);
    }
    for name in cookie_names {
        if let Some(value) = page::cookie(name) {
            context.set(&format!("cookie.{name}"), value);
        }
    }
    context.set("page.url", page::url());
    context.set("page.path", page::path());
    if let Some(referrer) = page::referrer() {
        context.set("page.referrer", referrer);
    }
    context.set("device", page::device());
    context.set("locale", locale);
    context.set("visit.pageviews", state.pageviews as f64);
    context.set("visit.days_since_first", state.days_since_first(now_ms));
    context
}

/// The language `survey` is shown in to this visitor (config `locale`, then the browser's
/// languages, then `<html lang>`; the page's built-in languages and the survey's own `text`
/// languages).
pub fn visitor_language(config: &Config, survey: &Survey) -> Language {
    // In config order: of `en` and `en-GB`, the one listed first wins a bare `en` match.
    let own: Vec<&str> = survey.text.keys().map(String::as_str).collect();
    negotiate_among(
        &locales::available(),
        &config.locale,
        &page::browser_languages(),
        page::html_lang().as_deref(),
        &own,
    )
}
