//! JSON state in localStorage, shared by every tab of the site: the visitor's throttle state
//! and the outbox. Read fresh before every decision, so what one tab did holds in the others.
//!
//! Storage can be blocked (privacy settings, sandboxed iframes), full, or throw on access. Then
//! the value lives in memory for this page only (a survey shows at most once per page session)
//! and nothing throws. (web-sys directly rather than gloo-storage: gloo-storage's `get` turns a
//! throwing `getItem` into a panic.)

use crate::browser::json;
use crate::core::json::Json;
use crate::core::keys;
use crate::core::map::Map;
use crate::core::throttle::VisitorState;
use std::cell::RefCell;

/// Key of the visitor's throttle state.
const VISITOR_KEY: &str = keys::VISITOR;
/// Key of "no survey can show before": `{"config": fingerprint, "until": ms or null (never)}`,
/// read by the loader to skip loading the widget.
const QUIET_KEY: &str = keys::QUIET;

thread_local! {
    /// Values as last written, by key, for when localStorage is unusable.
    static MEMORY: RefCell<Map<&'static str, String>> = const { RefCell::new(Map::new()) };
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The JSON stored under `key` (`null` when there is none or it is unreadable): this page's
/// memory when the last write to localStorage failed (it is newer), else localStorage.
pub fn read(key: &'static str) -> Json {
    let text = MEMORY
        .with(|memory| memory.borrow().get(key).cloned())
        .or_else(|| local_storage().and_then(|storage| storage.get_item(key).ok().flatten()));
    json::parse_stored(text.as_deref())
}

/// Stores `value` under `key`; in memory only when localStorage refuses (full, blocked), and
/// then the stale stored value is removed so other tabs do not act on it.
pub fn write(key: &'static str, value: &Json) {
    let json = value.to_text();
    let saved = local_storage().is_some_and(|storage| storage.set_item(key, &json).is_ok());
    if saved {
        MEMORY.with(|memory| memory.borrow_mut().remove(key));
    } else {
        remove(key);
        MEMORY.with(|memory| memory.borrow_mut().insert(key, json));
    }
}

/// Forgets `key`, in localStorage and in this page's memory.
fn remove(key: &'static str) {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(key);
    }
    MEMORY.with(|memory| memory.borrow_mut().remove(key));
}

/// Records until when no survey of the config with `fingerprint` can show (`None`: some may).
pub fn set_quiet(fingerprint: &str, until: Option<f64>) {
    match until {
        Some(until) => write(
            QUIET_KEY,
            // A non-finite `until` is written as null: never.
            &Json::object([
                ("config", Json::from(fingerprint)),
                ("until", Json::from(until)),
            ]),
        ),
        None => remove(QUIET_KEY),
    }
}

/// Loads the visitor's throttle state.
pub fn load() -> VisitorState {
    VisitorState::from_json(&read(VISITOR_KEY))
}

/// Loads the visitor's state, lets `change` modify it, and saves it back.
pub fn update(change: impl FnOnce(&mut VisitorState)) -> VisitorState {
    let mut state = load();
    change(&mut state);
    write(VISITOR_KEY, &state.to_json());
    state
}
