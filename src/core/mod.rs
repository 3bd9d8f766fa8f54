//! Pure logic with no browser types: everything here is tested natively with `cargo test`.

pub mod config;
pub mod cookie;
pub mod criteria;
pub mod dates;
pub mod eligibility;
pub mod encoding;
pub mod event;
#[cfg(test)]
mod fixtures;
pub mod glob;
pub mod hash;
pub mod i18n;
pub mod json;
pub mod json_path;
pub mod keys;
pub mod map;
pub mod metric;
pub mod number;
pub mod outbox;
pub mod suggest;
pub mod throttle;
pub mod trigger;
