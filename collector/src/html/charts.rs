//! The report's charts as inline SVG (no script; colours come from classes in `/report.css`).

use super::format::score_text;
use crate::report::Report;
use maud::{html, Markup};
use survey_widget::core::metric::{Category, Kind, Sentiment};

/// The breakdown: one row per attribute value, its score as a bar on the kind's score range,
/// with the number of responses.
pub(super) fn breakdown_chart(kind: Kind, breakdown: &[crate::report::Breakdown]) -> Markup {
    let (low, high) = match kind {
        Kind::Nps => (-100.0, 100.0),
        Kind::Ces => (1.0, 7.0),
        Kind::Csat => (0.0, 100.0),
    };
    html! {
        @if breakdown.is_empty() {
            p.empty { "No responses carry this attribute." }
        } @else {
            table.surveys.breakdown {
                thead { tr { th { "Value" } th.num { "Responses" } th.num { "Score" } th { span.visually-hidden { "Score bar" } } } }
                tbody {
                    @for row in breakdown {
                        @let share = row.score.map_or(0.0, |s| ((s - low) / (high - low)).clamp(0.0, 1.0));
                        tr {
                            td { (row.value) }
                            td.num { (row.responses) }
                            td.num { (score_text(kind, row.score)) }
                            td {
                                svg.chart viewBox="0 0 200 12" width="200" height="12" aria-hidden="true" {
                                    rect.track x="0" y="0" width="200" height="12" rx="3" {}
                                    rect.best x="0" y="0" width=(format!("{:.1}", 200.0 * share)) height="12" rx="3" {}
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Chart width in SVG user units (charts scale to their container).
const W: f64 = 640.0;

/// A horizontal bar split by category.
pub(super) fn category_bar(categories: &[(Category, u64)], responses: u64) -> Markup {
    let segments = categories.iter().scan(0.0, |x, (category, n)| {
        let width = if responses == 0 {
            0.0
        } else {
            W * *n as f64 / responses as f64
        };
        let start = *x;
        *x += width;
        Some((*category, *n, start, width))
    });
    html! {
        svg.chart viewBox=(format!("0 0 {W} 24")) role="img" aria-label="Responses per category" {
            rect.track x="0" y="0" width=(W) height="24" rx="6" {}
            @for (category, n, x, width) in segments {
                rect class=(tone(category)) x=(x) y="0" width=(width) height="24" {
                    title { (category.key()) ": " (n) }
                }
            }
        }
    }
}

/// One bar per score, coloured by category.
pub(super) fn distribution_chart(report: &Report) -> Markup {
    const H: f64 = 220.0;
    let slot = W / report.distribution.len().max(1) as f64;
    let max = report
        .distribution
        .iter()
        .map(|d| d.count)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    html! {
        svg.chart viewBox=(format!("0 0 {W} {H}")) role="img" aria-label="Responses per score" {
            line.axis x1="0" y1=(H - 24.0) x2=(W) y2=(H - 24.0) {}
            @for (i, d) in report.distribution.iter().enumerate() {
                @let height = (H - 48.0) * d.count as f64 / max;
                @let x = slot * i as f64;
                @let category = report.kind.categorize(d.score).unwrap_or(Category::Neutral);
                rect class=(tone(category)) x=(x + slot * 0.15) y=(H - 24.0 - height)
                    width=(slot * 0.7) height=(height) rx="3" {
                    title { "score " (d.score) ": " (d.count) }
                }
                @if d.count > 0 {
                    text.value x=(x + slot / 2.0) y=(H - 30.0 - height) text-anchor="middle" { (d.count) }
                }
                text.tick x=(x + slot / 2.0) y=(H - 6.0) text-anchor="middle" { (d.score) }
            }
        }
    }
}

/// The weekly score as a line, on the kind's full score range.
pub(super) fn trend_chart(report: &Report) -> Markup {
    const H: f64 = 220.0;
    const LEFT: f64 = 56.0;
    const RIGHT: f64 = 16.0;
    const TOP: f64 = 16.0;
    const BOTTOM: f64 = 28.0;
    let (low, high) = match report.kind {
        Kind::Nps => (-100.0, 100.0),
        Kind::Ces => (1.0, 7.0),
        Kind::Csat => (0.0, 100.0),
    };
    let y_of = |v: f64| TOP + (high - v) / (high - low) * (H - TOP - BOTTOM);
    let points: Vec<(f64, f64, &str, f64)> = {
        let n = report.trend.len();
        let step = if n > 1 {
            (W - LEFT - RIGHT) / (n - 1) as f64
        } else {
            0.0
        };
        report
            .trend
            .iter()
            .enumerate()
            .filter_map(|(i, week)| {
                let score = week.score?;
                let x = if n > 1 {
                    LEFT + step * i as f64
                } else {
                    (W + LEFT - RIGHT) / 2.0
                };
                Some((x, y_of(score), week.week.as_str(), score))
            })
            .collect()
    };
    let label_every = points.len().div_ceil(6).max(1);
    html! {
        @if points.is_empty() {
            p.empty { "No responses yet." }
        } @else {
            svg.chart viewBox=(format!("0 0 {W} {H}")) role="img" aria-label="Score per week" {
                @for v in [low, (low + high) / 2.0, high] {
                    line.grid x1=(LEFT) y1=(y_of(v)) x2=(W - RIGHT) y2=(y_of(v)) {}
                    text.tick x=(LEFT - 8.0) y=(y_of(v) + 4.0) text-anchor="end" { (v) }
                }
                polyline.trend points=(points.iter().map(|(x, y, ..)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" ")) {}
                @for (i, (x, y, week, score)) in points.iter().enumerate() {
                    circle.dot cx=(x) cy=(y) r="4" { title { (week) ": " (score_text(report.kind, Some(*score))) } }
                    @if i % label_every == 0 || i + 1 == points.len() {
                        text.tick x=(x) y=(H - 6.0) text-anchor="middle" { (week) }
                    }
                }
            }
        }
    }
}

/// `worst`, `middle` or `best`: the CSS class of a category's colour.
pub(super) fn tone(category: Category) -> &'static str {
    match category.sentiment() {
        Sentiment::Negative => "worst",
        Sentiment::Middle => "middle",
        Sentiment::Positive => "best",
    }
}

/// [`tone`] of a stored category key.
pub(super) fn comment_tone(key: &str) -> &'static str {
    Category::from_key(key).map_or("middle", tone)
}
