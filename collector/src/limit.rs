//! The per-client rate limit of `POST /v1/events` (a GCRA through the `governor` crate).

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

/// Clients remembered before the idle ones are forgotten.
const MAX_TRACKED_CLIENTS: usize = 10_000;

/// A limit of requests per minute per client address; `per_minute(0)` is no limit.
#[derive(Clone, Debug)]
pub struct EventLimit(Option<Arc<DefaultKeyedRateLimiter<IpAddr>>>);

impl EventLimit {
    /// At most `n` requests a minute per client, in bursts of up to `n`.
    pub fn per_minute(n: u32) -> EventLimit {
        EventLimit(NonZeroU32::new(n).map(|n| Arc::new(RateLimiter::keyed(Quota::per_minute(n)))))
    }

    /// `None` when `client` may go ahead (and counts the request), else how long it must wait.
    pub fn wait(&self, client: IpAddr) -> Option<Duration> {
        let limiter = self.0.as_ref()?;
        if limiter.len() > MAX_TRACKED_CLIENTS {
            limiter.retain_recent();
        }
        let refused = limiter.check_key(&client).err()?;
        Some(refused.wait_time_from(DefaultClock::default().now()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_over_its_limit_waits_and_others_do_not() {
        let limit = EventLimit::per_minute(3);
        let (a, b) = (IpAddr::from([10, 0, 0, 1]), IpAddr::from([10, 0, 0, 2]));
        assert!((0..3).all(|_| limit.wait(a).is_none()));
        let wait = limit
            .wait(a)
            .expect("the 4th request within a minute waits");
        assert!(
            wait > Duration::from_secs(1) && wait <= Duration::from_secs(20),
            "{wait:?}"
        );
        assert!(limit.wait(b).is_none());
        assert!((0..100).all(|_| EventLimit::per_minute(0).wait(a).is_none()));
    }
}
