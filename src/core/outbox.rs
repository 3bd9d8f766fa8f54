//! The persistent outbox policy (SPEC 4 "Delivery"): every event waits here until the collector
//! accepted it. Retries back off exponentially with jitter; only a definitive 4xx drops an
//! event; when full, the oldest `shown` events go first and responses are never dropped.
//! Pure: the browser side (`browser::outbox`) stores it and does the sending.

use crate::core::event::{Event, EventKind};
use crate::core::json::Json;

/// Most events kept; past this, impressions and dismissals make room (responses never do).
pub const CAPACITY: usize = 100;
/// How long a send attempt owns an entry (other tabs leave it alone meanwhile).
pub const LEASE_MS: f64 = 15_000.0;
const FIRST_RETRY_MS: f64 = 1_000.0;
const MAX_RETRY_MS: f64 = 5.0 * 60_000.0;

/// One event waiting for delivery.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// Where to POST it.
    pub collector: String,
    /// The event.
    pub event: Event,
    /// Bumped when the event is replaced (a comment added), so a send of the older content
    /// does not settle the newer one.
    pub revision: u32,
    /// Failed attempts so far.
    pub attempts: u32,
    /// Not before this time (ms since the epoch).
    pub next_attempt_ms: f64,
    /// A send is under way until this time.
    pub lease_until_ms: f64,
    /// The revision that send carries (a newer revision is not being sent yet).
    pub leased_revision: u32,
    /// The page whose `fetch` holds the lease (empty for a beacon): when that page hides, its
    /// own send may never finish, so it hands the entry to the beacon.
    pub lease_owner: String,
}

impl Entry {
    fn from_json(json: &Json) -> Option<Entry> {
        let number = |key: &str| json.get(key).and_then(Json::as_f64);
        let count = |key: &str| json.get(key).and_then(Json::as_u32);
        Some(Entry {
            collector: json.get("collector")?.as_str()?.to_string(),
            event: Event::from_json(json.get("event")?)?,
            revision: count("revision")?,
            attempts: count("attempts")?,
            next_attempt_ms: number("next_attempt_ms")?,
            lease_until_ms: number("lease_until_ms")?,
            leased_revision: count("leased_revision").unwrap_or(0),
            lease_owner: (json.get("lease_owner").and_then(Json::as_str))
                .unwrap_or_default()
                .to_string(),
        })
    }

    fn to_json(&self) -> Json {
        Json::object([
            ("collector", Json::from(self.collector.as_str())),
            ("event", self.event.to_json()),
            ("revision", Json::from(self.revision)),
            ("attempts", Json::from(self.attempts)),
            ("next_attempt_ms", Json::from(self.next_attempt_ms)),
            ("lease_until_ms", Json::from(self.lease_until_ms)),
            ("leased_revision", Json::from(self.leased_revision)),
            ("lease_owner", Json::from(self.lease_owner.as_str())),
        ])
    }
}

/// What a send attempt came to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Outcome {
    /// 2xx: done.
    Delivered,
    /// A definitive 4xx: the collector will never take it; dropped (and logged).
    Rejected(u16),
    /// The browser refused to build the request (a collector URL it cannot use): dropped (and
    /// logged), as no later attempt can do better.
    Unsendable,
    /// Network error, 408, 429 or 5xx: try again, after `retry_after_ms` if the collector said.
    Retry {
        /// `Retry-After`, in ms.
        retry_after_ms: Option<f64>,
    },
}

impl Outcome {
    /// Classifies an HTTP status (`None`: the request never got an answer).
    pub fn of(status: Option<u16>, retry_after: Option<&str>) -> Outcome {
        match status {
            Some(200..=299) => Outcome::Delivered,
            Some(408 | 425 | 429) | Some(500..=599) | None => Outcome::Retry {
                retry_after_ms: retry_after
                    .and_then(|s| s.trim().parse::<f64>().ok())
                    .filter(|s| *s >= 0.0)
                    .map(|s| s * 1000.0),
            },
            Some(status) => Outcome::Rejected(status),
        }
    }
}

/// A claimed entry: send `event` to `collector`, then [`Outbox::settle`] with `revision`.
#[derive(Clone, Debug, PartialEq)]
pub struct Claim {
    /// Where to POST it.
    pub collector: String,
    /// The event to send.
    pub event: Event,
    /// The revision being sent.
    pub revision: u32,
}

/// The queue of undelivered events.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outbox {
    /// Oldest first.
    pub entries: Vec<Entry>,
}

impl Outbox {
    /// Reads the stored outbox; an entry that is not one the widget wrote is left out.
    pub fn from_json(json: &Json) -> Outbox {
        let entries = json
            .get("entries")
            .and_then(Json::as_array)
            .unwrap_or_default();
        Outbox {
            entries: entries.iter().filter_map(Entry::from_json).collect(),
        }
    }

    /// What [`Outbox::from_json`] reads back.
    pub fn to_json(&self) -> Json {
        let entries = self.entries.iter().map(Entry::to_json).collect();
        Json::object([("entries", Json::Array(entries))])
    }

    /// Adds an event, due now. An event with a known id replaces the waiting one (the comment
    /// update of a response). Returns the events dropped to stay within [`CAPACITY`].
    pub fn push(&mut self, collector: &str, event: Event, now_ms: f64) -> Vec<Event> {
        if let Some(entry) = self.entries.iter_mut().find(|e| e.event.id == event.id) {
            entry.event = event;
            entry.revision = entry.revision.wrapping_add(1);
            entry.next_attempt_ms = now_ms;
            return Vec::new();
        }
        self.entries.push(Entry {
            collector: collector.to_string(),
            event,
            revision: 0,
            attempts: 0,
            next_attempt_ms: now_ms,
            lease_until_ms: 0.0,
            leased_revision: 0,
            lease_owner: String::new(),
        });
        let mut dropped = Vec::new();
        for kind in [EventKind::Shown, EventKind::Dismissed] {
            while self.entries.len() > CAPACITY {
                let Some(oldest) = self.entries.iter().position(|e| e.event.event == kind) else {
                    break;
                };
                dropped.push(self.entries.remove(oldest).event);
            }
        }
        dropped
    }

    /// Claims for `owner` (a page) every entry due at `now_ms` that no one is sending, leasing
    /// it for [`LEASE_MS`].
    pub fn claim_due(&mut self, now_ms: f64, owner: &str) -> Vec<Claim> {
        self.claim(now_ms, owner, |entry| {
            entry.lease_until_ms <= now_ms && entry.next_attempt_ms <= now_ms
        })
    }

    /// The page `owner` is being hidden, its last chance: claims for the beacon, due or not,
    /// every entry no one is sending, every entry this page's own `fetch` is sending (that send
    /// may never finish), and every entry replaced since its send started (a comment added while
    /// the score was in flight). Another page's send is left to that page.
    pub fn claim_all(&mut self, now_ms: f64, owner: &str) -> Vec<Claim> {
        self.claim(now_ms, "", |entry| {
            entry.lease_until_ms <= now_ms
                || entry.lease_owner == owner
                || entry.revision != entry.leased_revision
        })
    }

    /// The network is back: every entry no one is sending is due now, whatever its backoff or
    /// `Retry-After` said (those waited for a network that was away).
    pub fn reconnected(&mut self, now_ms: f64) {
        for entry in &mut self.entries {
            if entry.lease_until_ms <= now_ms {
                entry.next_attempt_ms = entry.next_attempt_ms.min(now_ms);
            }
        }
    }

    /// Gives back a claim the browser would not send (`sendBeacon` refused it): the next page
    /// or retry sends it.
    pub fn release(&mut self, claim: &Claim) {
        if let Some(entry) = self
            .entries
            .iter_mut()
            .find(|e| e.event.id == claim.event.id)
        {
            entry.lease_until_ms = 0.0;
            entry.lease_owner.clear();
        }
    }

    fn claim(&mut self, now_ms: f64, owner: &str, wanted: impl Fn(&Entry) -> bool) -> Vec<Claim> {
        self.entries
            .iter_mut()
            .filter(|entry| wanted(entry))
            .map(|entry| {
                entry.lease_until_ms = now_ms + LEASE_MS;
                entry.leased_revision = entry.revision;
                entry.lease_owner = owner.to_string();
                Claim {
                    collector: entry.collector.clone(),
                    event: entry.event.clone(),
                    revision: entry.revision,
                }
            })
            .collect()
    }

    /// Records the outcome of sending `claim`. `jitter` in 0..1 spreads retries of many
    /// visitors apart. Returns the event when it was rejected for good.
    pub fn settle(
        &mut self,
        claim: &Claim,
        outcome: Outcome,
        now_ms: f64,
        jitter: f64,
    ) -> Option<Event> {
        let index = self
            .entries
            .iter()
            .position(|e| e.event.id == claim.event.id)?;
        let entry = &mut self.entries[index];
        entry.lease_until_ms = 0.0;
        entry.lease_owner.clear();
        let replaced_meanwhile = entry.revision != claim.revision;
        match outcome {
            Outcome::Delivered if replaced_meanwhile => None,
            Outcome::Delivered => {
                self.entries.remove(index);
                None
            }
            Outcome::Rejected(_) | Outcome::Unsendable => Some(self.entries.remove(index).event),
            Outcome::Retry { retry_after_ms } => {
                entry.attempts = entry.attempts.saturating_add(1);
                let wait = retry_after_ms.unwrap_or_else(|| backoff_ms(entry.attempts, jitter));
                entry.next_attempt_ms = now_ms + wait;
                None
            }
        }
    }

    /// When the next entry becomes due (for the retry timer), if any waits.
    pub fn next_due_ms(&self) -> Option<f64> {
        self.entries
            .iter()
            .map(|e| e.next_attempt_ms.max(e.lease_until_ms))
            .reduce(f64::min)
    }
}

/// Wait before retry number `attempts` (1, 2, ...): 1 s, 2 s, 4 s ... capped at 5 min, scaled
/// by a jitter factor between 0.5 and 1.
pub fn backoff_ms(attempts: u32, jitter: f64) -> f64 {
    let exponential = FIRST_RETRY_MS * 2f64.powi(attempts.saturating_sub(1).min(20) as i32);
    exponential.min(MAX_RETRY_MS) * (0.5 + jitter.clamp(0.0, 1.0) / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::event::EventContext;
    use crate::core::metric::Kind;

    const C: &str = "https://c.example/v1/events";

    const PAGE: &str = "this-page";
    const OTHER_PAGE: &str = "another-page";

    fn context() -> EventContext {
        EventContext {
            survey_id: "s".into(),
            kind: Kind::Nps,
            survey_version: "v".into(),
            visitor_id: Some("v1".into()),
            locale: "en".into(),
            page_url: "https://example.com/".into(),
            attributes: Vec::new(),
        }
    }

    fn shown(id: &str) -> Event {
        context().event(id.into(), EventKind::Shown, "t".into())
    }

    fn response(id: &str, comment: Option<&str>) -> Event {
        context()
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
        let one_broken =
            outbox
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
}
