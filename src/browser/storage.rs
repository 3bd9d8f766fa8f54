//! The visitor's stored state ([`VisitorState`]) in localStorage, shared by every tab of the
//! site. Read fresh before every decision, so an answer given in one tab holds in the others.
//!
//! Storage can be blocked (privacy settings, sandboxed iframes), full, or throw on access. Then
//! the state lives in memory for this page only, so a survey shows at most once per page
//! session, and nothing throws. (web-sys directly rather than gloo-storage: gloo-storage's
//! `get` turns a throwing `getItem` into a panic.)

use crate::core::throttle::VisitorState;
use std::cell::RefCell;

const KEY: &str = "survey-widget:v1";

thread_local! {
    /// The state as last written, for when localStorage is unusable.
    static MEMORY: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Loads the state (fresh from localStorage when it works).
pub fn load() -> VisitorState {
    let stored = local_storage().and_then(|storage| storage.get_item(KEY).ok().flatten());
    let json = stored.or_else(|| MEMORY.with(|memory| memory.borrow().clone()));
    VisitorState::from_json(json.as_deref())
}

/// Loads the state, lets `change` modify it, and saves it back.
pub fn update(change: impl FnOnce(&mut VisitorState)) -> VisitorState {
    let mut state = load();
    change(&mut state);
    if let Ok(json) = serde_json::to_string(&state) {
        let saved = local_storage().is_some_and(|storage| storage.set_item(KEY, &json).is_ok());
        // Kept in memory too: if storage works for reads but not writes (full), this page
        // still remembers.
        MEMORY.with(|memory| *memory.borrow_mut() = (!saved).then_some(json));
    }
    state
}
