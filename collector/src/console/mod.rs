//! The console at `/admin` (SPEC 7.2): the survey list with headline figures and the script tag,
//! the survey editor with a live preview drawn by the real widget, site settings, users and
//! tokens. Server-rendered pages plus one module script (`/console.js`) that talks to the JSON
//! API; no inline script or style, so the pages run under the strict CSP.

mod editor;
mod fields;

pub use editor::editor_page;

use fields::{appearance_fields, field_select, number_input, text_input};

use crate::auth::secrets::random_hex;
use crate::auth::Principal;
use crate::extract::{PageError, PageQuery};
use crate::filter::Filter;
use crate::html::{encoded, percent};
use crate::manage::listed_surveys;
use crate::pages::layout;
use crate::report::{rate, Report};
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse};
use axum::Extension;
use maud::{html, Markup};
use serde_json::Value;
use survey_widget::core::config::MAX_SURVEY_ID_CHARS;

/// `GET /console.js`: the console's script (a module, served as a file for the CSP).
pub async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("console.js"),
    )
}

/// `GET /admin`: every survey with status and headline figures, a new-survey form and the
/// script tag to paste.
pub async fn surveys_page(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    headers: HeaderMap,
) -> Result<Html<String>, PageError> {
    let surveys = listed_surveys(&state).await?;
    let mut scores = Vec::new();
    for survey in &surveys {
        let report =
            Report::load(&state.store, &survey.counts.survey_id, &Filter::default()).await?;
        scores.push(report.and_then(|r| r.score));
    }
    let own = state.own_url(&headers);
    let tag = format!(
        "<script async src=\"{own}/survey-widget.js\" data-config=\"{own}/v1/config.json\"></script>"
    );
    let admin = principal.role == crate::auth::Role::Admin;
    let body = html! {
        header.top { h1 { "Surveys" } }
        @if surveys.is_empty() {
            p.empty { "No surveys yet. Create one below, from a template." }
        } @else {
            table.surveys {
                thead { tr {
                    th { "Survey" } th { "Kind" } th { "Status" } th.num { "Responses" }
                    th.num { "Response rate" } th.num { "Score" } th { "Report" }
                } }
                tbody {
                    @for (survey, score) in surveys.iter().zip(&scores) {
                        @let id = &survey.counts.survey_id;
                        tr {
                            td {
                                @if admin && survey.status.is_some() {
                                    a href=(format!("/admin/surveys/{}", encoded(id))) { (id) }
                                } @else { (id) }
                            }
                            td { span.badge { (survey.counts.kind.key().to_uppercase()) } }
                            td { (status_badge(survey.status.map(|s| s.key()).unwrap_or("from events"))) }
                            td.num { (survey.counts.responses) }
                            td.num { (percent(rate(survey.counts.responses, survey.counts.shown))) }
                            td.num { (score.map_or("–".to_string(), |s| format!("{s:.1}"))) }
                            td { a href=(format!("/report/{}", encoded(id))) aria-label=(format!("Report of {id}")) { "Report" } }
                        }
                    }
                }
            }
        }
        @if admin {
            section.card {
                h2 { "New survey" }
                form #new-survey.inline-form data-csrf=(principal.csrf.clone().unwrap_or_default()) {
                    label for="new-id" { "Survey id" }
                    input #new-id name="id" required maxlength=(MAX_SURVEY_ID_CHARS)
                        pattern="[A-Za-z0-9_\\-]+" aria-describedby="new-id-hint new-id-error" placeholder="nps-main";
                    span #new-id-hint.hint {
                        "Letters, digits, _ and -; it is sent with every answer. Once surveys are "
                        "managed here, answers to surveys configured elsewhere are refused "
                        "(--known-surveys-only)."
                    }
                    label for="new-kind" { "Template" }
                    select #new-kind name="kind" {
                        option value="nps" { "NPS: How likely to recommend (0-10)" }
                        option value="ces" { "CES: How easy (1-7)" }
                        option value="csat" { "CSAT: How satisfied (1-5)" }
                    }
                    button type="submit" { "Create" }
                    p #new-id-error.field-error role="alert" {}
                }
            }
        }
        section.card {
            h2 { "Put it on your site" }
            p { "Paste this into every page (the published surveys come from this collector):" }
            pre.snippet { code #script-tag { (tag) } }
        }
    };
    Ok(Html(layout("Surveys", Some(&principal), body)))
}

/// `GET /admin/site`: site settings.
pub async fn site_page(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
) -> Result<Html<String>, PageError> {
    let site = Value::Object(state.store.site_settings().await?);
    let body = html! {
        header.top { h1 { "Site settings" } }
        form #site-form.card novalidate data-csrf=(principal.csrf.clone().unwrap_or_default()) data-site=(site.to_string()) {
            (text_input("company", "Company name (in the standard questions)", "company"))
            (text_input("identity_cookie", "Identity cookie name", "identity_cookie"))
            (text_input("locale", "Language (auto: the visitor's)", "locale"))
            (number_input("quiet_days", "Quiet days after any answer or dismissal", "quiet_days", "14"))
            fieldset {
                legend { "Appearance of every survey (a survey may override it)" }
                (appearance_fields("appearance"))
            }
            (text_input("collector", "Collector URL (empty: this collector)", "collector"))
            p #form-error.field-error role="alert" {}
            p #saved role="status" {}
            button type="submit" { "Save" }
        }
    };
    Ok(Html(layout("Site settings", Some(&principal), body)))
}

/// `GET /admin/access`: users and API tokens.
pub async fn access_page(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
) -> Result<Html<String>, PageError> {
    let users = state.store.users().await?;
    let tokens = state.store.tokens().await?;
    let csrf = principal.csrf.clone().unwrap_or_default();
    let body = html! {
        header.top { h1 { "Users and tokens" } }
        section.card {
            h2 { "Users" }
            (removable_table("Email", "Remove", users.iter().map(|u| (&u.email, &u.role, format!("/v1/users/{}", u.id)))))
            form #user-form.inline-form data-csrf=(csrf) {
                label for="user-email" { "Email" }
                input #user-email type="email" name="email" required;
                label for="user-password" { "Password" }
                input #user-password type="password" name="password" required minlength="10" autocomplete="new-password";
                label for="user-role" { "Role" }
                select #user-role name="role" { option value="viewer" { "viewer (reads reports)" } option value="admin" { "admin" } }
                button type="submit" { "Add user" }
                p.field-error role="alert" {}
            }
        }
        section.card {
            h2 { "API tokens" }
            p.hint { "Send as Authorization: Bearer TOKEN. A token is shown once, when created." }
            (removable_table("Name", "Revoke", tokens.iter().map(|t| (&t.name, &t.role, format!("/v1/tokens/{}", t.id)))))
            form #token-form.inline-form data-csrf=(csrf) {
                label for="token-name" { "Name" }
                input #token-name name="name" required maxlength="100";
                label for="token-role" { "Role" }
                select #token-role name="role" { option value="viewer" { "viewer" } option value="admin" { "admin" } }
                button type="submit" { "Create token" }
                p.field-error role="alert" {}
                p role="status" { code #new-token {} }
            }
        }
    };
    Ok(Html(layout("Users and tokens", Some(&principal), body)))
}

/// A table of named entries with their role, each with a button (`verb`, e.g. "Remove") that
/// the console's script sends as a `DELETE` to the entry's URL. `rows`: name, role, URL.
fn removable_table<'a>(
    name_header: &str,
    verb: &str,
    rows: impl Iterator<Item = (&'a String, &'a String, String)>,
) -> Markup {
    html! {
        table {
            thead { tr { th { (name_header) } th { "Role" } th { span.visually-hidden { "Actions" } } } }
            tbody {
                @for (name, role, url) in rows {
                    tr {
                        td { (name) } td { (role) }
                        td { button type="button" data-delete=(url) aria-label=(format!("{verb} {name}")) { (verb) } }
                    }
                }
            }
        }
    }
}

/// `GET /admin/webhooks`: webhooks with their recent deliveries, a form to add one, and a
/// test delivery per webhook.
pub async fn webhooks_page(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
) -> Result<Html<String>, PageError> {
    let webhooks = state.store.webhooks().await?;
    let mut logs = Vec::new();
    for webhook in &webhooks {
        logs.push(state.store.deliveries(&webhook.id).await?);
    }
    let csrf = principal.csrf.clone().unwrap_or_default();
    let body = html! {
        header.top { h1 { "Webhooks" } }
        p.hint {
            "One signed POST per response once it is final (its comment arrived, or "
            (state.webhook_settle_ms / 1000)
            " seconds after the score; a comment after that is not sent), retried for 24 hours. See the README for verifying the signature."
        }
        @for (webhook, log) in webhooks.iter().zip(&logs) {
            section.card {
                h2 { code { (webhook.url) } }
                p.muted {
                    (match webhook.format { crate::webhooks::Format::Json => "JSON", crate::webhooks::Format::Slack => "Slack" })
                    " · surveys: " (if webhook.surveys.is_empty() { "all".to_owned() } else { webhook.surveys.join(", ") })
                    " · categories: " (if webhook.categories.is_empty() { "all".to_owned() } else { webhook.categories.join(", ") })
                }
                div.actions {
                    button type="button" data-test=(format!("/v1/webhooks/{}/test", webhook.id)) data-csrf=(csrf) { "Send test delivery" }
                    button type="button" .danger data-delete=(format!("/v1/webhooks/{}", webhook.id)) data-csrf=(csrf) aria-label=(format!("Delete the webhook to {}", webhook.url)) { "Delete" }
                }
                p role="status" data-test-result {}
                @if log.is_empty() {
                    p.empty { "No deliveries yet." }
                } @else {
                    table.surveys {
                        caption.visually-hidden { "Recent deliveries" }
                        thead { tr { th { "Delivery" } th { "Status" } th.num { "Attempts" } th { "Last answer" } } }
                        tbody {
                            @for delivery in log {
                                tr {
                                    td { code { (delivery.id.get(..8).unwrap_or(&delivery.id)) } }
                                    td { (status_badge(&delivery.status)) }
                                    td.num { (delivery.attempts) }
                                    td { (delivery.last_status.map(|s| s.to_string()).unwrap_or_default()) " " (delivery.last_error.as_deref().unwrap_or("")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        section.card {
            h2 { "Add a webhook" }
            form #webhook-form data-csrf=(csrf) {
                (text_input("url", "URL (https://...)", "url"))
                div.field {
                    label for="f-secret" { "Secret (signs every delivery; a random one is filled in: give your receiver the same, or type your own)" }
                    input #f-secret type="text" autocomplete="off" spellcheck="false" name="secret" data-path="secret" value=(random_hex(16)) aria-describedby="f-secret-error";
                    p.field-error #f-secret-error {}
                }
                (text_input("surveys", "Only these surveys (ids, comma-separated; empty: all)", "surveys"))
                (text_input("categories", "Only these categories (e.g. detractor; empty: all)", "categories"))
                (field_select("format", "Format", &[("json", "JSON"), ("slack", "Slack incoming webhook")], "json"))
                p #form-error.field-error role="alert" {}
                button type="submit" { "Add webhook" }
            }
        }
    };
    Ok(Html(layout("Webhooks", Some(&principal), body)))
}

/// Query of `GET /admin/visitors`.
#[derive(Debug, serde::Deserialize)]
pub struct VisitorQuery {
    id: Option<String>,
}

/// `GET /admin/visitors?id=`: search by visitor id; their latest answers and events, and (for
/// admins) erasure.
pub async fn visitors_page(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    query: Result<PageQuery<VisitorQuery>, PageError>,
) -> Result<Html<String>, PageError> {
    // A query that does not read (a repeated `id`) is an empty search, not an error page.
    let id = (query.ok()).and_then(|PageQuery(query)| query.id);
    let id = id.filter(|id| !id.trim().is_empty());
    let profile = match &id {
        Some(id) => state.store.visitor(id).await?,
        None => None,
    };
    let admin = principal.role == crate::auth::Role::Admin;
    let body = html! {
        header.top { h1 { "Visitors" } }
        form.inline-form method="get" action="/admin/visitors" {
            label for="visitor-id" { "Visitor id (the identity cookie's value)" }
            input #visitor-id name="id" value=(id.clone().unwrap_or_default());
            button type="submit" { "Find" }
        }
        @if let Some(id) = &id {
            @match &profile {
                None => { p.empty role="status" { "Nothing is stored for " code { (id) } "." } }
                Some(profile) => {
                    section.card {
                        h2 { "Latest answers" }
                        table.surveys {
                            thead { tr { th { "Kind" } th.num { "Score" } th { "Category" } th { "Comment" } th { "Survey" } th { "When" } } }
                            tbody {
                                @for (kind, latest) in &profile.latest {
                                    tr {
                                        td { (kind.to_uppercase()) }
                                        td.num { (latest["score"]) }
                                        td { (latest["category"].as_str().unwrap_or("")) }
                                        td { (latest["comment"].as_str().unwrap_or("")) }
                                        td { (latest["survey_id"].as_str().unwrap_or("")) }
                                        td { (latest["at"].as_str().unwrap_or("")) }
                                    }
                                }
                            }
                        }
                        p.hint { (profile.events.len()) " events stored." }
                        @if admin {
                            button type="button" .danger data-delete=(format!("/v1/visitors/{}", encoded(id))) data-csrf=(principal.csrf.clone().unwrap_or_default()) { "Erase this visitor's answers" }
                        }
                    }
                }
            }
        }
    };
    Ok(Html(layout("Visitors", Some(&principal), body)))
}

fn status_badge(status: &str) -> Markup {
    html! { span class=(format!("badge status-{status}")) { (status) } }
}
