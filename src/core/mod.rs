//! Pure logic with no browser types: everything here is tested natively with `cargo test`.

pub mod config;
pub mod criteria;
pub mod eligibility;
pub mod event;
pub mod i18n;
pub mod metric;
pub mod outbox;
pub mod throttle;
pub mod trigger;
