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
pub fn popup_host() -> Result<HtmlElement, JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let body = document.body().ok_or("no <body>")?;
    let host = document.create_element("survey-widget-popup")?;
    body.append_child(&host)?;
    attach(&host)
}
