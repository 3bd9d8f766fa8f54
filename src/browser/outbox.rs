//! The outbox in the browser: stored in localStorage (shared by tabs, survives reloads),
//! flushed at start-up, after every new event, on `online`, on a retry timer, and with
//! `sendBeacon` when the page is hidden. The policy is [`crate::core::outbox`].

use crate::browser::listener::listen_for_page_life;
use crate::browser::{page, storage, transport};
use crate::core::event::Event;
use crate::core::outbox::{Claim, Outbox, Outcome};
use leptos::prelude::{set_timeout_with_handle, TimeoutHandle};
use std::cell::{Cell, RefCell};
use std::time::Duration;

const KEY: &str = crate::core::keys::OUTBOX;

thread_local! {
    static TIMER: RefCell<Option<TimeoutHandle>> = const { RefCell::new(None) };
    static LISTENING: Cell<bool> = const { Cell::new(false) };
    static PAGE_ID: String = page::new_id();
}

fn change<R>(f: impl FnOnce(&mut Outbox) -> R) -> R {
    let mut outbox = Outbox::from_json(&storage::read(KEY));
    let result = f(&mut outbox);
    storage::write(KEY, &outbox.to_json());
    result
}

/// Queues `event` for `collector` and starts sending it.
pub fn enqueue(collector: &str, event: Event) {
    let dropped = change(|outbox| outbox.push(collector, event, js_sys::Date::now()));
    for event in dropped {
        page::log_error(&format!(
            "outbox full: dropped the {} event {}",
            event.event.key(),
            event.id
        ));
    }
    flush();
}

/// Sends every due event (once the listeners are installed, also on `online`, on the retry
/// timer and when the page is hidden).
pub fn flush() {
    listen_once();
    let claims = change(|outbox| outbox.claim_due(js_sys::Date::now(), &page_id()));
    for claim in claims {
        // Not Leptos' spawner: the queue of an earlier page goes out at start-up, before any
        // pop-up has mounted (and set up that spawner).
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = transport::send(&claim.collector, &claim.event).await;
            settle(&claim, outcome);
        });
    }
    schedule_retry();
}

/// This page's name on the leases it takes (another tab's sends are that tab's business).
fn page_id() -> String {
    PAGE_ID.with(|id| id.clone())
}

fn settle(claim: &Claim, outcome: Outcome) {
    let rejected =
        change(|outbox| outbox.settle(claim, outcome, js_sys::Date::now(), js_sys::Math::random()));
    if let Some(event) = rejected {
        let why = match outcome {
            Outcome::Rejected(status) => format!("the collector rejected it (HTTP {status})"),
            _ => "the browser cannot send to this collector URL".to_string(),
        };
        page::log_error(&format!(
            "event {} not delivered: {why}; it is dropped",
            event.id
        ));
    }
    schedule_retry();
}

/// (Re)arms the timer for the next due event.
fn schedule_retry() {
    let next = Outbox::from_json(&storage::read(KEY)).next_due_ms();
    TIMER.with(|timer| {
        if let Some(old) = timer.borrow_mut().take() {
            old.clear();
        }
        if let Some(next) = next {
            let wait = (next - js_sys::Date::now()).max(50.0);
            *timer.borrow_mut() =
                set_timeout_with_handle(flush, Duration::from_millis(wait as u64)).ok();
        }
    });
}

/// Page hidden (tab switch, close, navigation away): hand what is left to `sendBeacon`; what
/// the browser will not queue stays for the next page.
fn send_beacons() {
    let claims = change(|outbox| outbox.claim_all(js_sys::Date::now(), &page_id()));
    let refused: Vec<Claim> = (claims.into_iter())
        .filter(|claim| !transport::beacon(&claim.collector, &claim.event))
        .collect();
    if !refused.is_empty() {
        change(|outbox| refused.iter().for_each(|claim| outbox.release(claim)));
    }
}

fn listen_once() {
    if LISTENING.with(|l| l.replace(true)) {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    listen_for_page_life(&window, "online", |_| {
        change(|outbox| outbox.reconnected(js_sys::Date::now()));
        flush();
    });
    let Some(document) = window.document() else {
        return;
    };
    let doc = document.clone();
    listen_for_page_life(&document, "visibilitychange", move |_| {
        if doc.hidden() {
            send_beacons();
        }
    });
}
