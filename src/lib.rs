//! survey-widget: an NPS / CES / CSAT survey pop-up for websites.
//!
//! - [`core`]: pure logic (config, metrics, eligibility, i18n, events), no browser types; the
//!   collector uses it too.
//! - `browser`: thin glue to cookies, the page, the network and the shadow DOM.
//! - `ui`: small presentational Leptos components.
//! - [`SurveyWidget`]: the public component, one survey wired to the collector.
//! - `embed`: the functions the loader script (`survey-widget.js`) calls.

pub mod core;

#[cfg(feature = "web")]
pub mod browser;
#[cfg(feature = "web")]
pub mod embed;
#[cfg(feature = "web")]
pub mod ui;
#[cfg(feature = "web")]
mod widget;

pub use crate::core::config::{Config, Survey};
#[cfg(feature = "web")]
pub use embed::boot::parse_config;
#[cfg(feature = "web")]
pub use widget::SurveyWidget;
