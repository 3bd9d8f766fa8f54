//! survey-widget: an NPS / CES / CSAT survey pop-up for websites.
//!
//! - [`core`]: pure logic (config, metrics, eligibility, i18n, events), no browser types; the
//!   collector uses it too.
//! - `browser`: thin glue to cookies, the page, the network and the shadow DOM.
//! - `ui`: small presentational Leptos components.
//! - [`SurveyWidget`]: the public component, one survey wired to the collector.
//! - `embed` (feature `script-tag`): the functions the loader script (`survey-widget.js`) calls
//!   and the wasm start hook. Only the script-tag build has it: an app that embeds the component
//!   keeps its own `main` as the start function.
//!
//! # How a survey reaches a visitor, and whose each step is
//!
//! ```text
//! script tag ── loader/survey-widget.js: window.SurveyWidget, the config's text, a cheap
//!    │          pre-filter (identity cookie, pages, schedule, the stored "quiet until");
//!    │          fetches the wasm and the visitor's language file (app/locales/) together
//!    ▼
//! config ────── core::config::parse (strict keys, JSON paths, appearance merged per survey),
//!    │          from embed::boot::start
//!    ▼
//! eligibility ─ core::eligibility::check over facts that browser::{visitor, storage, page}
//!    │          gather (core::criteria for segments, core::throttle for quiet_days and the
//!    │          per-survey throttles); one reason per survey for ?survey_debug=1
//!    ▼
//! trigger ───── core::trigger::Progress, fed by browser::triggers (scroll, exit intent),
//!    │          timers and track(); embed::runtime arms surveys, highest priority first
//!    ▼
//! pop-up ────── browser::shadow (its own shadow root, position and accent), widget::SurveyPopup
//!    │          wiring ui::card (scale, follow-up, thank-you) in core::i18n's texts;
//!    │          browser::viewport keeps the phone sheet above the keyboard
//!    ▼
//! event ─────── core::event (the wire format), recorded in core::throttle's history
//!    ▼
//! outbox ────── core::outbox (retries, backoff, one sender across tabs) kept by
//!    │          browser::outbox in localStorage (under core::keys, which the loader reads too)
//!    ▼
//! collector ─── browser::transport: POST text/plain with keepalive, sendBeacon on page hide
//! ```

pub mod core;

#[cfg(feature = "web")]
pub mod browser;
#[cfg(feature = "script-tag")]
pub mod embed;
#[cfg(feature = "web")]
pub mod ui;
#[cfg(feature = "web")]
mod widget;

pub use crate::core::config::{Config, Survey};
#[cfg(feature = "web")]
pub use widget::parse_config;
#[cfg(feature = "web")]
pub use widget::SurveyWidget;
