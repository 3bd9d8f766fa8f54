//! Leptos components of the pop-up: small and presentational. They get resolved texts and
//! report what the visitor did through callbacks; sending events is the caller's job.

use leptos::prelude::*;
use std::time::Duration;

pub mod card;
pub mod follow_up;
pub mod scale;
pub mod thank_you;

/// `true` now, or, when `staged`, from the next task on: what renders behind it comes in a task
/// of its own. A pop-up's first render compiles much wasm; in steps, a slow phone gets short
/// tasks instead of one long one (over 50 ms: a page that does not answer input).
pub fn ready_after_a_task(staged: bool) -> ReadSignal<bool> {
    let (ready, set_ready) = signal(!staged);
    if staged {
        // Unmounted before the timer fires: no signal left to set, nothing happens.
        set_timeout(
            move || {
                let _ = set_ready.try_set(true);
            },
            Duration::ZERO,
        );
    }
    ready
}
