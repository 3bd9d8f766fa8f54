//! The shared vectors of `tests/loader-vectors.json`, on the Rust side: what the loader decides
//! before the widget loads (storage keys, config fingerprint, language, the cheap per-survey
//! checks) is what the widget decides. `e2e/loader-vectors.test.mjs` runs the same vectors
//! through the built loader.
//!
//! It builds configs from `serde_json` values, so it needs the `serde` feature: on in
//! `cargo test --workspace` (the collector's dependency turns it on), or with `--features serde`.
#![cfg(all(not(target_arch = "wasm32"), feature = "serde"))]

use serde_json::Value;
use survey_widget::core::criteria::Context;
use survey_widget::core::dates::parse_date_ms;
use survey_widget::core::eligibility::{check, Facts};
use survey_widget::core::hash::fingerprint32;
use survey_widget::core::i18n::{negotiate_among, LOCALES};
use survey_widget::core::json::Json;
use survey_widget::core::keys;
use survey_widget::core::throttle::VisitorState;

fn vectors() -> Value {
    serde_json::from_str(include_str!("loader-vectors.json")).expect("the vectors are JSON")
}

#[test]
fn storage_keys_are_the_loaders() {
    let keys_json = &vectors()["storage_keys"];
    assert_eq!(keys_json["outbox"], keys::OUTBOX);
    assert_eq!(keys_json["quiet"], keys::QUIET);
}

#[test]
fn config_fingerprints_are_the_loaders() {
    for pair in vectors()["fingerprints"].as_array().unwrap() {
        let (text, expected) = (pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
        assert_eq!(fingerprint32(text), expected, "{text:?}");
    }
}

#[test]
fn the_language_is_the_one_whose_file_the_loader_fetches() {
    for case in vectors()["languages"].as_array().unwrap() {
        let browser: Vec<String> = serde_json::from_value(case["browser"].clone()).unwrap();
        let html = case["html"].as_str().filter(|lang| !lang.is_empty());
        let language = negotiate_among(
            LOCALES,
            case["locale"].as_str().unwrap(),
            &browser,
            html,
            &[],
        );
        assert_eq!(language.code, case["expected"].as_str().unwrap(), "{case}");
    }
}

#[test]
fn the_loaders_cheap_checks_agree_with_the_widgets_decision() {
    for case in vectors()["surveys"].as_array().unwrap() {
        let mut survey = case["survey"].clone();
        survey["id"] = "s".into();
        survey["kind"] = "nps".into();
        let config = serde_json::json!({"collector": "/v1/events", "surveys": [survey]});
        let parsed = survey_widget::core::config::parse(&Json::from(config)).expect("it parses");
        let survey = parsed.config.surveys.first().expect("the survey is valid");
        let now = case["now"]
            .as_str()
            .and_then(parse_date_ms)
            .unwrap_or(1.8e12);
        let context = Context {
            now_ms: now,
            ..Context::default()
        };
        let facts = Facts {
            visitor_id: case["cookie"].as_bool().unwrap().then_some("v-1"),
            sampling_id: "v-1",
            identity_cookie: "visitor_id",
            path: case["path"].as_str().unwrap(),
            context: &context,
            state: &VisitorState::default(),
            quiet_days: 14.0,
            shown_this_page_view: false,
        };
        let shows = check(survey, &facts).is_ok();
        assert_eq!(shows, case["shows"].as_bool().unwrap(), "{}", case["about"]);
    }
}
