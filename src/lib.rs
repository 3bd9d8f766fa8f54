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
