//! The localStorage keys the widget writes and the loader (`loader/survey-widget.js`) reads:
//! checked against the loader by the shared vectors in `tests/loader-vectors.json`.

/// The outbox of events waiting for delivery ([`crate::core::outbox`]).
pub const OUTBOX: &str = "survey-widget:outbox";
/// Until when every survey holds back, for the config with a given fingerprint.
pub const QUIET: &str = "survey-widget:quiet";
/// The visitor's throttle history ([`crate::core::throttle`]).
pub const VISITOR: &str = "survey-widget:v1";
