//! The config parser's tests: defaults, every validation rule, and paths in errors.

use super::*;
use crate::core::dates::parse_date_ms;
use crate::core::metric::Category;

const MINIMAL: &str = r#"{"collector": "https://c.example/v1/events", "surveys": [{"id": "nps-main", "kind": "nps"}]}"#;

#[test]
fn a_minimal_config_gets_sensible_defaults() {
    let parsed = parse_text(MINIMAL).unwrap();
    assert!(parsed.skipped.is_empty());
    let config = parsed.config;
    assert_eq!(config.identity_cookie, "visitor_id");
    assert_eq!(config.locale, "auto");
    assert_eq!(config.company, "");
    let survey = &config.surveys[0];
    assert_eq!((survey.id.as_str(), survey.kind), ("nps-main", Kind::Nps));
    assert!(survey.enabled);
    assert!(!survey.anonymous);
    assert_eq!(survey.trigger.delay_seconds, 0.0);
    assert_eq!(survey.version.len(), 16);
    let reordered = r#"{"surveys": [{"kind": "nps", "id": "nps-main"}], "collector": "/c"}"#;
    let reworded = r#"{"collector": "/c", "surveys": [{"id": "nps-main", "kind": "ces"}]}"#;
    let version = |text| parse_text(text).unwrap().config.surveys[0].version.clone();
    assert_eq!(
        version(reordered),
        survey.version,
        "key order does not matter"
    );
    assert_ne!(version(reworded), survey.version);
}

#[test]
fn the_spec_example_parses_with_custom_texts() {
    let json = r#"{
      "collector": "https://collect.example.com/v1/events", "identity_cookie": "vid",
      "company": "Acme", "locale": "fi",
      "surveys": [{"id": "nps-main", "kind": "nps", "enabled": true, "anonymous": true,
        "trigger": {"delay_seconds": 5, "scroll_percent": 0},
        "text": {"en": {"follow_up": {"detractor": "What went wrong?"},
                        "thank_you": {"promoter": "Thanks!"},
                        "link": {"promoter": {"label": "Review us", "url": "https://r.example"}}}}}]
    }"#;
    let config = parse_text(json).unwrap().config;
    assert_eq!(
        (config.identity_cookie.as_str(), config.company.as_str()),
        ("vid", "Acme")
    );
    let survey = &config.surveys[0];
    assert!(survey.anonymous);
    assert_eq!(survey.trigger.delay_seconds, 5.0);
    let en = &survey.text["en"];
    assert_eq!(en.follow_up[&Category::Detractor], "What went wrong?");
    assert_eq!(en.link[&Category::Promoter].label, "Review us");
}

#[test]
fn a_bad_survey_is_skipped_with_its_id_and_json_path_and_the_rest_still_run() {
    let json = r#"{"collector": "/v1/events", "surveys": [
        {"id": "good", "kind": "csat"},
        {"id": "wrong-kind", "kind": "nps2"},
        {"id": "wrong-category", "kind": "ces", "text": {"fi": {"follow_up": {"promoter": "x"}}}},
        {"id": "bad-delay", "kind": "nps", "trigger": {"delay_seconds": "soon"}},
        {"id": "good", "kind": "nps"}
    ]}"#;
    let parsed = parse_text(json).unwrap();
    assert_eq!(parsed.config.surveys.len(), 1);
    assert_eq!(parsed.config.surveys[0].id, "good");
    let messages: Vec<String> = parsed.skipped.iter().map(ToString::to_string).collect();
    assert!(
        messages[0].starts_with(
            "survey \"wrong-kind\" skipped: surveys[1].kind: unknown kind \"nps2\" (use nps, ces or csat)"
        ),
        "{}",
        messages[0]
    );
    assert_eq!(
        messages[1],
        "survey \"wrong-category\" skipped: surveys[2].text.fi.follow_up.promoter: promoter is not a ces category (use difficult, neutral, easy)"
    );
    assert!(
        messages[2].starts_with(
            "survey \"bad-delay\" skipped: surveys[3].trigger.delay_seconds: must be a number, not a string"
        ),
        "{}",
        messages[2]
    );
    assert!(
        messages[3].contains("surveys[4].id: duplicate id"),
        "{}",
        messages[3]
    );
}

#[test]
fn without_surveys_a_config_has_none_and_no_error() {
    let parsed = parse_text(r#"{"collector": "/c"}"#).unwrap();
    assert_eq!((parsed.config.surveys.len(), parsed.skipped.len()), (0, 0));
}

#[test]
fn an_unusable_config_is_one_clear_error() {
    let not_an_object = parse(&Json::from(vec![])).unwrap_err().to_string();
    assert_eq!(
        not_an_object,
        "invalid config: must be an object, not a list"
    );
    let no_collector = parse_text(r#"{"surveys": []}"#).unwrap_err();
    assert_eq!(
        no_collector.to_string(),
        "invalid config: collector: is required"
    );
    let bad_cookie =
        parse_text(r#"{"collector": "/c", "identity_cookie": "a b", "surveys": []}"#).unwrap_err();
    assert_eq!(bad_cookie.path, "identity_cookie");
    let survey_without_id =
        parse_text(r#"{"collector": "/c", "surveys": [{"kind": "nps"}]}"#).unwrap();
    assert_eq!(
        survey_without_id.skipped[0].to_string(),
        "invalid config: surveys[0].id: is required"
    );
}

#[test]
fn wrong_types_and_typos_name_their_path() {
    let surveys = [
        r#"{"id": "a", "kind": "nps", "max_shows": 2.5}"#,
        r#"{"id": "b", "kind": "nps", "trigger": {"pages": ["/app/*", 7]}}"#,
        r#"{"id": "c", "kind": "nps", "text": {"en": {"follow-up": {}}}}"#,
        r#"{"id": "d", "kind": "nps", "enabled": "yes"}"#,
        r#"{"id": "e", "kind": "nps", "trigger": "soon"}"#,
    ];
    let json = format!(
        r#"{{"collector": "/c", "surveys": [{}]}}"#,
        surveys.join(",")
    );
    let messages: Vec<String> = parse_text(&json)
        .unwrap()
        .skipped
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        messages,
        [
            "survey \"a\" skipped: surveys[0].max_shows: must be a whole number >= 0",
            "survey \"b\" skipped: surveys[1].trigger.pages[1]: must be a string, not a number",
            "survey \"c\" skipped: surveys[2].text.en.follow-up: unknown field; did you mean `follow_up`?",
            "survey \"d\" skipped: surveys[3].enabled: must be true or false, not a string",
            "survey \"e\" skipped: surveys[4].trigger: must be an object, not a string",
        ]
    );
}

#[test]
fn a_typo_at_any_level_skips_the_survey_naming_its_path_and_the_key_it_meant() {
    let surveys = [
        r#"{"id": "a", "kind": "nps", "triger": {"delay_seconds": 5}}"#,
        r#"{"id": "b", "kind": "nps", "trigger": {"delay_secnds": 5}}"#,
        r#"{"id": "c", "kind": "nps", "segment": {"all": [{"atr": "plan", "op": "eq", "value": "pro"}]}}"#,
        r#"{"id": "d", "kind": "nps", "appearance": {"postion": "center"}}"#,
        r#"{"id": "e", "kind": "nps", "text": {"en": {"link": {"promoter": {"label": "x", "ulr": "https://r.example"}}}}}"#,
        r#"{"id": "f", "kind": "nps", "segment": {"any": [], "attr": "plan"}}"#,
        r#"{"id": "ok", "kind": "nps"}"#,
    ];
    let json = format!(
        r#"{{"collector": "/c", "surveys": [{}]}}"#,
        surveys.join(",")
    );
    let parsed = parse_text(&json).unwrap();
    let messages: Vec<String> = parsed.skipped.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "survey \"a\" skipped: surveys[0].triger: unknown field; did you mean `trigger`?",
            "survey \"b\" skipped: surveys[1].trigger.delay_secnds: unknown field; did you mean `delay_seconds`?",
            "survey \"c\" skipped: surveys[2].segment.all[0].atr: unknown field; did you mean `attr`?",
            "survey \"d\" skipped: surveys[3].appearance.postion: unknown field; did you mean `position`?",
            "survey \"e\" skipped: surveys[4].text.en.link.promoter.ulr: unknown field; did you mean `url`?",
            "survey \"f\" skipped: surveys[5].segment.attr: cannot be combined with \"any\" in one rule",
        ]
    );
    assert_eq!(
        parsed.config.surveys.len(),
        1,
        "the other surveys still run"
    );
    let root = parse_text(r#"{"collector": "/c", "quiet_dayz": 3, "surveys": []}"#).unwrap_err();
    assert_eq!(
        root.to_string(),
        "invalid config: quiet_dayz: unknown field; did you mean `quiet_days`?"
    );
    let far = parse_text(
        r#"{"collector": "/c", "surveys": [{"id": "g", "kind": "nps", "colour": "red"}]}"#,
    )
    .unwrap();
    assert!(
        far.skipped[0]
            .message
            .starts_with("unknown field (use id, kind, "),
        "{}",
        far.skipped[0]
    );
}

#[test]
fn surveys_come_highest_priority_first_and_ties_keep_config_order() {
    let json = r#"{"collector": "/c", "surveys": [
        {"id": "low", "kind": "nps", "priority": -1},
        {"id": "first-default", "kind": "nps"},
        {"id": "high", "kind": "csat", "priority": 5},
        {"id": "second-default", "kind": "ces", "priority": 0}
    ]}"#;
    let ids: Vec<String> = parse_text(json)
        .unwrap()
        .config
        .surveys
        .into_iter()
        .map(|survey| survey.id)
        .collect();
    assert_eq!(ids, ["high", "first-default", "second-default", "low"]);
    let fraction = parse_text(
        r#"{"collector": "/c", "surveys": [{"id": "p", "kind": "nps", "priority": 1.5}]}"#,
    )
    .unwrap();
    assert_eq!(
        fraction.skipped[0].to_string(),
        "survey \"p\" skipped: surveys[0].priority: must be a whole number from -1000000 to 1000000"
    );
}

#[test]
fn a_schedule_is_two_rfc_3339_times_in_order() {
    let survey = |fields: &str| {
        parse_text(&format!(
            r#"{{"collector": "/c", "surveys": [{{"id": "s", "kind": "nps", {fields}}}]}}"#
        ))
        .unwrap()
    };
    let ok = survey(r#""starts_at": "2026-12-01T09:00:00+01:00", "ends_at": "2026-12-31""#);
    let parsed = &ok.config.surveys[0];
    assert_eq!(parsed.starts_at, parse_date_ms("2026-12-01T08:00:00Z"));
    assert_eq!(parsed.ends_at, parse_date_ms("2026-12-31T00:00:00Z"));
    let reversed = survey(r#""starts_at": "2026-12-31", "ends_at": "2026-12-01""#);
    assert_eq!(
        reversed.skipped[0].to_string(),
        "survey \"s\" skipped: surveys[0].ends_at: must be later than starts_at"
    );
    let vague = survey(r#""starts_at": "next monday""#);
    assert_eq!(vague.skipped[0].path, "surveys[0].starts_at");
}

#[test]
fn a_survey_appearance_overrides_the_sites_field_by_field() {
    let json = r##"{"collector": "/c", "quiet_days": 30,
        "appearance": {"position": "bottom-left", "accent": "#0a7d4f", "logo": "https://acme.example/logo.svg"},
        "surveys": [
            {"id": "site", "kind": "nps"},
            {"id": "own", "kind": "nps", "appearance": {"position": "center", "branding": true}}
        ]}"##;
    let config = parse_text(json).unwrap().config;
    assert_eq!(config.quiet_days, 30.0);
    let site = &config.surveys[0].appearance;
    assert_eq!(site.position, Position::BottomLeft);
    assert_eq!(site.accent.as_deref(), Some("#0a7d4f"));
    assert!(!site.branding);
    let own = &config.surveys[1].appearance;
    assert_eq!(own.position, Position::Center);
    assert_eq!(own.accent, site.accent);
    assert_eq!(own.logo.as_deref(), Some("https://acme.example/logo.svg"));
    assert!(own.branding);
    let defaults = parse_text(MINIMAL).unwrap().config;
    assert_eq!(defaults.quiet_days, 14.0);
    assert_eq!(defaults.surveys[0].appearance, Appearance::default());
}

#[test]
fn an_accent_must_be_a_css_colour_and_a_logo_an_https_url() {
    for colour in [
        "#0a7d4f",
        "#FFF",
        "#0a7d4f80",
        "rgb(10 125 79)",
        "rgba(10, 125, 79, 0.5)",
        "hsl(160deg 85% 27%)",
        "oklch(0.5 0.1 160)",
        "teal",
    ] {
        assert!(is_css_colour(colour), "{colour}");
    }
    for bad in [
        "#12",
        "#ggg",
        "red; background: url(x)",
        "rgb(1,2,3",
        "url(x)",
        "expression(alert(1))",
        "",
        "var(--x)",
    ] {
        assert!(!is_css_colour(bad), "{bad}");
    }
    let appearance = |fields: &str| {
        let parsed = parse_text(&format!(
            r#"{{"collector": "/c", "surveys": [{{"id": "s", "kind": "nps", "appearance": {{{fields}}}}}]}}"#
        ))
        .unwrap();
        parsed.skipped.first().map(ToString::to_string)
    };
    assert_eq!(
        appearance(r#""accent": "red;}""#).as_deref(),
        Some("survey \"s\" skipped: surveys[0].appearance.accent: must be a CSS colour (e.g. #0a7d4f, rgb(10 125 79) or teal)")
    );
    assert_eq!(
        appearance(r#""logo": "http://acme.example/logo.png""#).as_deref(),
        Some("survey \"s\" skipped: surveys[0].appearance.logo: must be an https URL")
    );
    assert_eq!(
        appearance(r#""position": "top""#).as_deref(),
        Some("survey \"s\" skipped: surveys[0].appearance.position: must be bottom-right, bottom-left, bottom-center or center")
    );
    assert_eq!(
        appearance(r#""position": "center", "branding": false"#),
        None
    );
}

#[test]
fn text_on_the_accent_stays_readable() {
    let on = |accent: &str| {
        Appearance {
            accent: Some(accent.into()),
            ..Appearance::default()
        }
        .accent_text()
    };
    assert_eq!(on("#0a7d4f"), "#ffffff");
    assert_eq!(on("#ffd60a"), "#111327");
    assert_eq!(on("#FFF"), "#111327");
    assert_eq!(on("teal"), "#ffffff");
    assert_eq!(Appearance::default().accent_text(), "#ffffff");
}

#[test]
fn hostile_link_urls_are_rejected() {
    let json = r#"{"collector": "/c", "surveys": [{"id": "s", "kind": "nps",
        "text": {"en": {"link": {"promoter": {"label": "x", "url": "javascript:alert(1)"}}}}}]}"#;
    let parsed = parse_text(json).unwrap();
    assert!(parsed.config.surveys.is_empty());
    assert_eq!(
        parsed.skipped[0].path,
        "surveys[0].text.en.link.promoter.url"
    );
}
