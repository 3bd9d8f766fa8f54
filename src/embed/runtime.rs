//! The running widget on a page: which surveys are armed and waiting for their trigger, what
//! the visitor told `identify()`, and the one-survey-per-page-view rule. Decisions are the
//! core's ([`eligibility::check`], [`Progress`]); this module only feeds them facts and acts.

use crate::browser::listener::Listener;
use crate::browser::{page, shadow, storage, task, triggers, viewport, visitor};
use crate::core::config::{Config, Survey};
use crate::core::eligibility::{self, Facts, Skip};
use crate::core::json::Json;
use crate::core::map::Map;
use crate::core::throttle::VisitorState;
use crate::core::trigger::{Progress, Signal};
use crate::widget::SurveyPopup;
use leptos::prelude::*;
use std::cell::RefCell;
use std::time::Duration;

/// A survey waiting for its trigger.
struct Armed {
    survey_id: String,
    progress: Progress,
    timer: Option<TimeoutHandle>,
}

impl Armed {
    fn cancel(self) {
        if let Some(timer) = self.timer {
            timer.clear();
        }
    }
}

/// Everything the widget tracks on this page.
struct Runtime {
    config: Config,
    attributes: Map<String, Json>,
    armed: Vec<Armed>,
    /// A survey was shown in this page view (or is open now).
    shown_this_page_view: bool,
    /// The pop-up on screen, if one is.
    popup: Option<OpenPopup>,
    route: String,
    debug: bool,
    scroll_depth: f64,
    /// [`crate::core::hash::fingerprint32`] of the config text, for the loader's quiet check.
    config_fingerprint: String,
}

/// The pop-up on screen. Dropping it unmounts the card (its reactive owner goes with it, as
/// with Leptos' `Portal`) and removes its keyboard listeners.
struct OpenPopup {
    host: shadow::Popup,
    /// Keeps the bottom sheet above the on-screen keyboard.
    _keyboard: Option<[Listener; 2]>,
    /// The card's mount handle (set once mounted).
    mounted: Option<Box<dyn std::any::Any>>,
}

impl OpenPopup {
    /// Takes the pop-up off the screen; the card unmounts in a task of its own (not inside its
    /// own click handler).
    fn close(self) {
        self.host.close();
        set_timeout(move || drop(self), Duration::ZERO);
    }
}

thread_local! {
    static RUNTIME: RefCell<Option<Runtime>> = const { RefCell::new(None) };
    /// Attributes given before `start` (e.g. by `data-attributes`), merged in at start.
    static EARLY_ATTRIBUTES: RefCell<Map<String, Json>> = const { RefCell::new(Map::new()) };
    static LISTENING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Event names given to `track()` in this page view (also before `start`), so a survey
    /// armed later (after `identify()`, say) still counts an event that already happened.
    static TRACKED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn with_runtime<R>(f: impl FnOnce(&mut Runtime) -> R) -> Option<R> {
    RUNTIME.with(|slot| slot.try_borrow_mut().ok()?.as_mut().map(f))
}

/// Starts the widget: counts the page view and installs the scroll / exit-intent listeners once,
/// then (in a task of its own) arms every eligible survey. Called again (a second `init()`, a
/// framework mounting twice) it swaps the config but keeps this page view's state: still one
/// survey per page view.
pub async fn start(config: Config, config_fingerprint: String, debug: bool) {
    let old = RUNTIME.with(|slot| slot.borrow_mut().take());
    let (popup, shown_this_page_view, attributes) = match old {
        Some(old) => {
            old.armed.into_iter().for_each(Armed::cancel);
            (old.popup, old.shown_this_page_view, old.attributes)
        }
        None => {
            storage::update(|state| state.count_pageview(js_sys::Date::now()));
            (None, false, Map::new())
        }
    };
    let mut attributes = attributes;
    attributes.extend(EARLY_ATTRIBUTES.with(|early| std::mem::take(&mut *early.borrow_mut())));
    let runtime = Runtime {
        config,
        attributes,
        armed: Vec::new(),
        shown_this_page_view,
        popup,
        route: page::route(),
        debug,
        scroll_depth: triggers::scroll_depth(),
        config_fingerprint,
    };
    RUNTIME.with(|slot| *slot.borrow_mut() = Some(runtime));
    if !LISTENING.with(|l| l.replace(true)) {
        triggers::listen(on_scroll, || happened(Signal::ExitIntent, |_| true));
    }
    task::next_task().await;
    evaluate();
}

/// Merges visitor attributes (`identify()`), then re-evaluates.
pub fn identify(attributes: Map<String, Json>) {
    let started = with_runtime(|rt| rt.attributes.extend(attributes.clone())).is_some();
    if started {
        evaluate();
    } else {
        EARLY_ATTRIBUTES.with(|early| early.borrow_mut().extend(attributes));
    }
}

/// Marks the custom event `name` as happened for the surveys whose trigger names it.
pub fn track(name: &str) {
    TRACKED.with(|tracked| {
        let mut tracked = tracked.borrow_mut();
        if !tracked.iter().any(|t| t == name) {
            tracked.push(name.to_string());
        }
    });
    happened(Signal::Event, |survey| {
        survey.trigger.event.as_deref() == Some(name)
    });
}

/// Forgets the stored throttle history (`SurveyWidget.reset()`), then re-evaluates.
pub fn reset() {
    storage::update(VisitorState::forget_surveys);
    evaluate();
}

/// Logs the eligibility table (`SurveyWidget.debug()`), and keeps logging on every change.
pub fn debug() {
    with_runtime(|rt| rt.debug = true);
    evaluate();
}

/// The page's route changed (SPA navigation): a new page view. Armed surveys whose pages no
/// longer match are cancelled; an open survey stays open; newly eligible surveys are armed.
pub fn page_changed() {
    let route = page::route();
    let changed = with_runtime(|rt| {
        if rt.route == route {
            return false;
        }
        rt.route = route;
        rt.shown_this_page_view = rt.popup.is_some();
        rt.scroll_depth = triggers::scroll_depth();
        TRACKED.with(|tracked| tracked.borrow_mut().clear());
        let path = page::path();
        let config = &rt.config;
        let (keep, cancel): (Vec<Armed>, Vec<Armed>) = std::mem::take(&mut rt.armed)
            .into_iter()
            .partition(|armed| {
                config
                    .survey(&armed.survey_id)
                    .is_some_and(|survey| eligibility::page_allowed(&survey.trigger, &path).is_ok())
            });
        rt.armed = keep;
        cancel.into_iter().for_each(Armed::cancel);
        true
    });
    if changed == Some(true) {
        storage::update(|state| state.count_pageview(js_sys::Date::now()));
        evaluate();
    }
}

/// Shows `survey_id` now: `force` skips eligibility (previews); otherwise it must be eligible.
pub fn show(survey_id: &str, force: bool) {
    match with_runtime(|rt| rt.config.survey(survey_id).is_some()) {
        None => page::log_error("show() called before init(): no config"),
        Some(false) => page::log_error(&format!("show(): no valid survey with id \"{survey_id}\"")),
        Some(true) if force => open(survey_id),
        Some(true) => match decide(survey_id) {
            Some(Err(skip)) => {
                page::log_error(&format!("survey \"{survey_id}\" not shown: {skip}"))
            }
            _ => open(survey_id),
        },
    }
}

/// Checks one survey against fresh facts (storage re-read: another tab may have answered).
fn decide(survey_id: &str) -> Option<Result<(), Skip>> {
    let state = storage::load();
    with_runtime(|rt| {
        let survey = rt.config.survey(survey_id)?;
        Some(check(rt, survey, &state))
    })
    .flatten()
}

fn check(rt: &Runtime, survey: &Survey, state: &VisitorState) -> Result<(), Skip> {
    let config = &rt.config;
    let visitor_id = visitor::visitor_id(config);
    let cookie_names: Vec<String> = survey
        .segment
        .iter()
        .flat_map(|s| s.cookie_names())
        .collect();
    let language = visitor::visitor_language(config, survey);
    let context = visitor::context(
        visitor_id.as_deref(),
        &cookie_names,
        &language.code,
        state,
        &rt.attributes,
    );
    let anonymous_id = state.anonymous_id.clone().unwrap_or_default();
    let facts = Facts {
        visitor_id: visitor_id.as_deref(),
        sampling_id: visitor_id.as_deref().unwrap_or(&anonymous_id),
        identity_cookie: &config.identity_cookie,
        path: &page::path(),
        context: &context,
        state,
        quiet_days: config.quiet_days,
        shown_this_page_view: rt.shown_this_page_view || rt.popup.is_some(),
    };
    eligibility::check(survey, &facts)
}

/// Arms every eligible survey that is not armed yet; logs the table in debug mode.
fn evaluate() {
    let state = storage::update(|state| {
        if state.anonymous_id.is_none() {
            state.anonymous_id = Some(page::new_id());
        }
    });
    let ready = with_runtime(|rt| {
        let mut ready = Vec::new();
        let mut table = Vec::new();
        let mut verdicts = Vec::new();
        for survey in rt.config.surveys.clone() {
            let armed = rt.armed.iter().find(|a| a.survey_id == survey.id);
            let verdict = if armed.is_some() {
                Ok(())
            } else {
                check(rt, &survey, &state)
            };
            verdicts.push(verdict.clone());
            let status = if let Some(armed) = armed {
                armed.progress.describe(&survey.trigger)
            } else {
                match verdict {
                    Err(skip) => format!("not shown: {skip}"),
                    Ok(()) => {
                        let armed = arm(&survey, rt.scroll_depth);
                        let status = if armed.progress.is_complete() {
                            ready.push(survey.id.clone());
                            "showing now".to_string()
                        } else {
                            armed.progress.describe(&survey.trigger)
                        };
                        rt.armed.push(armed);
                        status
                    }
                }
            };
            table.push((survey.id.clone(), status));
        }
        storage::set_quiet(&rt.config_fingerprint, eligibility::quiet_until(&verdicts));
        if rt.debug {
            log_table(&table);
        }
        ready
    });
    // Rendered in a task of its own: evaluating and rendering in one would make a long task.
    // A re-init or navigation in between may have disarmed it or armed it afresh.
    for id in ready.unwrap_or_default() {
        set_timeout(
            move || {
                let still_ready = with_runtime(|rt| {
                    (rt.armed.iter()).any(|a| a.survey_id == id && a.progress.is_complete())
                });
                if still_ready == Some(true) {
                    fire(&id);
                }
            },
            Duration::ZERO,
        );
    }
}

fn arm(survey: &Survey, scroll_depth: f64) -> Armed {
    let mut progress = Progress::new(&survey.trigger);
    if progress.awaits(Signal::Scroll) && scroll_depth >= survey.trigger.scroll_percent {
        progress.happened(Signal::Scroll);
    }
    let tracked = TRACKED.with(|tracked| {
        survey
            .trigger
            .event
            .as_ref()
            .is_some_and(|event| tracked.borrow().contains(event))
    });
    if tracked {
        progress.happened(Signal::Event);
    }
    let timer = progress.awaits(Signal::Delay).then(|| {
        let id = survey.id.clone();
        let delay = Duration::from_secs_f64(survey.trigger.delay_seconds);
        set_timeout_with_handle(move || happened(Signal::Delay, |s| s.id == id), delay).ok()
    });
    Armed {
        survey_id: survey.id.clone(),
        progress,
        timer: timer.flatten(),
    }
}

fn on_scroll(depth: f64) {
    with_runtime(|rt| rt.scroll_depth = depth);
    happened(Signal::Scroll, |survey| {
        depth >= survey.trigger.scroll_percent
    });
}

/// Notes `signal` for the armed surveys `applies` selects and shows those now complete, the
/// highest priority first (the config lists surveys in that order; the first one shown wins).
fn happened(signal: Signal, applies: impl Fn(&Survey) -> bool) {
    let ready = with_runtime(|rt| {
        let mut ready = Vec::new();
        for armed in &mut rt.armed {
            let selected = rt.config.survey(&armed.survey_id).is_some_and(&applies);
            if selected && armed.progress.awaits(signal) && armed.progress.happened(signal) {
                ready.push(armed.survey_id.clone());
            }
        }
        (rt.config.surveys.iter())
            .filter(|survey| ready.contains(&survey.id))
            .map(|survey| survey.id.clone())
            .collect::<Vec<_>>()
    });
    ready.unwrap_or_default().iter().for_each(|id| fire(id));
}

/// A trigger completed: re-check with fresh storage (another tab may have answered) and show.
fn fire(survey_id: &str) {
    with_runtime(|rt| {
        if let Some(index) = rt.armed.iter().position(|a| a.survey_id == survey_id) {
            rt.armed.remove(index).cancel();
        }
    });
    match decide(survey_id) {
        Some(Ok(())) => open(survey_id),
        Some(Err(skip)) if with_runtime(|rt| rt.debug) == Some(true) => {
            log_table(&[(survey_id.to_string(), format!("not shown: {skip}"))]);
        }
        _ => {}
    }
}

/// Opens the pop-up: its host and shadow root now, the card in a task of its own (the two in
/// one would make a long task on a slow phone).
fn open(survey_id: &str) {
    let found = with_runtime(|rt| {
        let survey = rt.config.survey(survey_id).cloned()?;
        Some((rt.config.clone(), survey))
    });
    let Some(Some((config, survey))) = found else {
        return;
    };
    let popup = match shadow::popup_host(&survey.appearance) {
        Ok(popup) => popup,
        Err(error) => return page::log_js_error("cannot create the pop-up", &error),
    };
    let mount = popup.mount.clone();
    let opened = OpenPopup {
        _keyboard: viewport::keep_above_keyboard(&popup.mount),
        host: popup,
        mounted: None,
    };
    let replaced = with_runtime(|rt| {
        rt.shown_this_page_view = true;
        rt.popup.replace(opened)
    });
    // A forced `show()` while another pop-up is open replaces it.
    if let Some(Some(replaced)) = replaced {
        replaced.close();
    }
    set_timeout(move || mount_card(mount, config, survey), Duration::ZERO);
}

/// Renders the card of `survey` into `mount`, if that is still the open pop-up's and empty (a
/// forced `show()` may have replaced it meanwhile).
fn mount_card(mount: web_sys::HtmlElement, config: Config, survey: Survey) {
    let waiting = with_runtime(|rt| {
        (rt.popup.as_ref()).is_some_and(|open| open.host.mount == mount && open.mounted.is_none())
    });
    if waiting != Some(true) {
        return;
    }
    let on_close = Callback::new(move |()| {
        if let Some(Some(open)) = with_runtime(|rt| rt.popup.take()) {
            open.close();
        }
        // The answer or dismissal may quiet every survey: record that for the loader now, so
        // the next page load skips the widget. (In a task of its own: not inside the click.)
        set_timeout(evaluate, Duration::ZERO);
    });
    let visitor_attributes = with_runtime(|rt| rt.attributes.clone()).unwrap_or_default();
    let mounted = leptos::mount::mount_to(mount, move || {
        view! {
            <SurveyPopup
                config=config
                survey=survey
                on_close=Some(on_close)
                visitor_attributes=visitor_attributes
            />
        }
    });
    with_runtime(|rt| {
        if let Some(open) = &mut rt.popup {
            open.mounted = Some(Box::new(mounted));
        }
    });
}

/// Logs one line per survey: `[survey-widget] nps-main: not shown: <reason>`.
fn log_table(rows: &[(String, String)]) {
    for (survey_id, status) in rows {
        web_sys::console::info_1(&format!("[survey-widget] {survey_id}: {status}").into());
    }
}
