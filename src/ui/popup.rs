//! The survey card: question, then follow-up, then thank-you.

use crate::core::config::Appearance;
use crate::core::i18n::SurveyTexts;
use crate::core::metric::Kind;
use crate::ui::{follow_up::FollowUp, scale::ScoreScale, thank_you::ThankYou};
use leptos::prelude::*;
use std::sync::Arc;

/// Id of the question element; it labels the dialog and the radio group.
const QUESTION_ID: &str = "sw-question";

/// One survey as a non-modal dialog (or an inline card). The score may be changed until the
/// follow-up is submitted; Esc or the close button closes it at any step.
#[component]
pub fn SurveyPopup(
    /// Which scale to show.
    kind: Kind,
    /// All texts, already in the visitor's language.
    texts: Arc<SurveyTexts>,
    /// Render in the page flow instead of as a floating pop-up.
    #[prop(optional)]
    inline: bool,
    /// The logo (position, accent and branding are the shadow root's, see
    /// `browser::shadow::attach`).
    #[prop(optional)]
    appearance: Appearance,
    /// Called each time the visitor chooses a score.
    on_score: Callback<u8>,
    /// Called with the follow-up comment when the visitor submits it.
    on_comment: Callback<String>,
    /// Called when the visitor closes the card.
    on_close: Callback<()>,
) -> impl IntoView {
    let (score, set_score) = signal(None::<u8>);
    let (finished, set_finished) = signal(false);
    let close_button = NodeRef::<leptos::html::Button>::new();
    let category = move || score.get().and_then(|s| kind.categorize(s));

    let follow_up_texts = Arc::clone(&texts);
    let follow_up_question = Signal::derive(move || {
        category()
            .map(|c| follow_up_texts.follow_up_for(c).to_string())
            .unwrap_or_default()
    });
    let counter_texts = Arc::clone(&texts);
    let chars_left = Callback::new(move |n: usize| counter_texts.chars_left_text(n));
    let choose = Callback::new(move |s: u8| {
        set_score.set(Some(s));
        on_score.run(s);
    });
    let submit = Callback::new(move |comment: String| {
        on_comment.run(comment);
        set_finished.set(true);
        // The form is gone; keep keyboard focus inside the card.
        if let Some(button) = close_button.get_untracked() {
            let _ = button.focus();
        }
    });
    let thanks_texts = Arc::clone(&texts);
    let thanks = move || {
        let category = category().filter(|_| finished.get())?;
        Some(view! {
            <ThankYou
                text=thanks_texts.thank_you_for(category).to_string()
                link=thanks_texts.link_for(category).cloned()
            />
        })
    };
    let question_texts = Arc::clone(&texts);
    let answering = move || {
        (!finished.get()).then(|| {
            let t = Arc::clone(&question_texts);
            view! {
                <ScoreScale
                    kind=kind
                    labelled_by=QUESTION_ID
                    ends=t.scale_ends.clone()
                    selected=score
                    on_select=choose
                />
                {move || score.get().is_some().then(|| view! {
                    <FollowUp
                        question=follow_up_question
                        placeholder=t.comment_placeholder.clone()
                        submit=t.submit.clone()
                        chars_left=chars_left
                        on_submit=submit
                    />
                })}
            }
        })
    };
    let brand = appearance.logo.clone().map(|logo| {
        view! {
            <div class="sw-brand">
                <img class="sw-logo" src=logo alt="" />
                <span>{texts.company.clone()}</span>
            </div>
        }
    });
    view! {
        <section
            class=if inline { "sw-card sw-inline" } else { "sw-card sw-popup" }
            role="dialog"
            aria-labelledby=QUESTION_ID
            dir=if texts.rtl { "rtl" } else { "ltr" }
            lang=texts.locale.clone()
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    on_close.run(());
                }
            }
        >
            <button type="button" class="sw-close" aria-label=texts.close.clone() node_ref=close_button
                on:click=move |_| on_close.run(())>
                <span aria-hidden="true">"×"</span>
            </button>
            {brand}
            <p id=QUESTION_ID class="sw-question">{texts.question.clone()}</p>
            {answering}
            <div class="sw-thanks" role="status">{thanks}</div>

        </section>
    }
}
