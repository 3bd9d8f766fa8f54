//! The HTML report pages (`/report`, `/report/{id}`), server-rendered with charts as SVG.
//! No inline styles or scripts (they work under a strict CSP): everything visual is a class
//! styled by `/report.css`. Maud escapes every interpolated string (comments are hostile input).

mod charts;
mod format;

pub use format::{encoded, percent};

use crate::api::survey_and_filter;
use crate::auth::Principal;
use crate::extract::{PageError, PagePath, PageQuery};
use crate::filter::{Filter, FilterQuery};
use crate::pages::layout;
use crate::report::{rate, Report};
use crate::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Extension;
use charts::{breakdown_chart, category_bar, comment_tone, distribution_chart, tone, trend_chart};
use format::{kind_name, report_href, score_hint, score_text, when};
use maud::{html, Markup};

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
) -> Result<Html<String>, PageError> {
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
    PagePath(survey_id): PagePath<String>,
    PageQuery(query): PageQuery<FilterQuery>,
) -> Result<Response, PageError> {
    let (survey_id, filter) = survey_and_filter(survey_id, query)?;
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
            (category_bar(&report.categories, report.responses))
            ul.legend {
                @for ((category, n), (_, share)) in report.categories.iter().zip(&report.category_shares) {
                    li {
                        span class=(format!("swatch {}", tone(*category))) {}
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
                            span class=(format!("pill {}", comment_tone(&c.category))) { (c.score) " · " (c.category) }
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

fn stat(label: &str, value: String) -> Markup {
    html! { div.card.stat { div.label { (label) } div.value { (value) } } }
}
