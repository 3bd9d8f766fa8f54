//! The closing message.

use crate::core::config::Link;
use leptos::prelude::*;

/// The thank-you text for the visitor's category, with an optional link (e.g. "Review us").
#[component]
pub fn ThankYou(
    /// The thank-you text.
    text: String,
    /// An optional link shown under it.
    link: Option<Link>,
) -> impl IntoView {
    view! {
        <p class="sw-thanks-text">{text}</p>
        {link.map(|link| view! {
            <a class="sw-link" href=link.url target="_blank" rel="noopener noreferrer">{link.label}</a>
        })}
    }
}
