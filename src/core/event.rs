//! The wire format: one JSON object per event, POSTed to the collector (SPEC 3.5).

use crate::core::encoding;
use crate::core::json::Json;
use crate::core::metric::{Category, Kind};

/// The widget's version, sent with every event.
pub const WIDGET_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Longest follow-up comment, in characters (SPEC 4).
pub const MAX_COMMENT_CHARS: usize = 2000;

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum EventKind {
    /// The pop-up became visible (an impression, for the response rate).
    Shown,
    /// A score was chosen (comment `null`), or the comment was added (same `id`).
    Response,
    /// The visitor closed the pop-up without choosing a score.
    Dismissed,
}

/// One event as sent to the collector. `id` is the idempotency key: a `response` with a known id
/// replaces the earlier one (that is how the follow-up comment is added).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Event {
    /// UUID v4, unique per event (shared by a response and its comment update).
    pub id: String,
    /// `shown`, `response` or `dismissed`.
    pub event: EventKind,
    /// The survey's `id` from the config.
    pub survey_id: String,
    /// The survey's kind.
    pub kind: Kind,
    /// The chosen score (responses only).
    pub score: Option<u8>,
    /// The score's category (responses only).
    pub category: Option<Category>,
    /// The follow-up answer, at most [`MAX_COMMENT_CHARS`] characters.
    pub comment: Option<String>,
    /// The identity cookie's value (`None` for anonymous visitors).
    pub visitor_id: Option<String>,
    /// The locale the survey was shown in (`en`, `fi`, ...).
    pub locale: String,
    /// The page the survey was shown on.
    pub page_url: String,
    /// When it happened, RFC 3339 in UTC.
    pub at: String,
    /// The widget's version.
    pub widget_version: String,
    /// A hash of the survey's config, so changed wording can be told apart in reports.
    pub survey_version: String,
    /// Attributes for breakdowns (see [`report_attributes`]); the collector reads them from
    /// the JSON itself.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub attributes: Vec<(String, Json)>,
}

/// Most attributes an event carries.
pub const MAX_ATTRIBUTES: usize = 20;

/// Longest attribute value sent, in characters.
pub const MAX_ATTRIBUTE_CHARS: usize = 200;

/// Whether `name` can name an attribute: 1-64 characters of `A-Z a-z 0-9 _ . -` (the
/// collector's rule).
pub fn is_attribute_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// The attributes a survey's events carry: the visitor attributes the survey's
/// `report_attributes` names (strings and numbers only), the `device`, and the `utm_*`
/// parameters of the visit's landing page, at most [`MAX_ATTRIBUTES`] in all.
pub fn report_attributes(
    names: &[String],
    visitor: &crate::core::map::Map<String, Json>,
    device: &str,
    landing_url: &str,
) -> Vec<(String, Json)> {
    let mut out: Vec<(String, Json)> = names
        .iter()
        .filter_map(|name| match visitor.get(name.as_str())? {
            Json::String(text) => Some((name.clone(), Json::from(capped(text)))),
            Json::Number(n) => Some((name.clone(), Json::Number(*n))),
            _ => None,
        })
        .collect();
    out.push(("device".into(), Json::from(device)));
    let query = landing_url
        .split_once('?')
        .map_or("", |(_, rest)| rest.split('#').next().unwrap_or(""));
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if key.starts_with("utm_") && is_attribute_name(key) && !out.iter().any(|(k, _)| k == key) {
            out.push((key.into(), Json::from(capped(&url_decode(value)))));
        }
    }
    out.truncate(MAX_ATTRIBUTES);
    out
}

fn capped(text: &str) -> String {
    text.chars()
        .take(MAX_ATTRIBUTE_CHARS)
        .filter(|c| !c.is_control())
        .collect()
}

/// Decodes a query value (`+` is a space, `%XX` a byte); invalid UTF-8 is replaced.
fn url_decode(text: &str) -> String {
    String::from_utf8_lossy(&encoding::percent_decode(text, true)).into_owned()
}

impl EventKind {
    /// Every kind of event.
    pub const ALL: [EventKind; 3] = [EventKind::Shown, EventKind::Response, EventKind::Dismissed];

    /// The lowercase name on the wire (`"response"`).
    pub fn key(self) -> &'static str {
        match self {
            EventKind::Shown => "shown",
            EventKind::Response => "response",
            EventKind::Dismissed => "dismissed",
        }
    }
}

impl Event {
    /// The wire format (SPEC 3.5).
    pub fn to_json(&self) -> Json {
        Json::object([
            ("id", Json::from(self.id.as_str())),
            ("event", Json::from(self.event.key())),
            ("survey_id", Json::from(self.survey_id.as_str())),
            ("kind", Json::from(self.kind.key())),
            ("score", Json::from(self.score.map(u32::from))),
            ("category", Json::from(self.category.map(Category::key))),
            ("comment", Json::from(self.comment.clone())),
            ("visitor_id", Json::from(self.visitor_id.clone())),
            ("locale", Json::from(self.locale.as_str())),
            ("page_url", Json::from(self.page_url.as_str())),
            ("at", Json::from(self.at.as_str())),
            ("widget_version", Json::from(self.widget_version.as_str())),
            ("survey_version", Json::from(self.survey_version.as_str())),
            ("attributes", Json::Object(self.attributes.clone())),
        ])
    }

    /// Reads an event the widget stored itself; `None` if it is not one.
    pub fn from_json(json: &Json) -> Option<Event> {
        let text = |key: &str| json.get(key)?.as_str().map(str::to_string);
        let optional_text = |key: &str| match json.get(key) {
            None | Some(Json::Null) => Some(None),
            Some(value) => value.as_str().map(|s| Some(s.to_string())),
        };
        let event = text("event")?;
        let kind = text("kind")?;
        let category = match json.get("category") {
            None | Some(Json::Null) => None,
            Some(value) => Some(Category::from_key(value.as_str()?)?),
        };
        let score = match json.get("score") {
            None | Some(Json::Null) => None,
            Some(value) => Some(u8::try_from(value.as_f64()? as i64).ok()?),
        };
        Some(Event {
            id: text("id")?,
            event: EventKind::ALL.into_iter().find(|k| k.key() == event)?,
            survey_id: text("survey_id")?,
            kind: Kind::from_key(&kind)?,
            score,
            category,
            comment: optional_text("comment")?,
            visitor_id: optional_text("visitor_id")?,
            locale: text("locale")?,
            page_url: text("page_url")?,
            at: text("at")?,
            widget_version: text("widget_version")?,
            survey_version: text("survey_version")?,
            attributes: match json.get("attributes") {
                Some(Json::Object(fields)) => fields.clone(),
                _ => Vec::new(),
            },
        })
    }
}

/// What stays the same for every event of one survey display.
#[derive(Clone, Debug, PartialEq)]
pub struct EventContext {
    /// The survey's `id`.
    pub survey_id: String,
    /// The survey's kind.
    pub kind: Kind,
    /// See [`Event::survey_version`].
    pub survey_version: String,
    /// See [`Event::visitor_id`].
    pub visitor_id: Option<String>,
    /// See [`Event::locale`].
    pub locale: String,
    /// See [`Event::page_url`].
    pub page_url: String,
    /// See [`Event::attributes`].
    pub attributes: Vec<(String, Json)>,
}

impl EventContext {
    /// An event of this display. `score` is ignored unless it is on the kind's scale.
    pub fn event(&self, id: String, event: EventKind, at: String) -> Event {
        Event {
            id,
            event,
            survey_id: self.survey_id.clone(),
            kind: self.kind,
            score: None,
            category: None,
            comment: None,
            visitor_id: self.visitor_id.clone(),
            locale: self.locale.clone(),
            page_url: self.page_url.clone(),
            at,
            widget_version: WIDGET_VERSION.to_string(),
            survey_version: self.survey_version.clone(),
            attributes: self.attributes.clone(),
        }
    }

    /// A `response` event with its score and category, and the comment once there is one.
    /// Returns `None` for a score off the kind's scale.
    pub fn response(
        &self,
        id: String,
        score: u8,
        comment: Option<&str>,
        at: String,
    ) -> Option<Event> {
        let category = self.kind.categorize(score)?;
        Some(Event {
            score: Some(score),
            category: Some(category),
            comment: comment
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(cap_comment),
            ..self.event(id, EventKind::Response, at)
        })
    }
}

/// Trims a comment to [`MAX_COMMENT_CHARS`] characters.
pub fn cap_comment(comment: &str) -> String {
    comment.chars().take(MAX_COMMENT_CHARS).collect()
}

/// Formats 16 random bytes as a UUID v4 (sets the version and variant bits).
pub fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        encoding::push_hex(&mut out, *byte);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::fixtures::event_context;

    #[test]
    fn a_response_serializes_to_the_spec_wire_format() {
        let event = event_context().response("id-1".into(), 9, None, "2026-11-23T10:00:00Z".into());
        let event = event.expect("9 is on the NPS scale");
        let json = event.to_json();
        assert_eq!(Event::from_json(&json), Some(event));
        assert_eq!(
            json,
            Json::from(serde_json::json!({
                "id": "id-1", "event": "response", "survey_id": "nps-main", "kind": "nps",
                "score": 9, "category": "promoter", "comment": null, "visitor_id": "v1",
                "locale": "en", "page_url": "https://example.com/app",
                "at": "2026-11-23T10:00:00Z", "widget_version": WIDGET_VERSION,
                "survey_version": "abc", "attributes": {"device": "desktop"}
            }))
        );
    }

    #[test]
    fn report_attributes_are_named_visitor_attributes_device_and_landing_utm() {
        let visitor: crate::core::map::Map<String, Json> = [
            ("plan".to_string(), Json::from("pro")),
            ("seats".to_string(), Json::Number(12.0)),
            ("flags".to_string(), Json::Array(vec![])),
            ("email".to_string(), Json::from("not named, not sent")),
        ]
        .into_iter()
        .collect();
        let names = ["plan", "seats", "flags", "missing"].map(String::from);
        let got = report_attributes(
            &names,
            &visitor,
            "mobile",
            "https://x.example/?utm_source=news+letter&utm_campaign=%C3%A9t%C3%A9&utm_%5B%5D=x&other=1#top",
        );
        let expected: Vec<(String, Json)> = vec![
            ("plan".into(), Json::from("pro")),
            ("seats".into(), Json::Number(12.0)),
            ("device".into(), Json::from("mobile")),
            ("utm_source".into(), Json::from("news letter")),
            ("utm_campaign".into(), Json::from("été")),
        ];
        assert_eq!(got, expected);
        let long = "https://x.example/?".to_string()
            + &(0..30)
                .map(|i| format!("utm_{i}=x"))
                .collect::<Vec<_>>()
                .join("&");
        assert_eq!(
            report_attributes(&[], &visitor, "desktop", &long).len(),
            MAX_ATTRIBUTES
        );
    }

    /// The collector reads events with serde; the widget writes them by hand: the two agree.
    #[cfg(feature = "serde")]
    #[test]
    fn the_collector_reads_what_the_widget_writes() {
        let ctx = event_context();
        let events = [
            ctx.response("r".into(), 0, Some("line\n\"quoted\" é"), "t".into())
                .unwrap(),
            ctx.event("s".into(), EventKind::Shown, "t".into()),
            EventContext {
                visitor_id: None,
                kind: Kind::Ces,
                ..event_context()
            }
            .event("d".into(), EventKind::Dismissed, "t".into()),
        ];
        for event in events {
            let read: Event = serde_json::from_str(&event.to_json().to_text()).unwrap();
            // `attributes` the collector reads from the JSON itself (its ingest tests).
            let expected = Event {
                attributes: Vec::new(),
                ..event
            };
            assert_eq!(read, expected);
        }
    }

    #[test]
    fn anything_but_a_stored_event_reads_as_none() {
        let event = event_context().event("s".into(), EventKind::Shown, "t".into());
        let mut json = event.to_json();
        assert!(Event::from_json(&json).is_some());
        if let Json::Object(fields) = &mut json {
            fields.retain(|(key, _)| key != "survey_id");
        }
        assert_eq!(Event::from_json(&json), None);
        assert_eq!(Event::from_json(&Json::from("event")), None);
        let bad_score = crate::core::json::parse(
            &event
                .to_json()
                .to_text()
                .replace("\"score\":null", "\"score\":\"9\""),
        );
        assert_eq!(Event::from_json(&bad_score), None);
    }

    #[test]
    fn comments_are_trimmed_capped_and_blank_ones_dropped() {
        let ctx = event_context();
        let long = "é".repeat(MAX_COMMENT_CHARS + 10);
        let capped = ctx
            .response("i".into(), 3, Some(&long), "t".into())
            .unwrap();
        assert_eq!(capped.comment.unwrap().chars().count(), MAX_COMMENT_CHARS);
        let blank = ctx
            .response("i".into(), 3, Some("   "), "t".into())
            .unwrap();
        assert_eq!(blank.comment, None);
        assert_eq!(blank.category, Some(Category::Detractor));
        assert!(ctx.response("i".into(), 11, None, "t".into()).is_none());
    }

    #[test]
    fn uuid_v4_has_version_and_variant_bits() {
        let id = uuid_v4([0xff; 16]);
        assert_eq!(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(uuid_v4([0; 16]), "00000000-0000-4000-8000-000000000000");
    }
}
