//! Leptos components of the pop-up: small and presentational. They get resolved texts and
//! report what the visitor did through callbacks; sending events is the caller's job.

pub mod card;
pub mod follow_up;
pub mod scale;
pub mod thank_you;
