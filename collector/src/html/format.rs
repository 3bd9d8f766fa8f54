//! How the report pages write numbers, dates, kinds and links.

use chrono::DateTime;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use survey_widget::core::metric::Kind;

pub(super) fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Nps => "Net Promoter Score",
        Kind::Ces => "Customer Effort Score",
        Kind::Csat => "Customer Satisfaction",
    }
}

pub(super) fn score_hint(kind: Kind) -> &'static str {
    match kind {
        Kind::Nps => "% promoters − % detractors, −100 to 100",
        Kind::Ces => "mean score, 1 to 7",
        Kind::Csat => "% satisfied (4 or 5)",
    }
}

pub(super) fn score_text(kind: Kind, score: Option<f64>) -> String {
    match (kind, score) {
        (_, None) => "–".into(),
        (Kind::Nps, Some(s)) => format!("{}", s.round() + 0.0), // `+ 0.0` turns -0 into 0
        (Kind::Ces, Some(s)) => format!("{s:.2}"),
        (Kind::Csat, Some(s)) => format!("{s:.0}%"),
    }
}

/// A share as a whole percentage (`–` when there is none).
pub fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "–".into(), |s| format!("{:.0}%", s * 100.0))
}

/// A date-time as `2026-11-23 10:00 UTC` (the raw text when it does not parse).
pub(super) fn when(at: &str) -> String {
    DateTime::parse_from_rfc3339(at)
        .map(|t| t.naive_utc().format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|_| at.to_owned())
}

/// The link to a survey's report page.
pub(super) fn report_href(survey_id: &str) -> String {
    format!("/report/{}", encoded(survey_id))
}

/// `survey_id` percent-encoded for a path segment.
pub fn encoded(survey_id: &str) -> String {
    utf8_percent_encode(survey_id, NON_ALPHANUMERIC).to_string()
}
