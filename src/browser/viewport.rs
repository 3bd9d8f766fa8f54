//! Keeps a bottom sheet above the on-screen keyboard. Phones lay the keyboard over the page
//! (the layout viewport keeps its height), so a sheet pinned to the bottom would sit under it
//! while the visitor types the follow-up. The visual viewport is what stays visible: the height
//! the keyboard covers (`--sw-keyboard`) lifts the sheet, and the stylesheet lets the sheet take
//! at most 60% of what is left.

use crate::browser::listener::Listener;
use crate::core::number::number_text;
use web_sys::{Event, HtmlElement};

/// While the returned listeners live, the custom properties of `mount` (the element the
/// pop-up is mounted in) follow the visual viewport. `None` where the browser has no
/// `visualViewport`.
pub fn keep_above_keyboard(mount: &HtmlElement) -> Option<[Listener; 2]> {
    let window = web_sys::window()?;
    let viewport = window.visual_viewport()?;
    let update = {
        let (mount, viewport) = (mount.clone(), viewport.clone());
        move |_: Event| {
            let layout_height = window
                .inner_height()
                .ok()
                .and_then(|h| h.as_f64())
                .unwrap_or(0.0);
            let visible_bottom = viewport.offset_top() + viewport.height();
            let keyboard = (layout_height - visible_bottom).max(0.0);
            let style = mount.style();
            let pixels = format!("{}px", number_text(keyboard.round()));
            let _ = style.set_property("--sw-keyboard", &pixels);
        }
    };
    let resize = Listener::new(&viewport, "resize", update.clone())?;
    let scroll = Listener::new(&viewport, "scroll", update)?;
    Some([resize, scroll])
}
