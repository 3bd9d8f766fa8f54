//! Sends one event to the collector: `text/plain` (no CORS preflight) with `keepalive`, so a
//! post started while the page unloads still arrives; `sendBeacon` when the page is hidden.

use crate::core::event::Event;
use crate::core::outbox::Outcome;
use wasm_bindgen::JsCast;

/// POSTs `event` to `collector` and classifies the answer (see [`Outcome::of`]).
pub async fn send(collector: &str, event: &Event) -> Outcome {
    let body = event.to_json().to_text();
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&body.into());
    init.set_credentials(web_sys::RequestCredentials::Omit);
    // `keepalive` is not in web-sys yet; every browser we support has it.
    let _ = js_sys::Reflect::set(&init, &"keepalive".into(), &true.into());
    let Ok(request) = web_sys::Request::new_with_str_and_init(collector, &init) else {
        return Outcome::Unsendable;
    };
    let _ = request
        .headers()
        .set("Content-Type", "text/plain;charset=UTF-8");
    match gloo_net::http::Request::from(request).send().await {
        Ok(response) => Outcome::of(
            Some(response.status()),
            response.headers().get("Retry-After").as_deref(),
        ),
        Err(_) => Outcome::of(None, None),
    }
}

/// Hands `event` to `navigator.sendBeacon` (the page is going away). Returns whether the
/// browser queued it; delivery is not confirmed, so the outbox keeps the event until a later
/// page confirms it (the id makes the repeat harmless).
pub fn beacon(collector: &str, event: &Event) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let body = event.to_json().to_text();
    let navigator: web_sys::Navigator = window.navigator().unchecked_into();
    navigator
        .send_beacon_with_opt_str(collector, Some(&body))
        .unwrap_or(false)
}
