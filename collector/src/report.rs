//! A survey's report (`GET /v1/surveys/{id}/report`), computed with the core's [`Summary`].

use crate::filter::Filter;
use crate::store::{CommentRow, GroupedScoreCount, Store, SurveyCounts};
use serde::{Serialize, Serializer};
use survey_widget::core::metric::{Category, Kind, Summary};

/// Everything a report shows. Serializes to the public JSON shape.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The survey's id.
    pub survey_id: String,
    /// The kind of its latest response; every figure below counts only events of this kind.
    pub kind: Kind,
    /// Number of responses.
    pub responses: u64,
    /// Number of impressions.
    pub shown: u64,
    /// Number of dismissals.
    pub dismissed: u64,
    /// `responses / shown`, `None` when nothing was shown.
    pub response_rate: Option<f64>,
    /// NPS (-100..100), CES mean (1..7) or CSAT % satisfied; `None` with no responses.
    pub score: Option<f64>,
    /// Responses per category, every category of the kind, worst first.
    #[serde(serialize_with = "as_map")]
    pub categories: Vec<(Category, u64)>,
    /// Share of the responses per category (0..1), in the same order; `null`s with no responses.
    #[serde(serialize_with = "as_map")]
    pub category_shares: Vec<(Category, Option<f64>)>,
    /// Responses per score, every score on the scale, lowest first.
    pub distribution: Vec<ScoreCount>,
    /// Responses and score per ISO week (weeks with responses only), oldest first.
    pub trend: Vec<Week>,
    /// The newest comments the filter selects, newest first.
    pub comments: Vec<CommentRow>,
    /// With `?by=NAME`: responses and score per value of that attribute, most responses first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breakdown: Option<Vec<Breakdown>>,
    /// With `from` and `to`: the period of the same length just before, for comparison.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<Previous>,
}

/// One value of a breakdown.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Breakdown {
    /// The attribute's value.
    pub value: String,
    /// Responses with that value.
    pub responses: u64,
    /// Their score.
    pub score: Option<f64>,
}

/// The figures of the previous period.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Previous {
    /// Its first day.
    pub from: String,
    /// Its last day.
    pub to: String,
    /// Its responses.
    pub responses: u64,
    /// Its score.
    pub score: Option<f64>,
}

/// One bar of the distribution.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScoreCount {
    /// A score on the kind's scale.
    pub score: u8,
    /// Responses with that score.
    pub count: u64,
}

/// One point of the weekly trend.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Week {
    /// ISO week, like `2026-W47`.
    pub week: String,
    /// Responses that week.
    pub responses: u64,
    /// That week's score.
    pub score: Option<f64>,
}

impl Report {
    /// The report of `survey_id` over the filter's dates (the comments as the filter selects
    /// them), `None` when nothing was ever stored for it.
    pub async fn load(
        store: &Store,
        survey_id: &str,
        filter: &Filter,
    ) -> Result<Option<Report>, sqlx::Error> {
        let Some(counts) = store.survey(survey_id, filter).await? else {
            return Ok(None);
        };
        let by_week = store.scores_by_week(survey_id, counts.kind, filter).await?;
        let comments = store.comments(survey_id, counts.kind, filter).await?;
        let mut report = Report::build(counts, &by_week, comments);
        if let Some(name) = &filter.by {
            let rows = store
                .scores_by_attribute(survey_id, report.kind, name, filter)
                .await?;
            let mut breakdown: Vec<Breakdown> = rows
                .chunk_by(|a, b| a.group == b.group)
                .map(|rows| {
                    let summary = summary(report.kind, rows);
                    Breakdown {
                        value: rows[0].group.clone(),
                        responses: summary.responses,
                        score: summary.score,
                    }
                })
                .collect();
            breakdown.sort_by(|a, b| b.responses.cmp(&a.responses).then(a.value.cmp(&b.value)));
            report.breakdown = Some(breakdown);
        }
        if let Some((from, to)) = filter.previous_period() {
            let before = Filter {
                from: Some(from),
                to: Some(to),
                ..Filter::default()
            };
            let weeks = store
                .scores_by_week(survey_id, report.kind, &before)
                .await?;
            let summary = summary(report.kind, &weeks);
            report.previous = Some(Previous {
                from: from.to_string(),
                to: to.to_string(),
                responses: summary.responses,
                score: summary.score,
            });
        }
        Ok(Some(report))
    }

    /// Assembles a report from stored counts (`by_week` sorted by week).
    fn build(
        counts: SurveyCounts,
        by_week: &[GroupedScoreCount],
        comments: Vec<CommentRow>,
    ) -> Report {
        let kind = counts.kind;
        let total = summary(kind, by_week);
        let trend = by_week
            .chunk_by(|a, b| a.group == b.group)
            .map(|rows| {
                let week = summary(kind, rows);
                Week {
                    week: rows[0].group.clone(),
                    responses: week.responses,
                    score: week.score,
                }
            })
            .collect();
        Report {
            survey_id: counts.survey_id,
            kind,
            responses: total.responses,
            shown: counts.shown,
            dismissed: counts.dismissed,
            response_rate: rate(total.responses, counts.shown),
            score: total.score,
            category_shares: total
                .categories
                .iter()
                .map(|(c, n)| (*c, rate(*n, total.responses)))
                .collect(),
            categories: total.categories,
            distribution: total
                .distribution
                .into_iter()
                .map(|(score, count)| ScoreCount { score, count })
                .collect(),
            trend,
            comments,
            breakdown: None,
            previous: None,
        }
    }
}

/// `part / whole` (`responses / shown`...), `None` when `whole` is 0.
pub fn rate(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Serializes per-category values as a JSON object in the kind's order (`{"detractor": 2, ...}`).
fn as_map<S: Serializer, T: Serialize>(
    categories: &[(Category, T)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_map(categories.iter().map(|(category, n)| (category.key(), n)))
}

/// The summary of some score counts.
fn summary(kind: Kind, rows: &[GroupedScoreCount]) -> Summary {
    Summary::from_counts(kind, rows.iter().map(|row| (row.score, row.count)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekly_trend_and_totals_come_from_the_same_counts() {
        let counts = SurveyCounts {
            survey_id: "s".into(),
            kind: Kind::Nps,
            responses: 4,
            shown: 8,
            dismissed: 1,
        };
        let week = |group: &str, score, count| GroupedScoreCount {
            group: group.into(),
            score,
            count,
        };
        let by_week = [
            week("2026-W47", 10, 2),
            week("2026-W48", 0, 1),
            week("2026-W48", 9, 1),
        ];
        let report = Report::build(counts, &by_week, Vec::new());
        assert_eq!(report.score, Some(50.0));
        assert_eq!(report.response_rate, Some(0.5));
        assert_eq!(report.trend.len(), 2);
        assert_eq!(
            report.trend[1],
            Week {
                week: "2026-W48".into(),
                responses: 2,
                score: Some(0.0)
            }
        );
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(
            json["categories"],
            serde_json::json!({"detractor": 1, "passive": 0, "promoter": 3})
        );
    }
}
