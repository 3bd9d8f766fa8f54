//! The widget's own shadow root: host CSS cannot reach in, widget CSS cannot leak out, and the
//! stylesheet is adopted (no `<style>` element) so a strict CSP allows it.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlElement, ShadowRootInit, ShadowRootMode};

/// The widget's stylesheet, compiled in.
const STYLESHEET: &str = include_str!("../../style/widget.css");

/// Attaches an open shadow root to `host`, adopts the widget stylesheet there, and returns the
/// element to mount the Leptos view into.
pub fn attach(host: &web_sys::Element) -> Result<HtmlElement, JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let root = match host.shadow_root() {
        Some(root) => root,
        None => host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?,
    };
    let sheet = web_sys::CssStyleSheet::new()?;
    sheet.replace_sync(STYLESHEET)?;
    root.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
    let mount = document.create_element("div")?.dyn_into::<HtmlElement>()?;
    mount.set_class_name("sw-root");
    root.append_child(&mount)?;
    Ok(mount)
}

/// Creates a pop-up host element at the end of `<body>` and returns its mount point.
///
/// The host is a manual popover shown in the browser's top layer, so it stays above every host
/// element whatever their `z-index`, without making the page inert (non-modal). Browsers
/// without the Popover API fall back to the stylesheet's maximal `z-index`.
pub fn popup_host() -> Result<HtmlElement, JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let body = document.body().ok_or("no <body>")?;
    let host = document.create_element("survey-widget-popup")?;
    host.set_attribute("popover", "manual")?;
    body.append_child(&host)?;
    let mount = attach(&host)?;
    if let Ok(show) = js_sys::Reflect::get(&host, &"showPopover".into()) {
        if let Some(show) = show.dyn_ref::<js_sys::Function>() {
            // Fails only if the host was removed meanwhile; the z-index fallback still applies.
            let _ = show.call0(&host);
        }
    }
    Ok(mount)
}
