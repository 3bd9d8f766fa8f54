//! The console at `/admin` (SPEC 7.2): the survey list with headline figures and the script tag,
//! the survey editor with a live preview drawn by the real widget, site settings, users and
//! tokens. Server-rendered pages plus one module script (`/console.js`) that talks to the JSON
//! API; no inline script or style, so the pages run under the strict CSP.

use crate::auth::Principal;
use crate::extract::{PageError, PagePath, PageQuery};
use crate::filter::Filter;
use crate::html::{encoded, percent};
use crate::manage::listed_surveys;
use crate::pages::layout;
use crate::report::{rate, Report};
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Extension;
use maud::{html, Markup};
use serde_json::{json, Map, Value};
use survey_widget::core::config::MAX_SURVEY_ID_CHARS;
use survey_widget::core::i18n::LOCALES;
use survey_widget::core::metric::Kind;

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

/// `GET /admin/surveys/{id}`: the editor and its live preview.
pub async fn editor_page(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    PagePath(id): PagePath<String>,
) -> Result<Response, PageError> {
    let Some(survey) = state.store.managed_survey(&id).await? else {
        return Ok(crate::pages::error_page(
            StatusCode::NOT_FOUND,
            "No such survey.",
        ));
    };
    let site = state.store.site_settings().await?;
    let company = site.get("company").and_then(Value::as_str).unwrap_or("");
    let kind = survey.definition["kind"]
        .as_str()
        .and_then(Kind::from_key)
        .unwrap_or(Kind::Nps);
    let data = json!({
        "survey": survey,
        "site": Value::Object(site.clone()),
        "builtins": builtins(company),
        "categories": Kind::ALL.iter().map(|k| (k.key().to_string(), json!(k.categories().iter().map(|c| c.key()).collect::<Vec<_>>()))).collect::<Map<String, Value>>(),
    });
    let body = html! {
        nav { a href="/admin" { "← All surveys" } }
        header.top {
            h1 { "Edit " code { (id) } }
            span #status.badge role="status" aria-live="polite" { (survey.status.key()) }
        }
        div.editor #editor data-csrf=(principal.csrf.clone().unwrap_or_default()) data-editor=(data.to_string()) {
            form #survey-form.card novalidate {
                fieldset {
                    legend { "Question" }
                    (field_select("kind", "Kind", &[("nps", "NPS (0-10)"), ("ces", "CES (1-7)"), ("csat", "CSAT (1-5)")], kind.key()))
                    (checkbox("enabled", "Enabled (shown to visitors when published)"))
                    (checkbox("anonymous", "Also show to visitors without the identity cookie"))
                }
                fieldset {
                    legend { "Texts" }
                    label for="text-lang" { "Language" }
                    select #text-lang {
                        @for locale in LOCALES { option value=(locale.code) { (locale.code) } }
                    }
                    p.hint { "Empty fields use the built-in text shown as placeholder." }
                    (text_input("question", "Question", "text.LANG.question"))
                    div #category-texts {}
                }
                fieldset {
                    legend { "Who sees it (segment)" }
                    label for="segment-match" { "Match" }
                    select #segment-match {
                        option value="all" { "all of these rules" }
                        option value="any" { "any of these rules" }
                    }
                    div #segment-rules data-path="segment" {}
                    button type="button" #add-rule { "Add a rule" }
                    p.hint #segment-note {}
                }
                fieldset {
                    legend { "When it pops up (trigger)" }
                    (number_input("delay_seconds", "Delay (seconds)", "trigger.delay_seconds", "0"))
                    (number_input("scroll_percent", "Scrolled at least (%)", "trigger.scroll_percent", "0"))
                    (checkbox_at("exit_intent", "On exit intent", "trigger.exit_intent"))
                    (text_input("event", "On event (SurveyWidget.track name)", "trigger.event"))
                    (text_input("pages", "Only on pages (globs, comma-separated)", "trigger.pages"))
                    (text_input("exclude_pages", "Never on pages (globs, comma-separated)", "trigger.exclude_pages"))
                }
                fieldset {
                    legend { "How often (throttles and sampling)" }
                    (number_input("recontact_days", "Ask again after an answer (days)", "recontact_days", "90"))
                    (number_input("dismiss_days", "Ask again after a dismissal (days)", "dismiss_days", "7"))
                    (number_input("max_shows", "Stop after this many unanswered shows", "max_shows", "3"))
                    (number_input("sample_percent", "Share of visitors asked (%)", "sample_percent", "100"))
                }
                fieldset {
                    legend { "Schedule and priority" }
                    (datetime_input("starts_at", "Not before (your local time)", "starts_at"))
                    (datetime_input("ends_at", "Not from (your local time)", "ends_at"))
                    (number_input("priority", "Priority (of several surveys ready at once, the highest shows)", "priority", "0"))
                }
                fieldset {
                    legend { "Appearance (empty: the site's)" }
                    (appearance_fields("appearance"))
                }
                fieldset {
                    legend { "Reports" }
                    (text_input("report_attributes", "Visitor attributes answers carry, for breakdowns (comma-separated, e.g. plan, country)", "report_attributes"))
                }
                p #form-error.field-error role="alert" {}
                div.actions {
                    button type="submit" #save { "Save draft" }
                    button type="button" #publish { "Publish" }
                    button type="button" #unpublish { "Unpublish" }
                    button type="button" #archive.danger { "Archive" }
                }
            }
            section.card.preview aria-labelledby="preview-title" {
                h2 #preview-title { "Preview" }
                label for="preview-lang" { "Preview language" }
                select #preview-lang {
                    @for locale in LOCALES { option value=(locale.code) { (locale.code) } }
                }
                p.hint { "Drawn by the real widget; answers here are not recorded." }
                div #preview {}
            }
        }
        script async src="/survey-widget.js" {}
    };
    Ok(Html(layout(&format!("Edit {id}"), Some(&principal), body)).into_response())
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
            table {
                thead { tr { th { "Email" } th { "Role" } th { span.visually-hidden { "Actions" } } } }
                tbody {
                    @for user in &users {
                        tr {
                            td { (user.email) } td { (user.role) }
                            td { button type="button" data-delete=(format!("/v1/users/{}", user.id)) aria-label=(format!("Remove {}", user.email)) { "Remove" } }
                        }
                    }
                }
            }
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
            table {
                thead { tr { th { "Name" } th { "Role" } th { span.visually-hidden { "Actions" } } } }
                tbody {
                    @for token in &tokens {
                        tr {
                            td { (token.name) } td { (token.role) }
                            td { button type="button" data-delete=(format!("/v1/tokens/{}", token.id)) aria-label=(format!("Revoke {}", token.name)) { "Revoke" } }
                        }
                    }
                }
            }
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
                    label for="f-secret" { "Secret (at least 16 characters; signs every delivery)" }
                    input #f-secret type="password" autocomplete="off" name="secret" data-path="secret" aria-describedby="f-secret-error";
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
    PageQuery(query): PageQuery<VisitorQuery>,
) -> Result<Html<String>, PageError> {
    let id = query.id.filter(|id| !id.trim().is_empty());
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

/// The built-in texts of every language, for the editor's placeholders.
fn builtins(company: &str) -> Value {
    let mut out = Map::new();
    for locale in LOCALES {
        let questions: Map<String, Value> = Kind::ALL
            .iter()
            .enumerate()
            .map(|(i, kind)| {
                let question = if company.is_empty() {
                    locale.questions_without_company[i].to_owned()
                } else {
                    locale.questions[i].replace("{company}", company)
                };
                (kind.key().to_owned(), Value::from(question))
            })
            .collect();
        out.insert(
            locale.code.into(),
            json!({"question": questions, "follow_up": locale.follow_ups, "thank_you": locale.thank_yous}),
        );
    }
    Value::Object(out)
}

fn status_badge(status: &str) -> Markup {
    html! { span class=(format!("badge status-{status}")) { (status) } }
}

fn field_id(name: &str) -> String {
    format!("f-{name}")
}

fn hint_id(name: &str) -> String {
    format!("f-{name}-error")
}

fn text_input(name: &str, label: &str, path: &str) -> Markup {
    html! {
        div.field {
            label for=(field_id(name)) { (label) }
            input id=(field_id(name)) name=(name) data-path=(path) aria-describedby=(hint_id(name));
            p.field-error id=(hint_id(name)) {}
        }
    }
}

/// A number field; `default` (what an empty field means) is its placeholder.
fn number_input(name: &str, label: &str, path: &str, default: &str) -> Markup {
    html! {
        div.field {
            label for=(field_id(name)) { (label) }
            input id=(field_id(name)) type="number" step="any" name=(name) data-path=(path)
                placeholder=(default) aria-describedby=(hint_id(name));
            p.field-error id=(hint_id(name)) {}
        }
    }
}

fn checkbox(name: &str, label: &str) -> Markup {
    checkbox_at(name, label, name)
}

fn checkbox_at(name: &str, label: &str, path: &str) -> Markup {
    html! {
        div.field.check {
            input id=(field_id(name)) type="checkbox" name=(name) data-path=(path) aria-describedby=(hint_id(name));
            label for=(field_id(name)) { (label) }
            p.field-error id=(hint_id(name)) {}
        }
    }
}

/// A local date and time, sent as RFC 3339 by the console script.
fn datetime_input(name: &str, label: &str, path: &str) -> Markup {
    html! {
        div.field {
            label for=(field_id(name)) { (label) }
            input id=(field_id(name)) type="datetime-local" name=(name) data-path=(path) aria-describedby=(hint_id(name));
            p.field-error id=(hint_id(name)) {}
        }
    }
}

/// The `appearance` fields (SPEC 7.4) under the JSON path `path`; an empty field inherits.
fn appearance_fields(path: &str) -> Markup {
    let positions = [
        ("", "Default (bottom right)"),
        ("bottom-right", "Bottom right"),
        ("bottom-left", "Bottom left"),
        ("bottom-center", "Bottom centre"),
        ("center", "Centre of the screen"),
    ];
    let branding = [
        ("", "Default (hidden)"),
        ("true", "Shown"),
        ("false", "Hidden"),
    ];
    html! {
        (field_select_at("position", "Position on wide screens (phones get a bottom sheet)", &format!("{path}.position"), &positions, ""))
        (text_input("accent", "Accent colour (CSS, e.g. #0a7d4f)", &format!("{path}.accent")))
        (text_input("logo", "Logo (https URL, shown beside the company name)", &format!("{path}.logo")))
        (field_select_at("branding", "\"Powered by survey-widget\" line", &format!("{path}.branding"), &branding, ""))
    }
}

fn field_select(name: &str, label: &str, options: &[(&str, &str)], selected: &str) -> Markup {
    field_select_at(name, label, name, options, selected)
}

fn field_select_at(
    name: &str,
    label: &str,
    path: &str,
    options: &[(&str, &str)],
    selected: &str,
) -> Markup {
    html! {
        div.field {
            label for=(field_id(name)) { (label) }
            select id=(field_id(name)) name=(name) data-path=(path) aria-describedby=(hint_id(name)) {
                @for (value, text) in options {
                    option value=(value) selected[*value == selected] { (text) }
                }
            }
            p.field-error id=(hint_id(name)) {}
        }
    }
}
