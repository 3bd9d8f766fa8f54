//! The widget's own shadow root: host CSS cannot reach in, widget CSS cannot leak out, and the
//! stylesheet is adopted (no `<style>` element) so a strict CSP allows it.

use crate::browser::listener::Listener;
use crate::core::config::Appearance;
use std::sync::{Arc, Mutex};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlElement, ShadowRootInit, ShadowRootMode};

/// The widget's stylesheet (`style/widget.css`, minified by `build.rs`), compiled in.
const STYLESHEET: &str = include_str!(concat!(env!("OUT_DIR"), "/widget.css"));

/// Attaches an open shadow root to `host`, adopts the widget stylesheet there, and returns the
/// element to mount the Leptos view into, dressed in `appearance`: its position as
/// `data-position`, its branding as `data-branding` (the stylesheet writes the line), its accent as custom properties (set through the CSSOM, which a strict CSP
/// allows, unlike a `style` attribute).
pub fn attach(host: &web_sys::Element, appearance: &Appearance) -> Result<HtmlElement, JsValue> {
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
    mount.set_attribute("data-position", appearance.position.key())?;
    if appearance.branding {
        mount.set_attribute("data-branding", "")?;
    }
    if let Some(accent) = &appearance.accent {
        let style = mount.style();
        style.set_property("--sw-accent", accent)?;
        style.set_property("--sw-accent-text", appearance.accent_text())?;
    }
    root.append_child(&mount)?;
    Ok(mount)
}

/// A pop-up's host element in the page, with the element to give focus back to on close.
pub struct Popup {
    /// Where to mount the pop-up's view.
    pub mount: HtmlElement,
    host: web_sys::Element,
    /// The host-page element that had focus when focus entered the pop-up.
    return_focus: Arc<Mutex<Option<HtmlElement>>>,
}

impl Popup {
    /// Removes the pop-up. If it had keyboard focus, focus goes back to where it came from
    /// (instead of dropping to the top of the page).
    pub fn close(&self) {
        let had_focus = self
            .host
            .shadow_root()
            .and_then(|root| root.active_element())
            .is_some();
        let previous = self
            .return_focus
            .lock()
            .ok()
            .and_then(|mut slot| slot.take());
        self.host.remove();
        if let Some(previous) = previous.filter(|element| had_focus && element.is_connected()) {
            let _ = previous.focus();
        }
    }
}

/// Creates a pop-up host element at the end of `<body>`.
///
/// The host is a manual popover shown in the browser's top layer, so it stays above every host
/// element whatever their `z-index`, without making the page inert (non-modal). Browsers
/// without the Popover API fall back to the stylesheet's maximal `z-index`.
pub fn popup_host(appearance: &Appearance) -> Result<Popup, JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let body = document.body().ok_or("no <body>")?;
    let host = document.create_element("survey-widget-popup")?;
    host.set_attribute("popover", "manual")?;
    body.append_child(&host)?;
    let mount = attach(&host, appearance)?;
    if let Ok(show) = js_sys::Reflect::get(&host, &"showPopover".into()) {
        if let Some(show) = show.dyn_ref::<js_sys::Function>() {
            // Fails only if the host was removed meanwhile; the z-index fallback still applies.
            let _ = show.call0(&host);
        }
    }
    let return_focus = Arc::new(Mutex::new(None));
    let remember = Arc::clone(&return_focus);
    let on_focus_in = Listener::new(&host, "focusin", move |event: web_sys::Event| {
        let Ok(event) = event.dyn_into::<web_sys::FocusEvent>() else {
            return;
        };
        let from = event
            .related_target()
            .and_then(|t| t.dyn_into::<HtmlElement>().ok());
        if let Some(from) = from.filter(|from| from.get_root_node() != event_root(&event)) {
            if let Ok(mut slot) = remember.lock() {
                *slot = Some(from);
            }
        }
    });
    // Kept for the page's life: a small closure and the (removed) host element per pop-up
    // opened, and a page view opens at most one survey.
    on_focus_in.ok_or("cannot listen to focus")?.keep();
    Ok(Popup {
        mount,
        host,
        return_focus,
    })
}

/// The shadow root the focus event happened in (the pop-up's own).
fn event_root(event: &web_sys::FocusEvent) -> web_sys::Node {
    event
        .composed_path()
        .get(0)
        .dyn_into::<web_sys::Node>()
        .map(|node| node.get_root_node())
        .unwrap_or_else(|_| JsValue::NULL.unchecked_into())
}
