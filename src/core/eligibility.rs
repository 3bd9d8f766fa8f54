//! Whether a survey may be shown to this visitor now, and if not, why: one answer per survey,
//! so "why didn't my survey show?" is a one-line lookup (`?survey_debug=1` logs the table).

use crate::core::config::{Survey, Trigger};
use crate::core::criteria::{Context, Mismatch};
use crate::core::dates::{format_date, format_moment};
use crate::core::glob::glob_match;
use crate::core::throttle::{sampled_in, Throttled, VisitorState};
use std::fmt;

/// Why a survey is not shown, in words a site owner understands.
#[derive(Clone, Debug, PartialEq)]
pub enum Skip {
    /// `enabled` is false.
    Disabled,
    /// Before the survey's `starts_at`.
    NotStarted {
        /// `starts_at`, ms since the epoch.
        starts_at: f64,
    },
    /// At or after the survey's `ends_at`.
    Ended {
        /// `ends_at`, ms since the epoch.
        ends_at: f64,
    },
    /// The visitor has no identity cookie and the survey is not `anonymous`.
    NoIdentity {
        /// The cookie the config names.
        cookie: String,
    },
    /// The page's path is not in `trigger.pages`.
    PageNotTargeted {
        /// The current path.
        path: String,
    },
    /// The page's path matches `trigger.exclude_pages`.
    PageExcluded {
        /// The current path.
        path: String,
        /// The matching glob.
        glob: String,
    },
    /// The segment criteria did not hold.
    Criteria(Mismatch),
    /// The visitor falls outside `sample_percent`.
    SampledOut {
        /// The survey's sample percentage.
        percent: f64,
    },
    /// Held back by the throttle (answered, dismissed, shown too often).
    Throttled(Throttled),
    /// Another survey was already shown in this page view.
    OnePerPageView,
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Skip::Disabled => f.write_str("the survey is disabled (\"enabled\": false)"),
            Skip::NotStarted { starts_at } => {
                write!(f, "the survey starts at {} (starts_at)", format_moment(*starts_at))
            }
            Skip::Ended { ends_at } => write!(f, "the survey ended at {} (ends_at)", format_moment(*ends_at)),
            Skip::NoIdentity { cookie } => write!(
                f,
                "the visitor has no \"{cookie}\" cookie and the survey does not allow anonymous visitors"
            ),
            Skip::PageNotTargeted { path } => write!(f, "the page {path} is not in trigger.pages"),
            Skip::PageExcluded { path, glob } => write!(f, "the page {path} matches trigger.exclude_pages \"{glob}\""),
            Skip::Criteria(mismatch) => write!(f, "the visitor is not in the segment: segment.{mismatch}"),
            Skip::SampledOut { percent } => {
                write!(f, "the visitor is outside the {}% sample", crate::core::number::number_text(*percent))
            }
            Skip::Throttled(Throttled::RecontactUntil(until)) => {
                write!(f, "the visitor answered recently; asked again from {}", format_date(*until))
            }
            Skip::Throttled(Throttled::DismissedUntil(until)) => {
                write!(f, "the visitor dismissed it recently; shown again from {}", format_date(*until))
            }
            Skip::Throttled(Throttled::MaxShows(n)) => {
                write!(f, "already shown {n} times without an answer (max_shows)")
            }
            Skip::Throttled(Throttled::Quiet { until, after }) => write!(
                f,
                "the visitor answered or dismissed survey \"{after}\" recently; no other survey before {} (quiet_days)",
                format_moment(*until)
            ),
            Skip::OnePerPageView => f.write_str("another survey was already shown in this page view"),
        }
    }
}

/// Everything the decision depends on, gathered by the caller (no browser access here).
#[derive(Clone, Copy, Debug)]
pub struct Facts<'a> {
    /// The identity cookie's value, if the visitor has one.
    pub visitor_id: Option<&'a str>,
    /// The id sampling hashes: the visitor id, or a stored random id for anonymous visitors.
    pub sampling_id: &'a str,
    /// The config's identity cookie name (for the explanation).
    pub identity_cookie: &'a str,
    /// The current page's path.
    pub path: &'a str,
    /// Attributes for segment criteria.
    pub context: &'a Context,
    /// Stored throttle state.
    pub state: &'a VisitorState,
    /// The config's `quiet_days`.
    pub quiet_days: f64,
    /// Whether a survey was already shown in this page view.
    pub shown_this_page_view: bool,
}

/// Decides whether `survey` may be shown. Checks run from the cheapest and most basic
/// (enabled, identity, page) to the throttles, and the first failure is the reason.
pub fn check(survey: &Survey, facts: &Facts) -> Result<(), Skip> {
    if !survey.enabled {
        return Err(Skip::Disabled);
    }
    let now = facts.context.now_ms;
    if let Some(starts_at) = survey.starts_at.filter(|starts_at| now < *starts_at) {
        return Err(Skip::NotStarted { starts_at });
    }
    if let Some(ends_at) = survey.ends_at.filter(|ends_at| now >= *ends_at) {
        return Err(Skip::Ended { ends_at });
    }
    if facts.visitor_id.is_none() && !survey.anonymous {
        return Err(Skip::NoIdentity {
            cookie: facts.identity_cookie.to_string(),
        });
    }
    page_allowed(&survey.trigger, facts.path)?;
    if let Some(segment) = &survey.segment {
        segment.evaluate(facts.context).map_err(Skip::Criteria)?;
    }
    if !sampled_in(facts.sampling_id, &survey.id, survey.sample_percent) {
        return Err(Skip::SampledOut {
            percent: survey.sample_percent,
        });
    }
    facts
        .state
        .check(survey, facts.quiet_days, now)
        .map_err(Skip::Throttled)?;
    if facts.shown_this_page_view {
        return Err(Skip::OnePerPageView);
    }
    Ok(())
}

/// Until when no survey can show to this browser whatever the page, the trigger, the identity
/// or the visitor's attributes (ms since the epoch, `f64::INFINITY` for "not with this config"),
/// or `None` when some survey might. The loader reads this to skip loading the widget.
/// Sampling is not a reason to be quiet: it hashes the visitor id, which a sign-in changes.
pub fn quiet_until(verdicts: &[Result<(), Skip>]) -> Option<f64> {
    verdicts
        .iter()
        .try_fold(f64::INFINITY, |until, verdict| match verdict {
            Err(Skip::Disabled | Skip::Ended { .. } | Skip::Throttled(Throttled::MaxShows(_))) => {
                Some(until)
            }
            Err(
                Skip::NotStarted { starts_at: t }
                | Skip::Throttled(
                    Throttled::RecontactUntil(t)
                    | Throttled::DismissedUntil(t)
                    | Throttled::Quiet { until: t, .. },
                ),
            ) => Some(until.min(*t)),
            _ => None,
        })
}

/// Whether `trigger.pages` / `trigger.exclude_pages` allow the page at `path`.
pub fn page_allowed(trigger: &Trigger, path: &str) -> Result<(), Skip> {
    if let Some(glob) = trigger
        .exclude_pages
        .iter()
        .find(|glob| glob_match(glob, path))
    {
        return Err(Skip::PageExcluded {
            path: path.to_string(),
            glob: glob.clone(),
        });
    }
    if !trigger.pages.is_empty() && !trigger.pages.iter().any(|glob| glob_match(glob, path)) {
        return Err(Skip::PageNotTargeted {
            path: path.to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::dates::parse_date_ms;
    use crate::core::fixtures::survey;

    struct World {
        context: Context,
        state: VisitorState,
        visitor_id: Option<&'static str>,
        path: &'static str,
        shown: bool,
    }

    impl World {
        fn new() -> World {
            let mut context = Context {
                now_ms: parse_date_ms("2026-11-23").unwrap(),
                ..Context::default()
            };
            context.set("plan", "pro");
            World {
                context,
                state: VisitorState::default(),
                visitor_id: Some("abc"),
                path: "/app/home",
                shown: false,
            }
        }

        fn check(&self, survey: &Survey) -> Result<(), Skip> {
            let facts = Facts {
                visitor_id: self.visitor_id,
                sampling_id: self.visitor_id.unwrap_or("anon-1"),
                identity_cookie: "vid",
                path: self.path,
                context: &self.context,
                state: &self.state,
                quiet_days: 14.0,
                shown_this_page_view: self.shown,
            };
            check(survey, &facts)
        }
    }

    #[test]
    fn a_known_visitor_on_a_targeted_page_sees_an_enabled_survey() {
        let world = World::new();
        assert_eq!(world.check(&survey("")), Ok(()));
        assert_eq!(
            world.check(&survey(r#", "enabled": false"#)),
            Err(Skip::Disabled)
        );
    }

    #[test]
    fn a_visitor_without_the_cookie_sees_only_anonymous_surveys() {
        let world = World {
            visitor_id: None,
            ..World::new()
        };
        let skip = world.check(&survey("")).unwrap_err();
        assert_eq!(
            skip.to_string(),
            "the visitor has no \"vid\" cookie and the survey does not allow anonymous visitors"
        );
        assert_eq!(world.check(&survey(r#", "anonymous": true"#)), Ok(()));
    }

    #[test]
    fn pages_and_exclusions_are_globs_on_the_path() {
        let world = World::new();
        let targeted =
            survey(r#", "trigger": {"pages": ["/app/*"], "exclude_pages": ["/app/billing*"]}"#);
        assert_eq!(world.check(&targeted), Ok(()));
        let elsewhere = World {
            path: "/blog/post",
            ..World::new()
        };
        assert_eq!(
            elsewhere.check(&targeted).unwrap_err().to_string(),
            "the page /blog/post is not in trigger.pages"
        );
        let billing = World {
            path: "/app/billing/invoices",
            ..World::new()
        };
        assert_eq!(
            billing.check(&targeted).unwrap_err().to_string(),
            "the page /app/billing/invoices matches trigger.exclude_pages \"/app/billing*\""
        );
    }

    #[test]
    fn the_debug_reason_names_the_failed_criterion() {
        let world = World::new();
        let segmented = survey(
            r#", "segment": {"all": [{"attr": "plan", "op": "in", "value": ["enterprise"]}]}"#,
        );
        assert_eq!(
            world.check(&segmented).unwrap_err().to_string(),
            r#"the visitor is not in the segment: segment.all[0]: plan in ["enterprise"] is false: plan is "pro""#
        );
    }

    #[test]
    fn sampling_throttles_and_one_per_page_view_explain_themselves() {
        let mut world = World::new();
        assert_eq!(
            world
                .check(&survey(r#", "sample_percent": 0"#))
                .unwrap_err()
                .to_string(),
            "the visitor is outside the 0% sample"
        );
        world.state.record_response("s", world.context.now_ms);
        assert_eq!(
            world.check(&survey("")).unwrap_err().to_string(),
            "the visitor answered recently; asked again from 2027-02-21"
        );
        let mut world = World::new();
        world.state.record_dismissed("s", world.context.now_ms);
        assert_eq!(
            world.check(&survey("")).unwrap_err().to_string(),
            "the visitor dismissed it recently; shown again from 2026-11-30"
        );
        let mut world = World::new();
        (0..3).for_each(|_| world.state.record_shown("s"));
        assert_eq!(
            world.check(&survey("")).unwrap_err().to_string(),
            "already shown 3 times without an answer (max_shows)"
        );
        let world = World {
            shown: true,
            ..World::new()
        };
        assert_eq!(world.check(&survey("")), Err(Skip::OnePerPageView));
    }

    #[test]
    fn outside_its_schedule_a_survey_waits_or_is_over_and_debug_says_when() {
        let world = World::new(); // 2026-11-23T00:00Z
        let upcoming = survey(r#", "starts_at": "2026-11-23T09:30:00Z""#);
        assert_eq!(
            world.check(&upcoming).unwrap_err().to_string(),
            "the survey starts at 2026-11-23 09:30 UTC (starts_at)"
        );
        let over = survey(r#", "starts_at": "2026-11-01", "ends_at": "2026-11-23T00:00:00Z""#);
        assert_eq!(
            world.check(&over).unwrap_err().to_string(),
            "the survey ended at 2026-11-23 00:00 UTC (ends_at)"
        );
        let running = survey(r#", "starts_at": "2026-11-22T23:59:59Z", "ends_at": "2026-11-24""#);
        assert_eq!(world.check(&running), Ok(()));
        let verdicts = [world.check(&upcoming), world.check(&over)];
        assert_eq!(
            quiet_until(&verdicts),
            parse_date_ms("2026-11-23T09:30:00Z"),
            "the loader may wake the widget once the upcoming survey starts"
        );
    }

    #[test]
    fn after_another_survey_was_answered_debug_names_it_and_the_quiet_period() {
        let mut world = World::new();
        world
            .state
            .record_response("nps-main", world.context.now_ms);
        let skip = world.check(&survey("")).unwrap_err();
        assert_eq!(
            skip.to_string(),
            "the visitor answered or dismissed survey \"nps-main\" recently; no other survey before 2026-12-07 00:00 UTC (quiet_days)"
        );
        assert_eq!(
            quiet_until(&[Err(skip)]),
            parse_date_ms("2026-12-07"),
            "quiet until the period ends"
        );
    }

    #[test]
    fn a_visitor_is_quiet_only_while_every_survey_is_held_back_for_good_or_for_a_time() {
        let recontact = Err(Skip::Throttled(Throttled::RecontactUntil(500.0)));
        let dismissed = Err(Skip::Throttled(Throttled::DismissedUntil(300.0)));
        let forever = Err(Skip::Throttled(Throttled::MaxShows(3)));
        let sampled_out = Err(Skip::SampledOut { percent: 10.0 });
        assert_eq!(
            quiet_until(&[sampled_out]),
            None,
            "a sign-in changes the sampled id"
        );
        assert_eq!(
            quiet_until(&[recontact.clone(), dismissed.clone(), forever.clone()]),
            Some(300.0)
        );
        assert_eq!(
            quiet_until(&[forever.clone(), Err(Skip::Disabled)]),
            Some(f64::INFINITY)
        );
        assert_eq!(quiet_until(&[recontact.clone(), Ok(())]), None);
        let criteria = Err(Skip::Criteria(crate::core::criteria::Mismatch {
            path: "all[0]".into(),
            detail: "x".into(),
        }));
        assert_eq!(
            quiet_until(&[recontact, criteria]),
            None,
            "attributes may change on this page"
        );
        assert_eq!(quiet_until(&[Err(Skip::OnePerPageView)]), None);
    }
}
