//! Which of a survey's trigger conditions have happened. Every condition the trigger sets must
//! hold before the survey shows (in any order); the browser side reports what happened.

use crate::core::config::Trigger;
use crate::core::number::number_text;

/// A trigger condition that can happen on a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// `delay_seconds` passed since the survey became eligible (see [`Trigger::delay_seconds`]).
    Delay,
    /// The visitor scrolled to `scroll_percent`.
    Scroll,
    /// The visitor showed exit intent.
    ExitIntent,
    /// `SurveyWidget.track(name)` was called with the trigger's event name.
    Event,
}

/// The conditions of one armed trigger still waiting to happen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    waiting: Vec<Signal>,
}

impl Progress {
    /// Starts waiting for every condition `trigger` sets (a delay of 0 counts as passed).
    pub fn new(trigger: &Trigger) -> Progress {
        let wanted = [
            (Signal::Delay, trigger.delay_seconds > 0.0),
            (Signal::Scroll, trigger.scroll_percent > 0.0),
            (Signal::ExitIntent, trigger.exit_intent),
            (Signal::Event, trigger.event.is_some()),
        ];
        Progress {
            waiting: wanted
                .iter()
                .filter(|(_, on)| *on)
                .map(|(signal, _)| *signal)
                .collect(),
        }
    }

    /// Notes that `signal` happened; returns whether the trigger is now complete.
    pub fn happened(&mut self, signal: Signal) -> bool {
        self.waiting.retain(|s| *s != signal);
        self.is_complete()
    }

    /// Whether every condition has happened.
    pub fn is_complete(&self) -> bool {
        self.waiting.is_empty()
    }

    /// Whether `signal` is still awaited.
    pub fn awaits(&self, signal: Signal) -> bool {
        self.waiting.contains(&signal)
    }

    /// The conditions still awaited, in words (for the debug table).
    pub fn describe(&self, trigger: &Trigger) -> String {
        let parts: Vec<String> = self
            .waiting
            .iter()
            .map(|signal| match signal {
                Signal::Delay => format!("{} s delay", number_text(trigger.delay_seconds)),
                Signal::Scroll => format!("scroll to {}%", number_text(trigger.scroll_percent)),
                Signal::ExitIntent => "exit intent".into(),
                Signal::Event => {
                    format!("event \"{}\"", trigger.event.as_deref().unwrap_or_default())
                }
            })
            .collect();
        format!("waiting for {}", parts.join(" and "))
    }
}

/// How far down the page the visitor has seen, 0-100, from scroll offset and sizes in pixels.
/// A page that does not scroll counts as fully seen.
pub fn scroll_depth_percent(scroll_top: f64, viewport_height: f64, document_height: f64) -> f64 {
    if document_height <= viewport_height {
        return 100.0;
    }
    ((scroll_top + viewport_height) / document_height * 100.0).clamp(0.0, 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trigger(json: &str) -> Trigger {
        let config = format!(
            r#"{{"collector": "/c", "surveys": [{{"id": "s", "kind": "nps", "trigger": {json}}}]}}"#
        );
        let parsed = crate::core::config::parse_text(&config).unwrap();
        assert!(parsed.skipped.is_empty(), "{:?}", parsed.skipped);
        parsed.config.surveys[0].trigger.clone()
    }

    #[test]
    fn a_trigger_without_conditions_fires_at_once() {
        assert!(Progress::new(&trigger("{}")).is_complete());
        assert!(Progress::new(&trigger(r#"{"delay_seconds": 0}"#)).is_complete());
    }

    #[test]
    fn every_condition_must_happen_in_any_order() {
        let trigger = trigger(r#"{"delay_seconds": 5, "scroll_percent": 50, "event": "checkout"}"#);
        let mut progress = Progress::new(&trigger);
        assert_eq!(
            progress.describe(&trigger),
            "waiting for 5 s delay and scroll to 50% and event \"checkout\""
        );
        assert!(!progress.happened(Signal::Event));
        assert!(
            !progress.happened(Signal::ExitIntent),
            "not a condition of this trigger"
        );
        assert!(!progress.happened(Signal::Delay));
        assert!(progress.awaits(Signal::Scroll));
        assert!(progress.happened(Signal::Scroll));
    }

    #[test]
    fn scroll_depth_counts_the_bottom_of_the_viewport() {
        assert_eq!(scroll_depth_percent(0.0, 800.0, 4000.0), 20.0);
        assert_eq!(scroll_depth_percent(1200.0, 800.0, 4000.0), 50.0);
        assert_eq!(scroll_depth_percent(5000.0, 800.0, 4000.0), 100.0);
        assert_eq!(scroll_depth_percent(0.0, 800.0, 600.0), 100.0);
    }
}
