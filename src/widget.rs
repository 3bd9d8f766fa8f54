//! The public Leptos component: one survey wired to the collector and to DOM events.

use crate::browser::{outbox, page, storage};
use crate::core::config::{Config, Survey};
use crate::core::eligibility::cookie_value;
use crate::core::event::{Event, EventContext, EventKind};
use crate::core::i18n::{negotiate, SurveyTexts};
use crate::ui::popup::SurveyPopup;
use leptos::prelude::*;
use std::sync::Arc;

/// One survey, in the visitor's language, sending `shown` when it mounts, `response` as soon as
/// a score is chosen (again, with the same id, when the comment is added) and `dismissed` when
/// closed without a score. Each event is also dispatched on `window` as a `survey-widget:*`
/// `CustomEvent` (`shown`, `answered`, `completed`, `dismissed`) with the event as `detail`.
///
/// ```ignore
/// let parsed = survey_widget::core::config::parse(json)?;
/// let survey = parsed.config.surveys[0].clone();
/// view! { <SurveyWidget config=parsed.config survey=survey inline=true /> }
/// ```
#[component]
pub fn SurveyWidget(
    /// The site's config (collector URL, identity cookie, company, locale).
    config: Config,
    /// The survey to show (one of `config.surveys`, or any valid survey).
    survey: Survey,
    /// Render in the page flow instead of as a floating pop-up.
    #[prop(optional)]
    inline: bool,
    /// Called after the visitor closed the survey.
    #[prop(optional)]
    on_close: Option<Callback<()>>,
) -> impl IntoView {
    let locale = negotiate(
        &config.locale,
        &page::browser_languages(),
        page::html_lang().as_deref(),
    );
    let texts = Arc::new(SurveyTexts::resolve(&config, &survey, locale));
    let context = Arc::new(EventContext {
        survey_id: survey.id.clone(),
        kind: survey.kind,
        survey_version: survey.version.clone(),
        visitor_id: cookie_value(&page::cookies(), &config.identity_cookie),
        locale: locale.code.to_string(),
        page_url: page::url(),
    });
    let collector: Arc<str> = Arc::from(config.collector.as_str());
    let emit = move |dom_name: &'static str, event: Event| {
        page::dispatch(dom_name, &event_detail(&event));
        let survey_id = event.survey_id.as_str();
        storage::update(|state| match event.event {
            EventKind::Shown => state.record_shown(survey_id),
            EventKind::Response => state.record_response(survey_id, js_sys::Date::now()),
            EventKind::Dismissed => state.record_dismissed(survey_id, js_sys::Date::now()),
        });
        outbox::enqueue(&collector, event);
    };
    emit(
        "shown",
        context.event(page::new_id(), EventKind::Shown, page::now_rfc3339()),
    );

    // One id for the response: the comment update reuses it, so the collector replaces it.
    let response_id: Arc<str> = Arc::from(page::new_id());
    let (score, set_score) = signal(None::<u8>);
    let (open, set_open) = signal(true);
    let on_score = {
        let (context, response_id, emit) =
            (Arc::clone(&context), Arc::clone(&response_id), emit.clone());
        Callback::new(move |chosen: u8| {
            set_score.set(Some(chosen));
            if let Some(event) =
                context.response(response_id.to_string(), chosen, None, page::now_rfc3339())
            {
                emit("answered", event);
            }
        })
    };
    let on_comment = {
        let (context, emit) = (Arc::clone(&context), emit.clone());
        Callback::new(move |comment: String| {
            let Some(chosen) = score.get_untracked() else {
                return;
            };
            let Some(event) = context.response(
                response_id.to_string(),
                chosen,
                Some(&comment),
                page::now_rfc3339(),
            ) else {
                return;
            };
            if event.comment.is_some() {
                emit("completed", event);
            } else {
                page::dispatch("completed", &event_detail(&event));
            }
        })
    };
    let on_closed = Callback::new(move |()| {
        if score.get_untracked().is_none() {
            emit(
                "dismissed",
                context.event(page::new_id(), EventKind::Dismissed, page::now_rfc3339()),
            );
        }
        set_open.set(false);
        if let Some(callback) = on_close {
            callback.run(());
        }
    });
    let kind = survey.kind;
    move || {
        open.get().then(|| {
            view! {
                <SurveyPopup
                    kind=kind
                    texts=Arc::clone(&texts)
                    inline=inline
                    on_score=on_score
                    on_comment=on_comment
                    on_close=on_closed
                />
            }
        })
    }
}

/// The event as a plain JS object, for `CustomEvent.detail`.
fn event_detail(event: &Event) -> wasm_bindgen::JsValue {
    serde_json::to_string(event)
        .ok()
        .and_then(|json| js_sys::JSON::parse(&json).ok())
        .unwrap_or(wasm_bindgen::JsValue::NULL)
}
