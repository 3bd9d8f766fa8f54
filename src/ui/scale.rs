//! The scored question's answer choices: a radio group of native radio buttons.

use crate::core::metric::Kind;
use leptos::prelude::*;

/// How soon "0" must follow "1" to mean 10 on the NPS scale.
const TEN_WINDOW_MS: f64 = 800.0;

/// The score choices of `kind` (0-10, 1-7 or 1-5) as a radio group labelled by the question.
/// Native radios give arrow-key navigation (in reading order, so mirrored right to left) and
/// screen-reader semantics; each choice's accessible name starts with its number ("0, Not at
/// all likely"). Typing a digit selects that score (on NPS "1" then "0" is 10), and Enter
/// selects the focused choice.
#[component]
pub fn ScoreScale(
    /// Which scale to show.
    kind: Kind,
    /// `id` of the element holding the question, which labels the group.
    labelled_by: &'static str,
    /// Labels of the lowest and highest score.
    ends: (String, String),
    /// Called with the score the visitor chose.
    on_select: impl Fn(u8) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let group = NodeRef::<leptos::html::Div>::new();
    // When "1" was last typed, for "1" + "0" = 10 on the NPS scale (the handler's own state).
    let mut last_one_typed = f64::NEG_INFINITY;
    let select = on_select.clone();
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        let key = ev.key();
        let score = match key.as_str() {
            // The focused radio's value (radios are the group's only focusable elements).
            "Enter" => event_target_value(&ev).parse::<u8>().ok(),
            _ => key
                .parse::<u8>()
                .ok()
                .filter(|d| *d <= 9)
                .and_then(|digit| {
                    let now = js_sys::Date::now();
                    let after_one = now - last_one_typed < TEN_WINDOW_MS;
                    last_one_typed = if digit == 1 { now } else { f64::NEG_INFINITY };
                    kind.typed_score(digit, after_one)
                }),
        };
        let Some(score) = score else { return };
        ev.prevent_default();
        select(score);
        // A typed score checks its radio as a click would (the radios hold the choice: no
        // reactive `checked` on each of them), and takes the focus there.
        let radio = group.get_untracked().and_then(|g| {
            g.query_selector(&format!("input[value=\"{score}\"]"))
                .ok()
                .flatten()
        });
        if let Some(radio) =
            radio.and_then(|r| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(r).ok())
        {
            radio.set_checked(true);
            let _ = radio.focus();
        }
    };
    let (low, high) = kind.scale();
    let (low_label, high_label) = ends;
    let choices = kind
        .scores()
        .map(|score| {
            let on_select = on_select.clone();
            // As text here, once: a `u8` rendered as an attribute and as text would bring two
            // renderers of its own.
            let number = score.to_string();
            let name = match score {
                s if s == low => format!("{number}, {low_label}"),
                s if s == high => format!("{number}, {high_label}"),
                _ => number.clone(),
            };
            view! {
                <label class="sw-choice">
                    <input
                        type="radio"
                        name="sw-score"
                        value=number.clone()
                        aria-label=name
                        on:change=move |_| on_select(score)
                    />
                    <span aria-hidden="true">{number}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <div
            class="sw-scale"
            role="radiogroup"
            aria-labelledby=labelled_by
            data-kind=kind.key()
            node_ref=group
            on:keydown=on_keydown
        >
            {choices}
        </div>
        <div class="sw-ends" aria-hidden="true">
            <span>{low_label}</span>
            <span>{high_label}</span>
        </div>
    }
}
