//! The HTML report pages (`/report`, `/report/{id}`), server-rendered with charts as SVG.
//! No inline styles or scripts (they work under a strict CSP): everything visual is a class
//! styled by `/report.css`. Maud escapes every interpolated string (comments are hostile input).

use crate::api::{survey_and_filter, ApiError};
use crate::auth::Principal;
use crate::filter::{Filter, FilterQuery};
use crate::pages::layout;
use crate::report::{rate, Report};
use crate::AppState;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Extension;
use chrono::DateTime;
use maud::{html, Markup};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use survey_widget::core::metric::{Category, Kind};

/// `GET /report.css`.
pub async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("report.css"),
    )
}

/// `GET /report`: every survey, linking to its report.
pub async fn index(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
) -> Result<Html<String>, ApiError> {
    let surveys = state.store.surveys().await?;
    let body = html! {
        header.top { h1 { "Survey reports" } }
        @if surveys.is_empty() {
            p.empty { "No events yet. Once the widget posts to " code { "/v1/events" } ", surveys appear here." }
        } @else {
            table.surveys {
                thead { tr { th { "Survey" } th { "Kind" } th.num { "Responses" } th.num { "Shown" } th.num { "Response rate" } } }
                tbody {
                    @for survey in &surveys {
                        tr {
                            td { a href=(report_href(&survey.survey_id)) { (survey.survey_id) } }
                            td { span.badge { (survey.kind.key().to_uppercase()) } }
                            td.num { (survey.responses) }
                            td.num { (survey.shown) }
                            td.num { (percent(rate(survey.responses, survey.shown))) }
                        }
                    }
                }
            }
        }
    };
    Ok(Html(layout("Survey reports", Some(&principal), body)))
}

/// `GET /report/{id}?from=&to=&category=&q=`: one survey's report, with a filter form.
pub async fn survey(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<FilterQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let (survey_id, filter) = survey_and_filter(path, query)?;
    let Some(report) = Report::load(&state.store, &survey_id, &filter).await? else {
        let body = html! {
            nav { a href="/report" { "← All surveys" } }
            h1 { "Unknown survey" }
            p.empty { "Nothing was collected for " code { (survey_id) } "." }
        };
        return Ok((
            StatusCode::NOT_FOUND,
            Html(layout("Unknown survey", Some(&principal), body)),
        )
            .into_response());
    };
    Ok(Html(layout(
        &format!("{} report", report.survey_id),
        Some(&principal),
        report_body(&report, &filter),
    ))
    .into_response())
}

fn report_body(report: &Report, filter: &Filter) -> Markup {
    let kind = report.kind;
    let csv_href = format!(
        "/v1/surveys/{}/responses.csv{}",
        encoded(&report.survey_id),
        filter.query_string()
    );
    html! {
        nav { a href="/report" { "← All surveys" } }
        header.top {
            h1 { (report.survey_id) }
            span.badge { (kind.key().to_uppercase()) }
        }
        (filter_form(report, filter, &csv_href))
        section.hero {
            div.card.score {
                div.label { (kind_name(kind)) }
                div.big { (score_text(kind, report.score)) }
                div.hint { (score_hint(kind)) }
            }
            div.stats {
                (stat("Responses", report.responses.to_string()))
                (stat("Shown", report.shown.to_string()))
                (stat("Response rate", percent(report.response_rate)))
                (stat("Dismissed", report.dismissed.to_string()))
                @if let Some(previous) = &report.previous {
                    (stat(
                        &format!("Previous period ({} to {})", previous.from, previous.to),
                        format!("{} ({} responses)", score_text(kind, previous.score), previous.responses),
                    ))
                }
            }
        }
        @if let (Some(breakdown), Some(by)) = (&report.breakdown, &filter.by) {
            section.card {
                h2 { "By " code { (by) } }
                (breakdown_chart(kind, breakdown))
            }
        }
        section.card {
            h2 { "Categories" }
            (category_bar(kind, &report.categories, report.responses))
            ul.legend {
                @for ((category, n), (_, share)) in report.categories.iter().zip(&report.category_shares) {
                    li {
                        span class=(format!("swatch {}", tone(kind, *category))) {}
                        span.name { (category.key()) }
                        span.count { (n) }
                        span.share { (percent(*share)) }
                    }
                }
            }
        }
        div.columns {
            section.card {
                h2 { "Score distribution" }
                (distribution_chart(report))
            }
            section.card {
                h2 { "Weekly trend" }
                (trend_chart(report))
            }
        }
        section.card {
            h2 { "Comments " span.muted { "(" (report.comments.len()) ")" } }
            @if report.comments.is_empty() {
                p.empty { (if filter.category.is_some() || filter.q.is_some() { "No comments match." } else { "No comments yet." }) }
            }
            ol.comments {
                @for c in &report.comments {
                    li {
                        div.meta {
                            span class=(format!("pill {}", comment_tone(kind, &c.category))) { (c.score) " · " (c.category) }
                            span.muted { (c.locale) }
                            time datetime=(c.at) { (when(&c.at)) }
                        }
                        p { (c.comment) }
                    }
                }
            }
        }
    }
}

/// The filter form (a plain GET form: no script needed) and the CSV export link.
fn filter_form(report: &Report, filter: &Filter, csv_href: &str) -> Markup {
    let date = |day: Option<chrono::NaiveDate>| day.map(|d| d.to_string()).unwrap_or_default();
    html! {
        form.filter.card method="get" {
            label { "From" input type="date" name="from" value=(date(filter.from)); }
            label { "To" input type="date" name="to" value=(date(filter.to)); }
            label {
                "Comments"
                select name="category" {
                    option value="" { "all categories" }
                    @for category in report.kind.categories() {
                        option value=(category.key()) selected[filter.category.as_deref() == Some(category.key())] { (category.key()) }
                    }
                }
            }
            label { "Search comments" input type="search" name="q" value=(filter.q.as_deref().unwrap_or("")); }
            label { "Break down by" input name="by" placeholder="plan, device, utm_source" value=(filter.by.as_deref().unwrap_or("")); }
            div.actions {
                button type="submit" { "Apply" }
                a href=(report_href(&report.survey_id)) { "Reset" }
                a href=(csv_href) download { "Export CSV" }
            }
        }
    }
}

/// The breakdown: one row per attribute value, its score as a bar on the kind's score range,
/// with the number of responses.
fn breakdown_chart(kind: Kind, breakdown: &[crate::report::Breakdown]) -> Markup {
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

fn stat(label: &str, value: String) -> Markup {
    html! { div.card.stat { div.label { (label) } div.value { (value) } } }
}

/// Chart width in SVG user units (charts scale to their container).
const W: f64 = 640.0;

/// A horizontal bar split by category.
fn category_bar(kind: Kind, categories: &[(Category, u64)], responses: u64) -> Markup {
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
                rect class=(tone(kind, category)) x=(x) y="0" width=(width) height="24" {
                    title { (category.key()) ": " (n) }
                }
            }
        }
    }
}

/// One bar per score, coloured by category.
fn distribution_chart(report: &Report) -> Markup {
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
                rect class=(tone(report.kind, category)) x=(x + slot * 0.15) y=(H - 24.0 - height)
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
fn trend_chart(report: &Report) -> Markup {
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
fn tone(kind: Kind, category: Category) -> &'static str {
    match kind.categories().iter().position(|c| *c == category) {
        Some(0) => "worst",
        Some(2) => "best",
        _ => "middle",
    }
}

/// [`tone`] of a stored category key.
fn comment_tone(kind: Kind, key: &str) -> &'static str {
    kind.categories()
        .iter()
        .find(|c| c.key() == key)
        .map_or("middle", |c| tone(kind, *c))
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Nps => "Net Promoter Score",
        Kind::Ces => "Customer Effort Score",
        Kind::Csat => "Customer Satisfaction",
    }
}

fn score_hint(kind: Kind) -> &'static str {
    match kind {
        Kind::Nps => "% promoters − % detractors, −100 to 100",
        Kind::Ces => "mean score, 1 to 7",
        Kind::Csat => "% satisfied (4 or 5)",
    }
}

fn score_text(kind: Kind, score: Option<f64>) -> String {
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
fn when(at: &str) -> String {
    DateTime::parse_from_rfc3339(at)
        .map(|t| t.naive_utc().format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|_| at.to_owned())
}

/// The link to a survey's report page.
fn report_href(survey_id: &str) -> String {
    format!("/report/{}", encoded(survey_id))
}

/// `survey_id` percent-encoded for a path segment.
pub fn encoded(survey_id: &str) -> String {
    utf8_percent_encode(survey_id, NON_ALPHANUMERIC).to_string()
}
