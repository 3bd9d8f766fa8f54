//! What the widget remembers about a visitor between page loads (SPEC 4 "Throttle"), and the
//! throttle policy over it. Stored as JSON in localStorage by `browser::storage`; anything
//! unreadable there is treated as a fresh visitor rather than an error.

use crate::core::config::Survey;
use crate::core::dates::MS_PER_DAY;
use crate::core::json::Json;
use crate::core::map::Map;

/// The stored state of one visitor in this browser.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VisitorState {
    /// First page view with the widget, ms since the epoch.
    pub first_seen_ms: Option<f64>,
    /// Page views with the widget (SPA navigations count).
    pub pageviews: u64,
    /// A random id for visitors without the identity cookie (stable sampling of anonymous
    /// surveys).
    pub anonymous_id: Option<String>,
    /// Per-survey history, by survey id.
    pub surveys: Map<String, SurveyHistory>,
}

/// What happened with one survey for this visitor.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SurveyHistory {
    /// Shows not followed by a response.
    pub unanswered_shows: u32,
    /// Last response (score chosen), ms since the epoch.
    pub responded_ms: Option<f64>,
    /// Last dismissal, ms since the epoch.
    pub dismissed_ms: Option<f64>,
}

/// A stored count (see [`Json::as_u32`]); anything else is 0.
fn count(json: Option<&Json>) -> u32 {
    json.and_then(Json::as_u32).unwrap_or(0)
}

/// Why the throttle holds a survey back.
#[derive(Clone, Debug, PartialEq)]
pub enum Throttled {
    /// Answered recently: not again before this time (ms since the epoch).
    RecontactUntil(f64),
    /// Dismissed recently: not again before this time.
    DismissedUntil(f64),
    /// Shown `max_shows` times without an answer.
    MaxShows(u32),
    /// Another survey was answered or dismissed less than `quiet_days` ago.
    Quiet {
        /// No survey before this time (ms since the epoch).
        until: f64,
        /// The survey answered or dismissed last.
        after: String,
    },
}

impl VisitorState {
    /// Reads the stored state (localStorage can hold anything: another script's data, an older
    /// format, a truncated write); a field that is not what the widget writes reads as unset.
    pub fn from_json(json: &Json) -> VisitorState {
        let surveys = json
            .get("surveys")
            .and_then(Json::as_object)
            .unwrap_or_default();
        VisitorState {
            first_seen_ms: json.get("first_seen_ms").and_then(Json::as_f64),
            pageviews: u64::from(count(json.get("pageviews"))),
            anonymous_id: json
                .get("anonymous_id")
                .and_then(Json::as_str)
                .map(str::to_string),
            surveys: surveys
                .iter()
                .map(|(id, history)| {
                    let time = |key: &str| history.get(key).and_then(Json::as_f64);
                    let history = SurveyHistory {
                        unanswered_shows: count(history.get("unanswered_shows")),
                        responded_ms: time("responded_ms"),
                        dismissed_ms: time("dismissed_ms"),
                    };
                    (id.clone(), history)
                })
                .collect(),
        }
    }

    /// What [`VisitorState::from_json`] reads back.
    pub fn to_json(&self) -> Json {
        let surveys = self.surveys.iter().map(|(id, history)| {
            let fields = Json::object([
                ("unanswered_shows", Json::from(history.unanswered_shows)),
                ("responded_ms", Json::from(history.responded_ms)),
                ("dismissed_ms", Json::from(history.dismissed_ms)),
            ]);
            (id.clone(), fields)
        });
        Json::object([
            ("first_seen_ms", Json::from(self.first_seen_ms)),
            ("pageviews", Json::Number(self.pageviews as f64)),
            ("anonymous_id", Json::from(self.anonymous_id.clone())),
            ("surveys", Json::Object(surveys.collect())),
        ])
    }

    /// Counts a page view at `now_ms` (also sets the first-seen time).
    pub fn count_pageview(&mut self, now_ms: f64) {
        self.first_seen_ms.get_or_insert(now_ms);
        self.pageviews = self.pageviews.saturating_add(1);
    }

    /// Whole days since the first page view.
    pub fn days_since_first(&self, now_ms: f64) -> f64 {
        self.first_seen_ms.map_or(0.0, |first| {
            ((now_ms - first) / MS_PER_DAY).floor().max(0.0)
        })
    }

    /// Applies `survey`'s `recontact_days`, `dismiss_days` and `max_shows`, then the site's
    /// `quiet_days` after any other survey was answered or dismissed, at `now_ms`.
    pub fn check(&self, survey: &Survey, quiet_days: f64, now_ms: f64) -> Result<(), Throttled> {
        self.check_own(survey, now_ms)?;
        let last_other = self
            .surveys
            .iter()
            .filter(|(id, _)| **id != survey.id)
            .filter_map(|(id, history)| {
                let last = history.responded_ms.into_iter().chain(history.dismissed_ms);
                last.reduce(f64::max).map(|at| (at, id))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0));
        match last_other {
            Some((at, id)) if now_ms < at + quiet_days * MS_PER_DAY => Err(Throttled::Quiet {
                until: at + quiet_days * MS_PER_DAY,
                after: id.clone(),
            }),
            _ => Ok(()),
        }
    }

    fn check_own(&self, survey: &Survey, now_ms: f64) -> Result<(), Throttled> {
        let Some(history) = self.surveys.get(&survey.id) else {
            return Ok(());
        };
        if let Some(responded) = history.responded_ms {
            let until = responded + survey.recontact_days * MS_PER_DAY;
            if now_ms < until {
                return Err(Throttled::RecontactUntil(until));
            }
        }
        if let Some(dismissed) = history.dismissed_ms {
            let until = dismissed + survey.dismiss_days * MS_PER_DAY;
            if now_ms < until {
                return Err(Throttled::DismissedUntil(until));
            }
        }
        if survey.max_shows > 0 && history.unanswered_shows >= survey.max_shows {
            return Err(Throttled::MaxShows(survey.max_shows));
        }
        Ok(())
    }

    /// Records that `survey_id` was shown.
    pub fn record_shown(&mut self, survey_id: &str) {
        let history = self.surveys.get_or_default(survey_id.to_string());
        history.unanswered_shows = history.unanswered_shows.saturating_add(1);
    }

    /// Records a response (a score) to `survey_id` at `now_ms`.
    pub fn record_response(&mut self, survey_id: &str, now_ms: f64) {
        let history = self.surveys.get_or_default(survey_id.to_string());
        history.responded_ms = Some(now_ms);
        history.unanswered_shows = 0;
    }

    /// Records a dismissal of `survey_id` at `now_ms`.
    pub fn record_dismissed(&mut self, survey_id: &str, now_ms: f64) {
        self.surveys
            .get_or_default(survey_id.to_string())
            .dismissed_ms = Some(now_ms);
    }

    /// Forgets every survey's history (`SurveyWidget.reset()`); page views and ids stay.
    pub fn forget_surveys(&mut self) {
        self.surveys.clear();
    }
}

/// Whether a visitor falls inside a survey's `sample_percent`: a stable hash of visitor id and
/// survey id, so the same visitor always gets the same answer for the same survey.
pub fn sampled_in(visitor_id: &str, survey_id: &str, percent: f64) -> bool {
    if percent >= 100.0 {
        return true;
    }
    let key = format!("{visitor_id}\u{1f}{survey_id}");
    // FNV-1a, then a murmur-style finalizer so nearby ids spread evenly.
    let mut hash = crate::core::hash::fnv1a64(key.as_bytes());
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    let bucket = (hash % 10_000) as f64; // 0.00% .. 99.99%
    bucket < percent * 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::fixtures::survey;
    use proptest::prelude::*;

    const DAY: f64 = MS_PER_DAY;
    const T0: f64 = 1_800_000_000_000.0;
    const QUIET_DAYS: f64 = 14.0;

    #[test]
    fn an_answer_holds_the_survey_back_for_recontact_days() {
        let survey = survey(r#", "recontact_days": 90"#);
        let mut state = VisitorState::default();
        state.record_shown("s");
        state.record_response("s", T0);
        assert_eq!(
            state.check(&survey, QUIET_DAYS, T0 + 89.0 * DAY),
            Err(Throttled::RecontactUntil(T0 + 90.0 * DAY))
        );
        assert_eq!(state.check(&survey, QUIET_DAYS, T0 + 90.0 * DAY), Ok(()));
    }

    #[test]
    fn a_dismissal_holds_it_back_for_dismiss_days() {
        let survey = survey(r#", "dismiss_days": 7"#);
        let mut state = VisitorState::default();
        state.record_dismissed("s", T0);
        assert_eq!(
            state.check(&survey, QUIET_DAYS, T0 + 6.5 * DAY),
            Err(Throttled::DismissedUntil(T0 + 7.0 * DAY))
        );
        assert_eq!(state.check(&survey, QUIET_DAYS, T0 + 7.0 * DAY), Ok(()));
    }

    #[test]
    fn max_shows_unanswered_stops_it_and_an_answer_resets_the_count() {
        let survey = survey(r#", "max_shows": 2, "recontact_days": 0"#);
        let mut state = VisitorState::default();
        state.record_shown("s");
        assert_eq!(state.check(&survey, QUIET_DAYS, T0), Ok(()));
        state.record_shown("s");
        assert_eq!(
            state.check(&survey, QUIET_DAYS, T0),
            Err(Throttled::MaxShows(2))
        );
        state.record_response("s", T0);
        assert_eq!(state.check(&survey, QUIET_DAYS, T0 + 1.0), Ok(()));
        let unlimited = self::survey(r#", "max_shows": 0"#);
        assert_eq!(
            state.check(&unlimited, QUIET_DAYS, T0 + 100.0 * DAY),
            Ok(())
        );
    }

    #[test]
    fn an_answer_or_dismissal_of_any_survey_quiets_the_others_for_quiet_days() {
        let other = survey("");
        let mut state = VisitorState::default();
        state.record_response("answered", T0);
        state.record_dismissed("dismissed", T0 + DAY);
        assert_eq!(
            state.check(&other, QUIET_DAYS, T0 + 3.0 * DAY),
            Err(Throttled::Quiet {
                until: T0 + 15.0 * DAY,
                after: "dismissed".into()
            }),
            "the latest answer or dismissal counts"
        );
        assert_eq!(state.check(&other, QUIET_DAYS, T0 + 15.0 * DAY), Ok(()));
        assert_eq!(state.check(&other, 0.0, T0 + DAY), Ok(()), "quiet_days: 0");
        let mut shown = VisitorState::default();
        shown.record_shown("shown-only");
        assert_eq!(
            shown.check(&other, QUIET_DAYS, T0),
            Ok(()),
            "a show alone is not an answer"
        );
    }

    #[test]
    fn a_surveys_own_history_never_quiets_itself_and_reset_forgets_all() {
        let survey = survey(r#", "recontact_days": 1"#);
        let mut state = VisitorState::default();
        state.record_response("s", T0);
        assert_eq!(state.check(&survey, QUIET_DAYS, T0 + 2.0 * DAY), Ok(()));
        state.record_dismissed("another", T0);
        state.count_pageview(T0);
        state.forget_surveys();
        assert_eq!(state.check(&survey, QUIET_DAYS, T0), Ok(()));
        assert_eq!(state.pageviews, 1);
    }

    #[test]
    fn stored_state_round_trips_and_garbage_is_a_fresh_start() {
        let mut state = VisitorState::default();
        state.count_pageview(T0);
        state.count_pageview(T0 + 3.5 * DAY);
        state.record_response("s", T0);
        let json = crate::core::json::parse(&state.to_json().to_text());
        assert_eq!(VisitorState::from_json(&json), state);
        assert_eq!(state.pageviews, 2);
        assert_eq!(state.days_since_first(T0 + 3.5 * DAY), 3.0);
        for garbage in [
            "null",
            "{\"pageviews\": \"many\"}",
            "[1,2]",
            "{\"pageviews\": -3}",
        ] {
            assert_eq!(
                VisitorState::from_json(&crate::core::json::parse(garbage)),
                VisitorState::default(),
                "{garbage}"
            );
        }
        let other_scripts_data =
            crate::core::json::parse(r#"{"surveys": {"s": 5}, "pageviews": 2}"#);
        let read = VisitorState::from_json(&other_scripts_data);
        assert_eq!((read.pageviews, read.surveys["s"].unanswered_shows), (2, 0));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn sampling_is_close_to_the_requested_share(percent in 1u32..100) {
            let n = 20_000;
            let inside = (0..n).filter(|i| sampled_in(&format!("visitor-{i}"), "nps-main", f64::from(percent))).count();
            let share = inside as f64 / n as f64 * 100.0;
            prop_assert!((share - f64::from(percent)).abs() < 1.5, "asked {}%, got {:.2}%", percent, share);
        }
    }

    /// Buckets worked out apart from this code (FNV-1a 64 of "visitor\u{1f}survey", then the
    /// finalizer, modulo 10,000, in JavaScript BigInt): a change of hash moves visitors between
    /// samples, and this notices.
    #[test]
    fn fixed_visitors_fall_in_their_known_buckets() {
        for (visitor, bucket) in [
            ("alice", 4211),
            ("bob", 7124),
            ("carol", 9013),
            ("dave", 2712),
        ] {
            let percent = f64::from(bucket) / 100.0;
            assert!(
                !sampled_in(visitor, "sampled", percent),
                "{visitor} at {percent}%"
            );
            assert!(
                sampled_in(visitor, "sampled", percent + 0.01),
                "{visitor} at {percent}%+"
            );
        }
        assert!(sampled_in("v-1", "nps", 7.04) && !sampled_in("v-1", "sampled", 86.81));
    }

    #[test]
    fn sampling_extremes() {
        assert!((0..1000).all(|i| sampled_in(&i.to_string(), "s", 100.0)));
        assert!((0..1000).all(|i| !sampled_in(&i.to_string(), "s", 0.0)));
    }
}
