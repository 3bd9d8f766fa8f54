//! What the core's tests share: a survey from a few JSON fields, and an event context.

use crate::core::config::Survey;
use crate::core::event::EventContext;
use crate::core::json::Json;
use crate::core::metric::Kind;

/// The NPS survey `s` of a minimal config, with `extra` JSON fields (`, "max_shows": 2`).
pub fn survey(extra: &str) -> Survey {
    let json =
        format!(r#"{{"collector": "/c", "surveys": [{{"id": "s", "kind": "nps"{extra}}}]}}"#);
    let parsed = crate::core::config::parse_text(&json).expect("the fixture config parses");
    assert!(parsed.skipped.is_empty(), "{:?}", parsed.skipped);
    parsed
        .config
        .surveys
        .into_iter()
        .next()
        .expect("one survey")
}

/// The context of events of NPS survey `nps-main`, shown to visitor `v1` on a desktop.
pub fn event_context() -> EventContext {
    EventContext {
        survey_id: "nps-main".into(),
        kind: Kind::Nps,
        survey_version: "abc".into(),
        visitor_id: Some("v1".into()),
        locale: "en".into(),
        page_url: "https://example.com/app".into(),
        attributes: vec![("device".into(), Json::from("desktop"))],
    }
}
