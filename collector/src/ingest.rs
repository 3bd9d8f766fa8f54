//! Parsing and validating a `POST /v1/events` body (SPEC 3.5). Pure: no I/O.

use chrono::{DateTime, Datelike, SecondsFormat, Utc};
use serde_json::Value;
use survey_widget::core::config::check_survey_id;
use survey_widget::core::event::{is_attribute_name, Event, EventKind, MAX_COMMENT_CHARS};

/// An event that passed validation, with what the collector derives from it.
#[derive(Clone, Debug, PartialEq)]
pub struct Valid {
    /// The event as it will be stored: for a `response` the category is recomputed from the score
    /// (the client's category is ignored), a blank comment becomes `None`; other events carry no
    /// score, category or comment.
    pub event: Event,
    /// `at` as Unix milliseconds.
    pub at_ms: i64,
    /// The ISO week of `at` in UTC, like `2026-W47`.
    pub week: String,
    /// The event's attributes (`report_attributes`, `device`, `utm_*`), values as text.
    pub attributes: Vec<(String, String)>,
}

/// Most attributes on one event.
pub const MAX_ATTRIBUTES: usize = 20;

/// Longest attribute value, in characters.
pub const MAX_ATTRIBUTE_CHARS: usize = 200;

/// Reads `attributes`: an object of at most [`MAX_ATTRIBUTES`] names (1-64 characters of
/// `A-Z a-z 0-9 _ . -`) whose values are strings (at most [`MAX_ATTRIBUTE_CHARS`]) or numbers.
fn attributes(value: Option<Value>) -> Result<Vec<(String, String)>, String> {
    let fields = match value {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Object(fields)) => fields,
        Some(_) => return Err("attributes: must be an object".into()),
    };
    if fields.len() > MAX_ATTRIBUTES {
        return Err(format!(
            "attributes: {} names, at most {MAX_ATTRIBUTES}",
            fields.len()
        ));
    }
    fields
        .into_iter()
        .map(|(name, value)| {
            if !is_attribute_name(&name) {
                return Err(format!(
                    "attributes: {:?} is not an attribute name",
                    truncated(&name)
                ));
            }
            let text = match value {
                Value::String(text) => text,
                Value::Number(number) => number.to_string(),
                _ => return Err(format!("attributes.{name}: must be a string or a number")),
            };
            check_text(
                &format!("attributes.{name}"),
                &text,
                MAX_ATTRIBUTE_CHARS,
                false,
            )?;
            Ok((name, text))
        })
        .collect()
}

/// Why a body was refused: a message naming the field, and the event's index in an array body.
#[derive(Clone, Debug, PartialEq)]
pub struct Rejection {
    /// What is wrong, starting with the field's name when one field is at fault.
    pub message: String,
    /// Position of the bad event when the body is an array.
    pub index: Option<usize>,
}

/// Most events in one request (an array body).
pub const MAX_BATCH: usize = 20;

/// How far ahead of the collector's clock an event's `at` may be (clock skew): one day.
pub const MAX_FUTURE_MS: i64 = 24 * 60 * 60 * 1000;

/// Parses a body holding one event object or an array of them, received at `now`. All or
/// nothing: the first bad event rejects the whole body.
pub fn parse_body(body: &[u8], now: DateTime<Utc>) -> Result<Vec<Valid>, Rejection> {
    let value: Value = serde_json::from_slice(body).map_err(|e| Rejection {
        message: format!("malformed JSON: {e}"),
        index: None,
    })?;
    match value {
        Value::Array(items) if items.len() > MAX_BATCH => Err(Rejection {
            message: format!("{} events in one request, at most {MAX_BATCH}", items.len()),
            index: None,
        }),
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                validate(item, now).map_err(|message| Rejection {
                    message,
                    index: Some(i),
                })
            })
            .collect(),
        item => validate(item, now)
            .map(|valid| vec![valid])
            .map_err(|message| Rejection {
                message,
                index: None,
            }),
    }
}

/// Checks one event; the error names the field at fault.
fn validate(mut value: Value, now: DateTime<Utc>) -> Result<Valid, String> {
    if !value.is_object() {
        return Err("an event must be a JSON object".into());
    }
    let mut extra = None;
    if let Some(fields) = value.as_object_mut() {
        // The client's category is ignored, whatever it holds: it is recomputed from the score.
        fields.remove("category");
        extra = fields.remove("attributes");
        // A whole number written as `9.0` is the integer 9 (as JSON Schema has it).
        if let Some(score) = fields.get_mut("score").filter(|score| score.is_f64()) {
            if let Some(whole) = score
                .as_f64()
                .filter(|s| s.fract() == 0.0 && (0.0..=255.0).contains(s))
            {
                *score = Value::from(whole as u8);
            }
        }
    }
    let mut event: Event = serde_path_to_error::deserialize(value).map_err(|e| e.to_string())?;
    // One spelling per id (lower case, hyphens), so a repeat in another spelling is a repeat.
    event.id = uuid::Uuid::try_parse(&event.id)
        .map_err(|_| format!("id: {:?} is not a UUID", truncated(&event.id)))?
        .hyphenated()
        .to_string();
    check_survey_id(&event.survey_id).map_err(|message| format!("survey_id: {message}"))?;
    check_text("locale", &event.locale, 35, false)?;
    check_text("page_url", &event.page_url, 2048, false)?;
    check_text("widget_version", &event.widget_version, 64, false)?;
    check_text("survey_version", &event.survey_version, 128, false)?;
    if let Some(visitor_id) = &event.visitor_id {
        check_text("visitor_id", visitor_id, 256, false)?;
    }
    if event.at.len() > 40 {
        return Err(format!(
            "at: {} characters, not a date-time",
            event.at.chars().count()
        ));
    }
    let at = DateTime::parse_from_rfc3339(&event.at)
        .map_err(|e| format!("at: {:?} is not an RFC 3339 date-time ({e})", event.at))?
        .with_timezone(&Utc);
    if at.timestamp_millis() - now.timestamp_millis() > MAX_FUTURE_MS {
        return Err(format!(
            "at: {} is more than a day ahead of the collector's clock",
            event.at
        ));
    }
    // Days are counted from 1970 (`at_ms / DAY_MS`); no widget's clock is earlier.
    if at.timestamp_millis() < 0 {
        return Err(format!("at: {} is before 1970", event.at));
    }
    // Stored in one form: UTC, milliseconds.
    event.at = at.to_rfc3339_opts(SecondsFormat::Millis, true);

    if event.event == EventKind::Response {
        let score = event
            .score
            .ok_or("score: missing (required for a response)")?;
        let (low, high) = event.kind.scale();
        event.category = Some(event.kind.categorize(score).ok_or_else(|| {
            format!(
                "score: {score} is off the {} scale {low}-{high}",
                event.kind
            )
        })?);
        event.comment = event
            .comment
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned);
        if let Some(comment) = &event.comment {
            check_text("comment", comment, MAX_COMMENT_CHARS, false)?;
        }
    } else {
        (event.score, event.category, event.comment) = (None, None, None);
    }
    let week = at.iso_week();
    let attributes = attributes(extra)?;
    Ok(Valid {
        attributes,
        at_ms: at.timestamp_millis(),
        week: format!("{}-W{:02}", week.year(), week.week()),
        event,
    })
}

/// The first 40 characters of a value, for an error message.
fn truncated(text: &str) -> String {
    text.chars().take(40).collect()
}

/// Checks a text field: not blank when `required`, at most `max_chars` characters, and no
/// control characters (a comment may hold line breaks and tabs). NUL and its kin are refused
/// here, as a client mistake, rather than failing in the database.
fn check_text(field: &str, value: &str, max_chars: usize, required: bool) -> Result<(), String> {
    if required && value.trim().is_empty() {
        return Err(format!("{field}: must not be empty"));
    }
    let chars = value.chars().count();
    if chars > max_chars {
        return Err(format!(
            "{field}: {chars} characters, at most {max_chars} allowed"
        ));
    }
    let allowed = |c: char| field == "comment" && matches!(c, '\n' | '\t' | '\r');
    if value.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(format!("{field}: control characters are not allowed"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use survey_widget::core::metric::Category;

    fn now() -> DateTime<Utc> {
        "2026-11-24T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn ids_are_uuids_survey_ids_follow_the_rule_and_at_is_neither_in_the_future_nor_before_1970() {
        let cases = [
            ("id", json!("a"), "id: \"a\" is not a UUID"),
            (
                "survey_id",
                json!("../../etc"),
                "survey_id: only letters A-Z, digits, _ and - are allowed",
            ),
            (
                "at",
                json!("9999-01-01T00:00:00Z"),
                "at: 9999-01-01T00:00:00Z is more than a day ahead of the collector's clock",
            ),
            (
                "at",
                json!("1969-12-31T23:00:00Z"),
                "at: 1969-12-31T23:00:00Z is before 1970",
            ),
        ];
        for (field, value, message) in cases {
            let mut event = response(9, "promoter");
            event[field] = value;
            let rejection = parse_body(&serde_json::to_vec(&event).unwrap(), now()).unwrap_err();
            assert_eq!(rejection.message, message);
        }
        let mut tomorrow = response(9, "promoter");
        tomorrow["at"] = json!("2026-11-25T11:00:00Z");
        assert!(
            parse_body(&serde_json::to_vec(&tomorrow).unwrap(), now()).is_ok(),
            "clock skew under a day"
        );
    }

    fn response(score: u8, category: &str) -> Value {
        json!({"id": "0b6c5ae4-3c55-4d3e-9a63-1f0f3c8a2b11", "event": "response", "survey_id": "s", "kind": "nps", "score": score,
               "category": category, "comment": "  ", "visitor_id": null, "locale": "en",
               "page_url": "https://example.com/", "at": "2026-11-23T23:30:00-02:00",
               "widget_version": "0.1.0", "survey_version": "h", "extra": true})
    }

    #[test]
    fn category_is_recomputed_and_week_is_utc() {
        let mut response = response(9, "detractor");
        let body = serde_json::to_vec(&response).unwrap();
        let valid = parse_body(&body, now()).unwrap().remove(0);
        assert_eq!(valid.event.category, Some(Category::Promoter));
        assert_eq!(valid.event.comment, None);
        // 23:30 at -02:00 is Tuesday 01:30 UTC, still ISO week 48.
        assert_eq!(valid.week, "2026-W48");
        response["category"] = json!({"not": "a category"});
        response["score"] = json!(9.0);
        let valid = parse_body(&serde_json::to_vec(&response).unwrap(), now())
            .unwrap()
            .remove(0);
        assert_eq!(valid.event.category, Some(Category::Promoter));
    }

    #[test]
    fn errors_name_the_field_and_the_index() {
        let mut bad = response(9, "promoter");
        bad["page_url"] = json!(42);
        let body = serde_json::to_vec(&json!([response(1, "detractor"), bad])).unwrap();
        let rejection = parse_body(&body, now()).unwrap_err();
        assert_eq!(rejection.index, Some(1));
        assert!(
            rejection.message.starts_with("page_url:"),
            "{}",
            rejection.message
        );
    }
}
