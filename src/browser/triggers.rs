//! Page listeners behind the scroll and exit-intent trigger conditions, installed once per page.
//!
//! Exit intent: on desktop, the pointer leaving the page through its top edge (towards the tab
//! bar or the address bar). On touch devices, which have no pointer to track, either a fast
//! upward scroll (at least 30% of the viewport in under half a second, after the visitor
//! scrolled down, the usual "heading for the address bar" gesture), or the visitor coming back
//! to the page after switching to another tab or app.

use crate::browser::listener::listen_for_page_life;
use crate::browser::page;
use crate::core::trigger::scroll_depth_percent;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;

const FAST_SCROLL_SHARE: f64 = 0.3;
const FAST_SCROLL_MS: f64 = 500.0;

/// How far down the page the visitor has seen now, 0-100.
pub fn scroll_depth() -> f64 {
    measure().2
}

/// Scroll offset, viewport height and depth percentage.
fn measure() -> (f64, f64, f64) {
    let Some(window) = web_sys::window() else {
        return (0.0, 0.0, 0.0);
    };
    let viewport = window
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    let top = window.scroll_y().unwrap_or(0.0);
    let height = window
        .document()
        .and_then(|d| d.document_element())
        .map_or(0.0, |root| f64::from(root.scroll_height()));
    (top, viewport, scroll_depth_percent(top, viewport, height))
}

/// Reports scroll depth (0-100) on every scroll and once now, and exit intent when it happens.
pub fn listen(on_scroll: impl Fn(f64) + 'static, on_exit_intent: impl Fn() + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(document) = window.document() else {
        return;
    };
    let on_exit_intent = Rc::new(on_exit_intent);
    let touch = page::touch_device();

    let depth = measure;
    on_scroll(depth().2);

    let last = Rc::new(Cell::new((js_sys::Date::now(), depth().0)));
    let exit = Rc::clone(&on_exit_intent);
    listen_for_page_life(&window, "scroll", move |_: web_sys::Event| {
        let (top, viewport, percent) = depth();
        on_scroll(percent);
        if touch {
            let (then, previous_top) = last.get();
            let now = js_sys::Date::now();
            let fast_upward =
                previous_top - top > viewport * FAST_SCROLL_SHARE && now - then < FAST_SCROLL_MS;
            if fast_upward && previous_top > viewport {
                exit();
            }
            if now - then > FAST_SCROLL_MS / 4.0 {
                last.set((now, top));
            }
        }
    });

    if touch {
        let exit = Rc::clone(&on_exit_intent);
        let was_hidden = Cell::new(false);
        let doc = document.clone();
        listen_for_page_life(&document, "visibilitychange", move |_: web_sys::Event| {
            if doc.hidden() {
                was_hidden.set(true);
            } else if was_hidden.replace(false) {
                exit();
            }
        });
    } else {
        listen_for_page_life(&document, "mouseout", move |event: web_sys::Event| {
            let Ok(event) = event.dyn_into::<web_sys::MouseEvent>() else {
                return;
            };
            if event.related_target().is_none() && event.client_y() <= 0 {
                on_exit_intent();
            }
        });
    }
}
