//! The built-in languages this page can speak. A Leptos app that embeds the widget has all of
//! them compiled in; the script-tag build carries only English, and its loader fetches the
//! visitor's language (`app/locales/<code>.json`) in parallel with the wasm and hands it over
//! ([`add`]), so a visitor downloads the texts of one language, not of nine.

use crate::browser::{json, page};
use crate::core::i18n::Locale;
use std::cell::RefCell;

thread_local! {
    /// Languages handed over by the loader, each once.
    static FETCHED: RefCell<Vec<&'static Locale>> = const { RefCell::new(Vec::new()) };
}

/// Adds a language file's text (none or empty: nothing to add); a broken one is one console
/// error (the visitor gets English).
pub fn add(text: Option<String>) {
    let Some(text) = text.filter(|text| !text.is_empty()) else {
        return;
    };
    let Some(locale) = json::parse(&text).ok().as_ref().and_then(Locale::from_json) else {
        return page::log_error("a language file is broken; showing English");
    };
    FETCHED.with(|fetched| {
        let mut fetched = fetched.borrow_mut();
        if !fetched.iter().any(|known| known.code == locale.code) {
            fetched.push(locale);
        }
    });
}

/// The languages with built-in texts on this page.
pub fn available() -> Vec<&'static Locale> {
    let mut available = compiled_in().to_vec();
    FETCHED.with(|fetched| available.extend(fetched.borrow().iter().copied()));
    available
}

#[cfg(feature = "script-tag")]
fn compiled_in() -> &'static [&'static Locale] {
    &[&crate::core::i18n::EN]
}

#[cfg(not(feature = "script-tag"))]
fn compiled_in() -> &'static [&'static Locale] {
    crate::core::i18n::LOCALES
}
