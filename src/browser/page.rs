//! Facts about the current page and visitor, read from the browser.

use wasm_bindgen::JsCast;

/// The current page's URL (empty when unavailable).
pub fn url() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

/// The URL of the visit's first page in this tab (sessionStorage), where its `utm_*` are; the
/// current page when storage is blocked.
pub fn landing_url() -> String {
    const KEY: &str = "survey-widget:landing";
    let storage = web_sys::window().and_then(|w| w.session_storage().ok().flatten());
    if let Some(landing) = storage
        .as_ref()
        .and_then(|s| s.get_item(KEY).ok().flatten())
    {
        return landing;
    }
    let current = url();
    if let Some(storage) = storage {
        let _ = storage.set_item(KEY, &current);
    }
    current
}

/// The current page's path (`/app/settings`).
pub fn path() -> String {
    web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_else(|| "/".into())
}

/// The page's path and hash: what identifies an SPA route.
pub fn route() -> String {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return String::new();
    };
    format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.hash().unwrap_or_default()
    )
}

/// `document.referrer`, if any.
pub fn referrer() -> Option<String> {
    let referrer = web_sys::window()?.document()?.referrer();
    (!referrer.is_empty()).then_some(referrer)
}

/// Whether the main pointer is coarse (a finger): touch phones and tablets.
pub fn touch_device() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(pointer: coarse)").ok().flatten())
        .is_some_and(|query| query.matches())
}

/// `mobile`, `tablet` or `desktop`, from the pointer type and the viewport width.
pub fn device() -> &'static str {
    let width = web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|w| w.as_f64())
        .unwrap_or(1024.0);
    match (touch_device(), width) {
        (true, w) if w < 768.0 => "mobile",
        (true, _) => "tablet",
        (false, _) => "desktop",
    }
}

/// The value of cookie `name` (`None` when absent, empty or when cookies are blocked).
pub fn cookie(name: &str) -> Option<String> {
    crate::core::cookie::cookie_value(&cookies(), name)
}

/// The raw `document.cookie` string (empty when cookies are blocked).
fn cookies() -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
        .and_then(|d| d.cookie().ok())
        .unwrap_or_default()
}

/// `navigator.languages`, most preferred first.
pub fn browser_languages() -> Vec<String> {
    web_sys::window()
        .map(|w| {
            w.navigator()
                .languages()
                .iter()
                .filter_map(|l| l.as_string())
                .collect()
        })
        .unwrap_or_default()
}

/// `<html lang>`, if set.
pub fn html_lang() -> Option<String> {
    let lang = web_sys::window()?
        .document()?
        .document_element()?
        .get_attribute("lang")?;
    (!lang.trim().is_empty()).then_some(lang)
}

/// Now, as RFC 3339 in UTC.
pub fn now_rfc3339() -> String {
    String::from(js_sys::Date::new_0().to_iso_string())
}

/// A fresh UUID v4 from the browser's cryptographic random source.
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
        .is_some();
    if !filled {
        // No Web Crypto: Math.random is good enough for an idempotency key.
        for byte in &mut bytes {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    crate::core::event::uuid_v4(bytes)
}

/// Logs an error to the console, prefixed so site owners can find it.
pub fn log_error(message: &str) {
    web_sys::console::error_1(&format!("[survey-widget] {message}").into());
}

/// Logs `message` with the JS error that caused it (the console shows it in full).
pub fn log_js_error(message: &str, error: &wasm_bindgen::JsValue) {
    web_sys::console::error_2(&format!("[survey-widget] {message}:").into(), error);
}

/// Dispatches `survey-widget:<name>` on `window` with `detail`.
pub fn dispatch(name: &str, detail: &wasm_bindgen::JsValue) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let init = web_sys::CustomEventInit::new();
    init.set_detail(detail);
    if let Ok(event) =
        web_sys::CustomEvent::new_with_event_init_dict(&format!("survey-widget:{name}"), &init)
    {
        let _ = window.dispatch_event(&event);
    }
}
