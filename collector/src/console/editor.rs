//! `GET /admin/surveys/{id}`: the survey editor, with the live preview the real widget draws.

use super::fields::{
    appearance_fields, checkbox, checkbox_at, datetime_input, field_select, number_input,
    text_input,
};
use crate::auth::Principal;
use crate::extract::{PageError, PagePath};
use crate::pages::layout;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Extension;
use maud::html;
use serde_json::{json, Map, Value};
use survey_widget::core::i18n::LOCALES;
use survey_widget::core::metric::Kind;

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
