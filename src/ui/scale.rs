//! The scored question's answer choices: a radio group of native radio buttons.

use crate::core::metric::Kind;
use leptos::prelude::*;

/// The score choices of `kind` (0-10, 1-7 or 1-5) as a radio group labelled by the question.
/// Native radios give arrow-key navigation and screen-reader semantics for free; each choice's
/// accessible name starts with its number ("0, Not at all likely").
#[component]
pub fn ScoreScale(
    /// Which scale to show.
    kind: Kind,
    /// `id` of the element holding the question, which labels the group.
    labelled_by: &'static str,
    /// Labels of the lowest and highest score.
    ends: (String, String),
    /// The chosen score, if any.
    selected: ReadSignal<Option<u8>>,
    /// Called with the score the visitor chose.
    on_select: Callback<u8>,
) -> impl IntoView {
    let (low, high) = kind.scale();
    let (low_label, high_label) = ends;
    let choices = kind
        .scores()
        .map(|score| {
            let name = match score {
                s if s == low => format!("{score}, {low_label}"),
                s if s == high => format!("{score}, {high_label}"),
                _ => score.to_string(),
            };
            view! {
                <label class="sw-choice">
                    <input
                        type="radio"
                        name="sw-score"
                        value=score
                        aria-label=name
                        prop:checked=move || selected.get() == Some(score)
                        on:change=move |_| on_select.run(score)
                    />
                    <span aria-hidden="true">{score}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <div class="sw-scale" role="radiogroup" aria-labelledby=labelled_by data-kind=kind.key()>
            {choices}
        </div>
        <div class="sw-ends" aria-hidden="true">
            <span>{low_label}</span>
            <span>{high_label}</span>
        </div>
    }
}
