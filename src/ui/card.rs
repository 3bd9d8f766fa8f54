//! The survey card: question, then follow-up, then thank-you.

use crate::core::config::Appearance;
use crate::core::i18n::SurveyTexts;
use crate::core::metric::Kind;
use crate::ui::{follow_up::FollowUp, ready_after_a_task, scale::ScoreScale, thank_you::ThankYou};
use leptos::prelude::*;
use std::sync::Arc;

/// Id of the question element; it labels the dialog and the radio group.
const QUESTION_ID: &str = "sw-question";

/// One survey as a non-modal dialog (or an inline card). The score may be changed until the
/// follow-up is submitted; Esc or the close button closes it at any step.
#[component]
pub fn SurveyCard(
    /// Which scale to show.
    kind: Kind,
    /// All texts, already in the visitor's language.
    texts: SurveyTexts,
    /// Render in the page flow instead of as a floating pop-up.
    #[prop(optional)]
    inline: bool,
    /// The logo (position, accent and branding are the shadow root's, see
    /// `browser::shadow::attach`).
    #[prop(optional)]
    appearance: Appearance,
    /// Called each time the visitor chooses a score.
    on_score: impl Fn(u8) + Clone + Send + Sync + 'static,
    /// Called with the follow-up comment when the visitor submits it.
    on_comment: impl Fn(String) + Clone + Send + Sync + 'static,
    /// Called when the visitor closes the card.
    on_close: Callback<()>,
    /// Render the answer choices in the task after the rest of the card: two short tasks
    /// instead of one long one on a slow phone (a pop-up's first render compiles much wasm).
    #[prop(optional)]
    staged: bool,
) -> impl IntoView {
    let (score, set_score) = signal(None::<u8>);
    let choices_due = ready_after_a_task(staged);
    let (finished, set_finished) = signal(false);
    // Set once, by the first score: the follow-up then stays (a changed score changes its
    // question, not the comment being typed). Set in `choose` rather than derived from `score`
    // by a `Memo`, which measured 1.4 KB brotli more.
    let (asking_more, set_asking_more) = signal(false);
    let close_button = NodeRef::<leptos::html::Button>::new();
    let category = move || score.get().and_then(|s| kind.categorize(s));
    // Shared by the closures below, each holding a clone of the `Arc`. (Not a `StoredValue`:
    // one more stored type weighs 0.4 KB brotli.)
    let texts = Arc::new(texts);

    let follow_up_question = {
        let texts = texts.clone();
        move || {
            category()
                .map(|c| texts.follow_up_for(c).to_string())
                .unwrap_or_default()
        }
    };
    let chars_left = {
        let texts = texts.clone();
        move |n: usize| texts.chars_left_text(n)
    };
    let choose = move |s: u8| {
        set_score.set(Some(s));
        if !asking_more.get_untracked() {
            set_asking_more.set(true);
        }
        on_score(s);
    };
    let submit = move |comment: String| {
        on_comment(comment);
        set_finished.set(true);
        // The form is gone; keep keyboard focus inside the card.
        if let Some(button) = close_button.get_untracked() {
            let _ = button.focus();
        }
    };
    let thanks = {
        let texts = texts.clone();
        move || {
            let category = category().filter(|_| finished.get())?;
            let text = texts.thank_you_for(category).to_string();
            let link = texts.link_for(category).cloned();
            Some(view! { <ThankYou text=text link=link /> })
        }
    };
    let answering = {
        let texts = texts.clone();
        move || {
            let (texts, choose, submit) = (texts.clone(), choose.clone(), submit.clone());
            let (question, chars_left) = (follow_up_question.clone(), chars_left.clone());
            (choices_due.get() && !finished.get()).then(|| {
                view! {
                    <ScoreScale
                        kind=kind
                        labelled_by=QUESTION_ID
                        ends=texts.scale_ends.clone()
                        on_select=choose
                    />
                    {move || asking_more.get().then(|| view! {
                        <FollowUp
                            question=question.clone()
                            placeholder=texts.comment_placeholder.clone()
                            submit=texts.submit.clone()
                            chars_left=chars_left.clone()
                            on_submit=submit.clone()
                        />
                    })}
                }
            })
        }
    };
    // The texts of the card's frame, read once.
    let t = texts;
    let brand = appearance.logo.clone().map(|logo| {
        view! {
            <div class="sw-brand">
                <img class="sw-logo" src=logo alt="" />
                <span>{t.company.clone()}</span>
            </div>
        }
    });
    view! {
        <section
            class=if inline { "sw-card sw-inline" } else { "sw-card sw-popup" }
            role="dialog"
            aria-labelledby=QUESTION_ID
            dir=if t.rtl { "rtl" } else { "ltr" }
            lang=t.locale.clone()
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    on_close.run(());
                }
            }
        >
            <button type="button" class="sw-close" aria-label=t.close.clone() node_ref=close_button
                on:click=move |_| on_close.run(())>
                <span aria-hidden="true">"×"</span>
            </button>
            {brand}
            <p id=QUESTION_ID class="sw-question">{t.question.clone()}</p>
            {answering}
            <div class="sw-thanks" role="status">{thanks}</div>

        </section>
    }
}
