//! JSON state in localStorage, shared by every tab of the site: the visitor's throttle state
//! and the outbox. Read fresh before every decision, so what one tab did holds in the others.
//!
//! Storage can be blocked (privacy settings, sandboxed iframes), full, or throw on access. Then
//! the value lives in memory for this page only (a survey shows at most once per page session)
//! and nothing throws. (web-sys directly rather than gloo-storage: gloo-storage's `get` turns a
//! throwing `getItem` into a panic.)

use crate::core::throttle::VisitorState;
use std::cell::RefCell;
use std::collections::BTreeMap;

/// Key of the visitor's throttle state.
const VISITOR_KEY: &str = "survey-widget:v1";

thread_local! {
    /// Values as last written, by key, for when localStorage is unusable.
    static MEMORY: RefCell<BTreeMap<&'static str, String>> = const { RefCell::new(BTreeMap::new()) };
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The JSON stored under `key` (localStorage when it works, else this page's memory).
pub fn read(key: &'static str) -> Option<String> {
    let stored = local_storage().and_then(|storage| storage.get_item(key).ok().flatten());
    stored.or_else(|| MEMORY.with(|memory| memory.borrow().get(key).cloned()))
}

/// Stores `json` under `key`; in memory only when localStorage refuses.
pub fn write(key: &'static str, json: String) {
    let saved = local_storage().is_some_and(|storage| storage.set_item(key, &json).is_ok());
    MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        if saved {
            memory.remove(key);
        } else {
            memory.insert(key, json);
        }
    });
}

/// Loads the visitor's throttle state.
pub fn load() -> VisitorState {
    VisitorState::from_json(read(VISITOR_KEY).as_deref())
}

/// Loads the visitor's state, lets `change` modify it, and saves it back.
pub fn update(change: impl FnOnce(&mut VisitorState)) -> VisitorState {
    let mut state = load();
    change(&mut state);
    if let Ok(json) = serde_json::to_string(&state) {
        write(VISITOR_KEY, json);
    }
    state
}
