//! The optional open question asked after the score.

use crate::core::event::MAX_COMMENT_CHARS;
use leptos::prelude::*;

/// A labelled textbox with a live character counter and a submit button.
#[component]
pub fn FollowUp(
    /// The follow-up question, read reactively (it depends on the score's category, so it may
    /// change). A closure rather than a `Signal`: rendering a `Signal<String>` brings every kind
    /// of signal it may wrap (1.6 KB brotli).
    question: impl Fn() -> String + Send + Sync + 'static,
    /// Placeholder of the textbox.
    placeholder: String,
    /// Submit button text.
    submit: String,
    /// Counter text for a number of characters left.
    chars_left: impl Fn(usize) -> String + Send + Sync + 'static,
    /// Called with the comment when the visitor submits (may be empty).
    on_submit: impl Fn(String) + Send + Sync + 'static,
) -> impl IntoView {
    // The comment as typed. The textbox keeps its own value (no `prop:value` bound back to it:
    // 1.4 KB brotli for a value that only ever comes from the visitor).
    let (comment, set_comment) = signal(String::new());
    // Counted in UTF-16 units, as the textbox's `maxlength` counts: the two always agree.
    let remaining =
        move || MAX_COMMENT_CHARS.saturating_sub(comment.with(|c| c.encode_utf16().count()));
    view! {
        <form
            class="sw-follow-up"
            on:submit=move |ev| {
                ev.prevent_default();
                on_submit(comment.get_untracked());
            }
        >
            <label for="sw-comment" class="sw-follow-up-question">{question}</label>
            <textarea
                id="sw-comment"
                rows="3"
                maxlength=MAX_COMMENT_CHARS
                placeholder=placeholder
                aria-describedby="sw-counter"
                on:input=move |ev| set_comment.set(event_target_value(&ev))
            ></textarea>
            <div class="sw-actions">
                <span id="sw-counter" class="sw-counter">{move || chars_left(remaining())}</span>
                <button type="submit" class="sw-submit">{submit}</button>
            </div>
        </form>
    }
}
