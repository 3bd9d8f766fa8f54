//! The outbox in the browser: stored in localStorage (shared by tabs, survives reloads),
//! flushed at start-up, after every new event, on `online`, on a retry timer, and with
//! `sendBeacon` when the page is hidden. The policy is [`crate::core::outbox`].

use crate::browser::listener::Listener;
use crate::browser::{page, storage, transport};
use crate::core::event::Event;
use crate::core::outbox::{Claim, Outbox, Outcome};
use leptos::prelude::{set_timeout_with_handle, TimeoutHandle};
use std::cell::{Cell, RefCell};
use std::time::Duration;

const KEY: &str = "survey-widget:outbox";

thread_local! {
    static TIMER: RefCell<Option<TimeoutHandle>> = const { RefCell::new(None) };
    static LISTENING: Cell<bool> = const { Cell::new(false) };
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
    let claims = change(|outbox| outbox.claim_due(js_sys::Date::now()));
    for claim in claims {
        leptos::task::spawn_local(async move {
            let outcome = transport::send(&claim.collector, &claim.event).await;
            settle(&claim, outcome);
        });
    }
    schedule_retry();
}

fn settle(claim: &Claim, outcome: Outcome) {
    let rejected =
        change(|outbox| outbox.settle(claim, outcome, js_sys::Date::now(), js_sys::Math::random()));
    if let (Some(event), Outcome::Rejected(status)) = (rejected, outcome) {
        page::log_error(&format!(
            "the collector rejected event {} (HTTP {status}); it is dropped",
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

/// Page hidden (tab switch, close, navigation away): hand everything to `sendBeacon`.
fn send_beacons() {
    let claims = change(|outbox| outbox.claim_all(js_sys::Date::now()));
    for claim in claims {
        transport::beacon(&claim.collector, &claim.event);
    }
}

fn listen_once() {
    if LISTENING.with(|l| l.replace(true)) {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Some(online) = Listener::new(&window, "online", |_: web_sys::Event| flush()) {
        online.keep();
    }
    let Some(document) = window.document() else {
        return;
    };
    let doc = document.clone();
    let hidden = Listener::new(&document, "visibilitychange", move |_: web_sys::Event| {
        if doc.hidden() {
            send_beacons();
        }
    });
    if let Some(hidden) = hidden {
        hidden.keep();
    }
}
