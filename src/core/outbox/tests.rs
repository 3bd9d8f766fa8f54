//! The outbox policy's tests: classification, retries, leases between pages, capacity.

use super::*;
use crate::core::fixtures::event_context;

const C: &str = "https://c.example/v1/events";

const PAGE: &str = "this-page";
const OTHER_PAGE: &str = "another-page";

fn shown(id: &str) -> Event {
    event_context().event(id.into(), EventKind::Shown, "t".into())
}

fn response(id: &str, comment: Option<&str>) -> Event {
    event_context()
        .response(id.into(), 9, comment, "t".into())
        .unwrap()
}

#[test]
fn statuses_are_classified_as_the_spec_says() {
    assert_eq!(Outcome::of(Some(200), None), Outcome::Delivered);
    assert_eq!(Outcome::of(Some(204), None), Outcome::Delivered);
    assert_eq!(
        Outcome::of(None, None),
        Outcome::Retry {
            retry_after_ms: None
        }
    );
    assert_eq!(
        Outcome::of(Some(503), None),
        Outcome::Retry {
            retry_after_ms: None
        }
    );
    assert_eq!(
        Outcome::of(Some(429), Some("7")),
        Outcome::Retry {
            retry_after_ms: Some(7000.0)
        }
    );
    assert_eq!(
        Outcome::of(Some(429), Some("Wed, 21 Oct 2026 07:28:00 GMT")),
        Outcome::Retry {
            retry_after_ms: None
        }
    );
    assert_eq!(Outcome::of(Some(400), None), Outcome::Rejected(400));
    assert_eq!(Outcome::of(Some(413), None), Outcome::Rejected(413));
}

#[test]
fn a_failed_send_is_retried_with_growing_backoff_and_delivered_once() {
    let mut outbox = Outbox::default();
    outbox.push(C, response("r", None), 0.0);
    let claim = outbox.claim_due(0.0, PAGE).remove(0);
    assert!(
        outbox.claim_due(1.0, PAGE).is_empty(),
        "leased: not claimed twice"
    );
    outbox.settle(&claim, Outcome::of(Some(503), None), 10.0, 1.0);
    assert_eq!(outbox.entries[0].next_attempt_ms, 1010.0);
    assert!(outbox.claim_due(1000.0, PAGE).is_empty(), "not due yet");
    let claim = outbox.claim_due(1010.0, PAGE).remove(0);
    outbox.settle(
        &claim,
        Outcome::Retry {
            retry_after_ms: None,
        },
        1010.0,
        1.0,
    );
    assert_eq!(outbox.entries[0].next_attempt_ms, 3010.0);
    let claim = outbox.claim_due(3010.0, PAGE).remove(0);
    outbox.settle(&claim, Outcome::Delivered, 3020.0, 0.0);
    assert!(outbox.entries.is_empty());
    assert_eq!(outbox.next_due_ms(), None);
}

#[test]
fn retry_after_is_honoured_and_a_definitive_4xx_drops_the_event() {
    let mut outbox = Outbox::default();
    outbox.push(C, shown("a"), 0.0);
    outbox.push(C, shown("b"), 0.0);
    let claims = outbox.claim_due(0.0, PAGE);
    outbox.settle(&claims[0], Outcome::of(Some(429), Some("30")), 0.0, 0.5);
    assert_eq!(outbox.entries[0].next_attempt_ms, 30_000.0);
    let dropped = outbox.settle(&claims[1], Outcome::of(Some(400), None), 0.0, 0.5);
    assert_eq!(dropped.map(|e| e.id), Some("b".to_string()));
    assert_eq!(outbox.entries.len(), 1);
}

#[test]
fn a_comment_replaces_the_waiting_score_and_a_stale_send_does_not_settle_it() {
    let mut outbox = Outbox::default();
    outbox.push(C, response("r", None), 0.0);
    let score_claim = outbox.claim_due(0.0, PAGE).remove(0);
    outbox.push(C, response("r", Some("great")), 5.0);
    assert_eq!(outbox.entries.len(), 1);
    outbox.settle(&score_claim, Outcome::Delivered, 6.0, 0.0);
    assert_eq!(outbox.entries.len(), 1, "the comment still has to go");
    let comment_claim = outbox.claim_due(6.0, PAGE).remove(0);
    assert_eq!(comment_claim.event.comment.as_deref(), Some("great"));
    outbox.settle(&comment_claim, Outcome::Delivered, 7.0, 0.0);
    assert!(outbox.entries.is_empty());
}

#[test]
fn when_full_impressions_go_first_and_responses_are_never_dropped() {
    let mut outbox = Outbox::default();
    outbox.push(C, shown("first-shown"), 0.0);
    for i in 0..CAPACITY - 1 {
        outbox.push(C, response(&format!("r{i}"), None), 0.0);
    }
    let dropped = outbox.push(C, response("one-more", None), 0.0);
    assert_eq!(
        dropped.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        ["first-shown"]
    );
    let dropped = outbox.push(C, response("over", None), 0.0);
    assert!(dropped.is_empty());
    assert_eq!(
        outbox.entries.len(),
        CAPACITY + 1,
        "responses are kept even past capacity"
    );
}

#[test]
fn claim_all_takes_what_is_not_due_yet_and_this_pages_own_sends_but_not_another_pages() {
    let mut outbox = Outbox::default();
    outbox.push(C, shown("a"), 0.0);
    outbox.push(C, shown("b"), 0.0);
    outbox.push(C, shown("mine"), 0.0);
    let in_flight = outbox.claim_due(0.0, OTHER_PAGE);
    outbox.settle(
        &in_flight[1],
        Outcome::Retry {
            retry_after_ms: Some(60_000.0),
        },
        0.0,
        0.0,
    );
    outbox.release(&in_flight[2]);
    assert_eq!(
        outbox.claim_due(0.5, PAGE).len(),
        1,
        "mine, sent by this page"
    );
    let last_chance = outbox.claim_all(1.0, PAGE);
    let ids = |claims: &[Claim]| {
        claims
            .iter()
            .map(|c| c.event.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(&last_chance),
        ["b", "mine"],
        "a: the other page is sending it"
    );
    assert!(outbox.claim_all(2.0, PAGE).is_empty(), "not beaconed twice");
}

#[test]
fn back_online_every_waiting_entry_is_due_whatever_retry_after_said() {
    let mut outbox = Outbox::default();
    outbox.push(C, shown("waiting"), 0.0);
    outbox.push(C, shown("in-flight"), 0.0);
    let claims = outbox.claim_due(0.0, PAGE);
    let retry_later = Outcome::Retry {
        retry_after_ms: Some(60_000.0),
    };
    outbox.settle(&claims[0], retry_later, 0.0, 0.0);
    assert!(outbox.claim_due(100.0, PAGE).is_empty());
    outbox.reconnected(100.0);
    let due = outbox.claim_due(100.0, PAGE);
    assert_eq!(due.len(), 1, "the entry under way stays with its send");
    assert_eq!(due[0].event.id, "waiting");
}

#[test]
fn a_released_claim_is_sent_again_and_an_unsendable_event_is_dropped() {
    let mut outbox = Outbox::default();
    outbox.push(C, shown("a"), 0.0);
    let beaconed = outbox.claim_all(0.0, PAGE).remove(0);
    assert!(outbox.claim_due(1.0, PAGE).is_empty());
    outbox.release(&beaconed);
    let again = outbox.claim_due(1.0, PAGE).remove(0);
    let dropped = outbox.settle(&again, Outcome::Unsendable, 2.0, 0.0);
    assert_eq!(dropped.map(|e| e.id), Some("a".to_string()));
    assert!(outbox.entries.is_empty());
}

#[test]
fn a_comment_added_while_the_score_is_in_flight_goes_out_when_the_page_hides() {
    let mut outbox = Outbox::default();
    outbox.push(C, response("r", None), 0.0);
    let in_flight = outbox.claim_due(0.0, PAGE);
    assert_eq!(in_flight.len(), 1);
    outbox.push(C, response("r", Some("bye")), 10.0);
    assert!(
        outbox.claim_due(20.0, PAGE).is_empty(),
        "still leased for the score"
    );
    let last_chance = outbox.claim_all(30.0, PAGE);
    assert_eq!(last_chance.len(), 1);
    assert_eq!(last_chance[0].event.comment.as_deref(), Some("bye"));
    assert!(
        outbox.claim_all(40.0, PAGE).is_empty(),
        "not beaconed twice"
    );
}

#[test]
fn backoff_grows_to_a_cap_and_jitter_spreads_it() {
    assert_eq!(backoff_ms(1, 1.0), 1000.0);
    assert_eq!(backoff_ms(4, 1.0), 8000.0);
    assert_eq!(backoff_ms(30, 1.0), MAX_RETRY_MS);
    assert_eq!(backoff_ms(1, 0.0), 500.0);
}

#[test]
fn stored_outbox_round_trips_and_garbage_is_empty() {
    let mut outbox = Outbox::default();
    outbox.push(C, response("r", Some("hi")), 1.0);
    outbox.push(C, response("s", None), 2.0);
    let settled = outbox.claim_due(2.0, PAGE);
    outbox.settle(
        &settled[0],
        Outcome::Retry {
            retry_after_ms: None,
        },
        2.0,
        0.25,
    );
    let stored = crate::core::json::parse(&outbox.to_json().to_text());
    assert_eq!(Outbox::from_json(&stored), outbox);
    let read = |text: &str| Outbox::from_json(&crate::core::json::parse(text));
    assert_eq!(read("{\"entries\": 5}"), Outbox::default());
    assert_eq!(read("\"not an outbox\""), Outbox::default());
    assert_eq!(read("[[]]"), Outbox::default());
    let one_broken = outbox
        .to_json()
        .to_text()
        .replacen("\"attempts\":0", "\"attempts\":\"x\"", 1);
    let survivors = read(&one_broken).entries;
    assert_eq!(survivors.len(), 1, "the good entry survives");
    assert_eq!(
        (survivors[0].attempts, survivors[0].next_attempt_ms > 2.0),
        (1, true)
    );
}
