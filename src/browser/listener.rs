//! The one way the widget listens to DOM events: a [`Listener`] removes its handler when
//! dropped (a pop-up's listeners go with the pop-up, as `gloo-events`' `EventListener` does),
//! and [`listen_for_page_life`] leaves a page-long one in place.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{AddEventListenerOptions, Event, EventTarget};

/// A passive event listener, removed when dropped.
pub struct Listener {
    target: EventTarget,
    name: &'static str,
    closure: Closure<dyn Fn(Event)>,
}

impl Listener {
    /// Listens to `name` events on `target`; `None` when the target refuses the listener.
    /// (The handler gets a plain `Event`: one closure type for every listener keeps the wasm
    /// small; a handler that needs a `MouseEvent` casts it.)
    pub fn new(
        target: &EventTarget,
        name: &'static str,
        handler: impl Fn(Event) + 'static,
    ) -> Option<Listener> {
        Listener::boxed(target, name, Box::new(handler))
    }

    /// [`Listener::new`] without generics: one copy of this code in the wasm.
    fn boxed(
        target: &EventTarget,
        name: &'static str,
        handler: Box<dyn Fn(Event)>,
    ) -> Option<Listener> {
        let closure = Closure::<dyn Fn(Event)>::wrap(handler);
        let options = AddEventListenerOptions::new();
        options.set_passive(true);
        target
            .add_event_listener_with_callback_and_add_event_listener_options(
                name,
                closure.as_ref().unchecked_ref(),
                &options,
            )
            .ok()?;
        Some(Listener {
            target: target.clone(),
            name,
            closure,
        })
    }

    /// Keeps listening for the rest of the page's life.
    pub fn keep(self) {
        std::mem::forget(self);
    }
}

/// Listens to `name` events on `target` for the rest of the page's life (nothing happens when
/// the target refuses the listener).
pub fn listen_for_page_life(
    target: &EventTarget,
    name: &'static str,
    handler: impl Fn(Event) + 'static,
) {
    if let Some(listener) = Listener::new(target, name, handler) {
        listener.keep();
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.name, self.closure.as_ref().unchecked_ref());
    }
}
