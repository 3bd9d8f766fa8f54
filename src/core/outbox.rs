//! The persistent outbox policy (SPEC 4 "Delivery"): every event waits here until the collector
//! accepted it. Retries back off exponentially with jitter; only a definitive 4xx (or a
//! collector URL the browser cannot use) drops an event; when full, the oldest `shown` events
//! go first and responses are never dropped.
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
                    .and_then(crate::core::number::parse_number)
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
mod tests;
