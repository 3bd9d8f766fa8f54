//! The public Leptos component ([`SurveyWidget`], isolated in its own shadow root) and what it
//! renders there ([`SurveyPopup`]): the survey card wired to the outbox and to DOM events.

use crate::browser::visitor::{visitor_id, visitor_language};
use crate::browser::{json, outbox, page, shadow, storage, task, viewport};
use crate::core::config::{self, Config, ConfigError, Parsed, Survey};
use crate::core::event::{report_attributes, Event, EventContext, EventKind};
use crate::core::i18n::SurveyTexts;
use crate::core::json::Json;
use crate::core::map::Map;
use crate::ui::{card::SurveyCard, ready_after_a_task};
use leptos::prelude::*;
use std::sync::{Arc, Mutex};

/// One survey for a Leptos app, rendered in its own shadow root (the app's CSS and the widget's
/// stay apart) and wired like the script-tag widget: events go through the persistent outbox
/// to `config.collector` and are dispatched as `survey-widget:*` DOM events.
///
/// ```ignore
/// let parsed = survey_widget::parse_config(json)?;
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
    let host = NodeRef::<leptos::html::Div>::new();
    // Dropping the handle unmounts the card (when this component is removed), and a pop-up's
    // keyboard listeners with it.
    let mounted = StoredValue::new_local(None::<Box<dyn std::any::Any>>);
    Effect::new(move |_| {
        let Some(element) = host.get() else { return };
        if mounted.with_value(Option::is_some) {
            return;
        }
        match shadow::attach(&element, &survey.appearance) {
            Ok(mount) => {
                let keyboard = (!inline).then(|| viewport::keep_above_keyboard(&mount));
                let (config, survey) = (config.clone(), survey.clone());
                let handle = leptos::mount::mount_to(mount, move || {
                    view! { <SurveyPopup config=config survey=survey inline=inline on_close=on_close /> }
                });
                mounted.set_value(Some(Box::new((handle, keyboard))));
            }
            Err(error) => page::log_js_error("cannot render the survey", &error),
        }
    });
    on_cleanup(move || mounted.set_value(None));
    view! { <div class="survey-widget" node_ref=host></div> }
}

/// One survey, in the visitor's language, sending `shown` once it is on screen, `response` as
/// soon as a score is chosen (again, with the same id, when the comment is added) and
/// `dismissed` when closed without a score. Each event is also dispatched on `window` as a
/// `survey-widget:*` `CustomEvent` (`shown`, `answered`, `completed`, `dismissed`) with the
/// event as `detail`.
/// Expects to be mounted inside a shadow root that has the widget's stylesheet.
#[component]
pub fn SurveyPopup(
    /// The site's config (collector URL, identity cookie, company, locale).
    config: Config,
    /// The survey to show (one of `config.surveys`, or any valid survey).
    survey: Survey,
    /// Render in the page flow instead of as a floating pop-up.
    #[prop(optional)]
    inline: bool,
    /// Called after the visitor closed the survey.
    #[prop(optional_no_strip)]
    on_close: Option<Callback<()>>,
    /// A preview (the console's editor): nothing is sent, stored or dispatched.
    #[prop(optional)]
    preview: bool,
    /// The visitor's attributes (`identify()`), of which the survey's `report_attributes`
    /// go with its events.
    #[prop(optional)]
    visitor_attributes: Map<String, Json>,
) -> impl IntoView {
    let language = visitor_language(&config, &survey);
    let texts = SurveyTexts::resolve(&config, &survey, &language);
    // What the callbacks share, without a clone each (a `StoredValue` is `Copy`).
    let sending = StoredValue::new(Sending {
        // One id for the response: the comment update reuses it, so the collector replaces it.
        response_id: page::new_id(),
        context: EventContext {
            survey_id: survey.id.clone(),
            kind: survey.kind,
            survey_version: survey.version.clone(),
            visitor_id: visitor_id(&config),
            locale: language.code.clone(),
            page_url: page::url(),
            attributes: report_attributes(
                &survey.report_attributes,
                &visitor_attributes,
                page::device(),
                &page::landing_url(),
            ),
        },
    });
    // Not through `sending`: a `shown` notified just before the pop-up went away still goes out.
    let collector = config.collector.clone();
    let queue = move |event: Event| outbox::enqueue(&collector, event);
    let new_event = move |kind: EventKind| {
        sending.with_value(|s| s.context.event(page::new_id(), kind, page::now_rfc3339()))
    };
    // `shown` goes out once the card is on screen, in two tasks of its own (notified, then
    // queued; with the render, all would be one long task on a slow phone). An answer or a
    // dismissal before then sends it first, so the events keep their order.
    let shown = Arc::new(Mutex::new(
        (!preview).then(|| (new_event(EventKind::Shown), false)),
    ));
    let queue_answer = queue.clone();
    let send_shown = move |and_queue: bool| {
        let Ok(mut pending) = shown.lock() else {
            return;
        };
        if let Some((event, notified @ false)) = &mut *pending {
            notify("shown", event);
            *notified = true;
        }
        if let Some((event, _)) = pending.take_if(|_| and_queue) {
            queue(event);
        }
    };
    // A pop-up renders in steps (see `ready_after_a_task`): its card one task after this, the
    // card's choices one task after that.
    let card_due = ready_after_a_task(!inline);
    let later = send_shown.clone();
    wasm_bindgen_futures::spawn_local(async move {
        // Behind the timers of the card and of its choices (timers run in order).
        for _ in 0..if inline { 1 } else { 2 } {
            task::next_task().await;
        }
        // Gone before then (replaced by a forced `show()`, unmounted by its app): never seen.
        if sending.try_with_value(|_| ()).is_none() {
            return;
        }
        later(false);
        task::next_task().await;
        later(true);
    });
    let emit = move |dom_name: &'static str, event: Event| {
        if !preview {
            send_shown(true);
            notify(dom_name, &event);
            queue_answer(event);
        }
    };

    let response = move |chosen: u8, comment: Option<&str>| {
        sending.with_value(|s| {
            s.context
                .response(s.response_id.clone(), chosen, comment, page::now_rfc3339())
        })
    };
    let (score, set_score) = signal(None::<u8>);
    let (open, set_open) = signal(true);
    let (emit_answer, emit_comment) = (emit.clone(), emit.clone());
    let on_score = move |chosen: u8| {
        set_score.set(Some(chosen));
        if let Some(event) = response(chosen, None) {
            emit_answer("answered", event);
        }
    };
    let on_comment = move |comment: String| {
        let Some(event) = score
            .get_untracked()
            .and_then(|chosen| response(chosen, Some(&comment)))
        else {
            return;
        };
        if event.comment.is_some() {
            emit_comment("completed", event);
        } else {
            page::dispatch("completed", &event_detail(&event));
        }
    };
    let on_closed = Callback::new(move |()| {
        if score.get_untracked().is_none() {
            emit("dismissed", new_event(EventKind::Dismissed));
        }
        set_open.set(false);
        if let Some(callback) = on_close {
            callback.run(());
        }
    });
    let (kind, appearance) = (survey.kind, survey.appearance.clone());
    move || {
        (open.get() && card_due.get()).then(|| {
            view! {
                <SurveyCard
                    kind=kind
                    texts=texts.clone()
                    inline=inline
                    staged=!inline
                    appearance=appearance.clone()
                    on_score=on_score.clone()
                    on_comment=on_comment.clone()
                    on_close=on_closed
                />
            }
        })
    }
}

/// What a pop-up's callbacks share: its events' context and the id of the visitor's response.
struct Sending {
    context: EventContext,
    response_id: String,
}

/// Dispatches `event` on `window` as `survey-widget:{dom_name}` and notes it in the visitor's
/// throttle state (the caller queues it for the collector).
fn notify(dom_name: &'static str, event: &Event) {
    page::dispatch(dom_name, &event_detail(event));
    let survey_id = event.survey_id.as_str();
    storage::update(|state| match event.event {
        EventKind::Shown => state.record_shown(survey_id),
        EventKind::Response => state.record_response(survey_id, js_sys::Date::now()),
        EventKind::Dismissed => state.record_dismissed(survey_id, js_sys::Date::now()),
    });
}

/// The event as a plain JS object, for `CustomEvent.detail`.
fn event_detail(event: &Event) -> wasm_bindgen::JsValue {
    json::to_js(&event.to_json())
}

/// Parses and validates config JSON text (see [`config::parse`]).
pub fn parse_config(text: &str) -> Result<Parsed, ConfigError> {
    config::parse(&read_config_json(text)?)
}

/// Config text as JSON, not yet validated (the first half of [`parse_config`]).
pub(crate) fn read_config_json(text: &str) -> Result<Json, ConfigError> {
    json::parse(text).map_err(|message| ConfigError {
        survey_id: None,
        path: String::new(),
        message: format!("not JSON: {message}"),
    })
}
