//! The owner's JSON config (SPEC 3.4): parsing, defaults and validation.
//!
//! A broken survey never takes the others down: [`parse`] returns the valid surveys plus one
//! [`ConfigError`] per rejected survey, each naming the survey and the JSON path of the problem.

use crate::core::criteria::{self, Criteria};
use crate::core::metric::{Category, Kind};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

/// The whole config: where to send events and which surveys exist.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// URL events are POSTed to.
    pub collector: String,
    /// Name of the cookie that identifies a visitor.
    pub identity_cookie: String,
    /// Company name used in the standard questions; empty means "us" in the visitor's language.
    pub company: String,
    /// `auto` (negotiate from the browser) or a locale such as `fi`.
    pub locale: String,
    /// The valid surveys, in config order.
    pub surveys: Vec<Survey>,
}

impl Config {
    /// The valid survey with this id.
    pub fn survey(&self, id: &str) -> Option<&Survey> {
        self.surveys.iter().find(|survey| survey.id == id)
    }
}

/// One survey.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Survey {
    /// Unique id, sent with every event.
    pub id: String,
    /// NPS, CES or CSAT.
    pub kind: Kind,
    /// A disabled survey is never shown.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Whether visitors without the identity cookie may see it.
    #[serde(default)]
    pub anonymous: bool,
    /// Who may see it (`None`: everyone who passes identity and throttles).
    #[serde(skip)]
    pub segment: Option<Criteria>,
    /// When the pop-up appears.
    #[serde(default)]
    pub trigger: Trigger,
    /// Share of visitors asked, 0-100, decided by a stable hash of visitor and survey id.
    #[serde(default = "hundred")]
    pub sample_percent: f64,
    /// Days before a visitor who answered is asked again.
    #[serde(default = "ninety")]
    pub recontact_days: f64,
    /// Days before a visitor who dismissed the survey sees it again.
    #[serde(default = "seven")]
    pub dismiss_days: f64,
    /// Shows without an answer after which the visitor is never asked again (0: no limit).
    #[serde(default = "three")]
    pub max_shows: u32,
    /// Custom texts per locale (`en`, `fi`, ...); built-in texts fill the gaps.
    #[serde(default)]
    pub text: BTreeMap<String, SurveyText>,
    /// A hash of this survey's config (filled in by [`parse`]).
    #[serde(skip)]
    pub version: String,
}

/// When a survey pops up: every condition set here must hold (all of them, in any order).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Trigger {
    /// Seconds after the survey became eligible on this page (at load, or on the SPA route where
    /// it became eligible; a survey still eligible after a navigation keeps counting).
    pub delay_seconds: f64,
    /// How far down the page the visitor has scrolled, 0-100 (0: no condition).
    pub scroll_percent: f64,
    /// The visitor is about to leave (see `browser::triggers` for how it is detected).
    pub exit_intent: bool,
    /// A name given to `SurveyWidget.track(name)`.
    pub event: Option<String>,
    /// Path globs (`*` matches anything) the page must match; empty: every page.
    pub pages: Vec<String>,
    /// Path globs where the survey never shows.
    pub exclude_pages: Vec<String>,
}

/// Texts of one survey in one locale. Every field is optional.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SurveyText {
    /// Replaces the standard question (CSAT wording is customizable; keep NPS standard).
    pub question: Option<String>,
    /// The follow-up question per category.
    pub follow_up: BTreeMap<Category, String>,
    /// The thank-you text per category.
    pub thank_you: BTreeMap<Category, String>,
    /// An optional link under the thank-you text per category.
    pub link: BTreeMap<Category, Link>,
}

/// A link shown with the thank-you text (e.g. "Review us" for promoters).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// The link text.
    pub label: String,
    /// An `http(s)` URL.
    pub url: String,
}

fn yes() -> bool {
    true
}

fn hundred() -> f64 {
    100.0
}

fn ninety() -> f64 {
    90.0
}

fn seven() -> f64 {
    7.0
}

fn three() -> u32 {
    3
}

/// Why (part of) a config was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The survey's id, when the problem is inside a survey that has one.
    pub survey_id: Option<String>,
    /// JSON path of the problem, e.g. `surveys[1].text.en.follow_up.happy`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.survey_id {
            Some(id) => write!(
                f,
                "survey \"{id}\" skipped: {}: {}",
                self.path, self.message
            ),
            None if self.path.is_empty() => write!(f, "invalid config: {}", self.message),
            None => write!(f, "invalid config: {}: {}", self.path, self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The result of [`parse`]: the usable config and the surveys that were skipped.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    /// The config with only valid surveys.
    pub config: Config,
    /// One error per skipped survey.
    pub skipped: Vec<ConfigError>,
}

#[derive(Deserialize)]
struct RawConfig {
    collector: String,
    #[serde(default = "default_identity_cookie")]
    identity_cookie: String,
    #[serde(default)]
    company: String,
    #[serde(default = "default_locale")]
    locale: String,
    surveys: Vec<serde_json::Value>,
}

fn default_identity_cookie() -> String {
    "visitor_id".into()
}

fn default_locale() -> String {
    "auto".into()
}

/// Parses and validates a config. Fails only when the config as a whole is unusable (not JSON,
/// no `collector`, no `surveys` list); a bad survey is skipped and reported in [`Parsed::skipped`].
pub fn parse(json: &str) -> Result<Parsed, ConfigError> {
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let raw: RawConfig =
        serde_path_to_error::deserialize(&mut deserializer).map_err(|e| ConfigError {
            survey_id: None,
            path: json_path(e.path()),
            message: e.inner().to_string(),
        })?;
    if raw.collector.trim().is_empty() {
        return Err(ConfigError {
            survey_id: None,
            path: "collector".into(),
            message: "must not be empty".into(),
        });
    }
    if !raw.identity_cookie.chars().all(is_cookie_name_char) || raw.identity_cookie.is_empty() {
        return Err(ConfigError {
            survey_id: None,
            path: "identity_cookie".into(),
            message: format!("{:?} is not a valid cookie name", raw.identity_cookie),
        });
    }
    let mut surveys: Vec<Survey> = Vec::new();
    let mut skipped = Vec::new();
    for (index, value) in raw.surveys.iter().enumerate() {
        match parse_survey(index, value) {
            Ok(survey) if surveys.iter().any(|s| s.id == survey.id) => skipped.push(ConfigError {
                survey_id: Some(survey.id.clone()),
                path: format!("surveys[{index}].id"),
                message: "duplicate id; the first survey with this id is used".into(),
            }),
            Ok(survey) => surveys.push(survey),
            Err(error) => skipped.push(error),
        }
    }
    Ok(Parsed {
        config: Config {
            collector: raw.collector,
            identity_cookie: raw.identity_cookie,
            company: raw.company,
            locale: raw.locale,
            surveys,
        },
        skipped,
    })
}

fn is_cookie_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

fn parse_survey(index: usize, value: &serde_json::Value) -> Result<Survey, ConfigError> {
    let survey_id = value
        .get("id")
        .and_then(|id| id.as_str())
        .map(str::to_string);
    let error = |path: String, message: String| ConfigError {
        survey_id: survey_id.clone(),
        path: criteria::join(&format!("surveys[{index}]"), &path),
        message,
    };
    let mut survey: Survey = serde_path_to_error::deserialize(value)
        .map_err(|e| error(json_path(e.path()), e.inner().to_string()))?;
    if survey.id.trim().is_empty() {
        return Err(error("id".into(), "must not be empty".into()));
    }
    let ranges = [
        (
            "trigger.delay_seconds",
            survey.trigger.delay_seconds,
            86_400.0,
        ),
        (
            "trigger.scroll_percent",
            survey.trigger.scroll_percent,
            100.0,
        ),
        ("sample_percent", survey.sample_percent, 100.0),
        ("recontact_days", survey.recontact_days, 36_500.0),
        ("dismiss_days", survey.dismiss_days, 36_500.0),
    ];
    for (path, number, max) in ranges {
        if !(number.is_finite() && (0.0..=max).contains(&number)) {
            return Err(error(
                path.into(),
                format!(
                    "must be a number from 0 to {}",
                    crate::core::number_text(max)
                ),
            ));
        }
    }
    let globs = survey.trigger.pages.iter().map(|g| ("pages", g)).chain(
        survey
            .trigger
            .exclude_pages
            .iter()
            .map(|g| ("exclude_pages", g)),
    );
    for (index, (field, glob)) in globs.enumerate() {
        if !glob.starts_with('/') && !glob.starts_with('*') {
            let position = if field == "pages" {
                index
            } else {
                index - survey.trigger.pages.len()
            };
            return Err(error(
                format!("trigger.{field}[{position}]"),
                format!("{glob:?} must be a path glob starting with / or *"),
            ));
        }
    }
    if survey
        .trigger
        .event
        .as_deref()
        .is_some_and(|e| e.trim().is_empty())
    {
        return Err(error(
            "trigger.event".into(),
            "must be a non-empty event name or null".into(),
        ));
    }
    if let Some(segment) = value.get("segment").filter(|s| !s.is_null()) {
        let parsed = Criteria::parse(segment)
            .map_err(|e| error(criteria::join("segment", &e.path), e.message))?;
        survey.segment = Some(parsed);
    }
    for (locale, text) in &survey.text {
        let maps: [(&str, Vec<&Category>); 3] = [
            ("follow_up", text.follow_up.keys().collect()),
            ("thank_you", text.thank_you.keys().collect()),
            ("link", text.link.keys().collect()),
        ];
        for (field, keys) in maps {
            if let Some(category) = keys
                .into_iter()
                .find(|c| !survey.kind.categories().contains(c))
            {
                return Err(error(
                    format!("text.{locale}.{field}.{category}"),
                    format!(
                        "{category} is not a {} category (use {})",
                        survey.kind,
                        category_list(survey.kind)
                    ),
                ));
            }
        }
        for (category, link) in &text.link {
            if !(link.url.starts_with("https://") || link.url.starts_with("http://")) {
                return Err(error(
                    format!("text.{locale}.link.{category}.url"),
                    "must be an http(s) URL".into(),
                ));
            }
        }
    }
    survey.version = fingerprint(&value.to_string());
    Ok(survey)
}

/// Renders a serde path as `a.b[0].c` (empty for the root).
fn json_path(path: &serde_path_to_error::Path) -> String {
    let text = path.to_string();
    if text == "." {
        String::new()
    } else {
        text.replace('?', "")
    }
}

fn category_list(kind: Kind) -> String {
    kind.categories()
        .iter()
        .map(|c| c.key())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A 32-bit FNV-1a hash of a text's UTF-16 code units, as hex: the loader computes the same in
/// JavaScript to tell whether a stored "quiet until" belongs to the config it has.
pub fn fingerprint32(text: &str) -> String {
    let hash = text.encode_utf16().fold(0x811c_9dc5_u32, |hash, unit| {
        (hash ^ u32::from(unit)).wrapping_mul(0x0100_0193)
    });
    format!("{hash:08x}")
}

/// A short stable hash (FNV-1a, 64 bits, hex) of a text.
pub fn fingerprint(text: &str) -> String {
    format!("{:016x}", crate::core::fnv1a64(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{"collector": "https://c.example/v1/events", "surveys": [{"id": "nps-main", "kind": "nps"}]}"#;

    #[test]
    fn a_minimal_config_gets_sensible_defaults() {
        let parsed = parse(MINIMAL).unwrap();
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
        let config = parse(json).unwrap().config;
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
        let parsed = parse(json).unwrap();
        assert_eq!(parsed.config.surveys.len(), 1);
        assert_eq!(parsed.config.surveys[0].id, "good");
        let messages: Vec<String> = parsed.skipped.iter().map(ToString::to_string).collect();
        assert!(
            messages[0].starts_with(
                "survey \"wrong-kind\" skipped: surveys[1].kind: unknown variant `nps2`"
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
                "survey \"bad-delay\" skipped: surveys[3].trigger.delay_seconds: invalid type"
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
    fn an_unusable_config_is_one_clear_error() {
        let not_json = parse("{oops").unwrap_err().to_string();
        assert!(not_json.starts_with("invalid config: "), "{not_json}");
        let no_collector = parse(r#"{"surveys": []}"#).unwrap_err();
        assert!(
            no_collector.message.contains("missing field `collector`"),
            "{no_collector}"
        );
        let bad_cookie =
            parse(r#"{"collector": "/c", "identity_cookie": "a b", "surveys": []}"#).unwrap_err();
        assert_eq!(bad_cookie.path, "identity_cookie");
        let survey_without_id =
            parse(r#"{"collector": "/c", "surveys": [{"kind": "nps"}]}"#).unwrap();
        assert_eq!(
            survey_without_id.skipped[0].to_string(),
            "invalid config: surveys[0]: missing field `id`"
        );
    }

    #[test]
    fn hostile_link_urls_are_rejected() {
        let json = r#"{"collector": "/c", "surveys": [{"id": "s", "kind": "nps",
            "text": {"en": {"link": {"promoter": {"label": "x", "url": "javascript:alert(1)"}}}}}]}"#;
        let parsed = parse(json).unwrap();
        assert!(parsed.config.surveys.is_empty());
        assert_eq!(
            parsed.skipped[0].path,
            "surveys[0].text.en.link.promoter.url"
        );
    }

    #[test]
    fn fingerprint_is_stable_and_sensitive() {
        assert_eq!(fingerprint("abc"), fingerprint("abc"));
        assert_ne!(fingerprint("abc"), fingerprint("abd"));
        assert_eq!(fingerprint(""), "cbf29ce484222325");
        // Same values as the loader's JavaScript (Math.imul over UTF-16 code units).
        assert_eq!(fingerprint32(""), "811c9dc5");
        assert_eq!(fingerprint32("a"), "e40c292c");
        assert_eq!(fingerprint32("é€"), "fdca1138");
    }
}
