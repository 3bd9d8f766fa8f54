//! The owner's JSON config (SPEC 3.4): parsing, defaults and validation.
//!
//! A broken survey never takes the others down: [`parse`] returns the valid surveys plus one
//! [`ConfigError`] per rejected survey, each naming the survey and the JSON path of the problem.

mod appearance;
mod reader;
mod texts;

pub use appearance::{is_css_colour, Appearance, Position};
pub use texts::{Link, SurveyText};

use crate::core::criteria::Criteria;
use crate::core::json::Json;
use crate::core::json_path::{join, PathError};
use crate::core::map::Map;
use crate::core::metric::Kind;
use appearance::parse_appearance;
use reader::{check_ranges, Object};
use std::fmt;
use texts::parse_survey_text;

/// The keys of the config's root object.
pub const ROOT_KEYS: [&str; 7] = [
    "collector",
    "identity_cookie",
    "company",
    "locale",
    "quiet_days",
    "appearance",
    "surveys",
];
/// The keys of a survey.
pub const SURVEY_KEYS: [&str; 16] = [
    "id",
    "kind",
    "enabled",
    "anonymous",
    "priority",
    "starts_at",
    "ends_at",
    "segment",
    "trigger",
    "sample_percent",
    "recontact_days",
    "dismiss_days",
    "max_shows",
    "text",
    "report_attributes",
    "appearance",
];
const TRIGGER_KEYS: [&str; 6] = [
    "delay_seconds",
    "scroll_percent",
    "exit_intent",
    "event",
    "pages",
    "exclude_pages",
];

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
    /// Days after a visitor answered or dismissed any survey during which no other survey shows.
    pub quiet_days: f64,
    /// The valid surveys, highest `priority` first (ties in config order): the first of several
    /// ready surveys is the one shown.
    pub surveys: Vec<Survey>,
}

impl Config {
    /// The valid survey with this id.
    pub fn survey(&self, id: &str) -> Option<&Survey> {
        self.surveys.iter().find(|survey| survey.id == id)
    }
}

/// One survey.
#[derive(Clone, Debug, PartialEq)]
pub struct Survey {
    /// Unique id, sent with every event.
    pub id: String,
    /// NPS, CES or CSAT.
    pub kind: Kind,
    /// A disabled survey is never shown.
    pub enabled: bool,
    /// Whether visitors without the identity cookie may see it.
    pub anonymous: bool,
    /// Of several surveys ready at once, the highest priority shows (ties: config order).
    pub priority: i32,
    /// Not shown before this time (ms since the epoch).
    pub starts_at: Option<f64>,
    /// Not shown from this time on (ms since the epoch).
    pub ends_at: Option<f64>,
    /// Who may see it (`None`: everyone who passes identity and throttles).
    pub segment: Option<Criteria>,
    /// When the pop-up appears.
    pub trigger: Trigger,
    /// Share of visitors asked, 0-100, decided by a stable hash of visitor and survey id.
    pub sample_percent: f64,
    /// Days before a visitor who answered is asked again.
    pub recontact_days: f64,
    /// Days before a visitor who dismissed the survey sees it again.
    pub dismiss_days: f64,
    /// Shows without an answer after which the visitor is never asked again (0: no limit).
    pub max_shows: u32,
    /// Custom texts per locale (`en`, `fi`, ...); built-in texts fill the gaps.
    pub text: Map<String, SurveyText>,
    /// Visitor attributes (from `identify()` / `data-attributes`) that its events carry, for
    /// breakdowns in reports.
    pub report_attributes: Vec<String>,
    /// How the pop-up looks: the config's root `appearance`, overridden field by field by the
    /// survey's own.
    pub appearance: Appearance,
    /// A hash of this survey's config (filled in by [`parse`]).
    pub version: String,
}

/// When a survey pops up: every condition set here must hold (all of them, in any order).
#[derive(Clone, Debug, Default, PartialEq)]
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

/// Reads and validates a config (already parsed from JSON text). Fails only when the config as a
/// whole is unusable (no `collector`, or a `surveys` that is not a list; without `surveys` there
/// are none); a bad survey is skipped and reported in [`Parsed::skipped`].
pub fn parse(json: &Json) -> Result<Parsed, ConfigError> {
    let config_error = |PathError { path, message }| ConfigError {
        survey_id: None,
        path,
        message,
    };
    let root = Object::new(json, String::new()).map_err(config_error)?;
    root.only(&ROOT_KEYS).map_err(config_error)?;
    let collector = root.string("collector", None).map_err(config_error)?;
    if collector.trim().is_empty() {
        return Err(config_error(PathError::new(
            "collector".into(),
            "must not be empty".into(),
        )));
    }
    let identity_cookie = root
        .string("identity_cookie", Some("visitor_id"))
        .map_err(config_error)?;
    if !identity_cookie.chars().all(is_cookie_name_char) || identity_cookie.is_empty() {
        return Err(config_error(PathError::new(
            "identity_cookie".into(),
            format!("\"{identity_cookie}\" is not a valid cookie name"),
        )));
    }
    let company = root.string("company", Some("")).map_err(config_error)?;
    let locale = root.string("locale", Some("auto")).map_err(config_error)?;
    let quiet_days = root.number("quiet_days", 14.0).map_err(config_error)?;
    check_ranges(&root, &[("quiet_days", quiet_days, 36_500.0)]).map_err(config_error)?;
    let appearance = match root.object("appearance").map_err(config_error)? {
        Some(object) => parse_appearance(&object, &Appearance::default()).map_err(config_error)?,
        None => Appearance::default(),
    };
    let mut surveys: Vec<Survey> = Vec::new();
    let mut skipped = Vec::new();
    for (index, value) in root
        .list("surveys")
        .map_err(config_error)?
        .iter()
        .enumerate()
    {
        let survey_id = value.get("id").and_then(Json::as_str).map(str::to_string);
        match parse_survey(index, value, &appearance) {
            Ok(survey) if surveys.iter().any(|s| s.id == survey.id) => skipped.push(ConfigError {
                survey_id,
                path: format!("surveys[{index}].id"),
                message: "duplicate id; the first survey with this id is used".into(),
            }),
            Ok(survey) => surveys.push(survey),
            Err(PathError { path, message }) => skipped.push(ConfigError {
                survey_id,
                path,
                message,
            }),
        }
    }
    // Highest priority first; equal priorities keep their config order. (An insertion sort:
    // a config holds a handful of surveys, and `sort_by_key` would add kilobytes of wasm.)
    for unsorted in 1..surveys.len() {
        let mut at = unsorted;
        while at > 0 && surveys[at - 1].priority < surveys[at].priority {
            surveys.swap(at - 1, at);
            at -= 1;
        }
    }
    Ok(Parsed {
        config: Config {
            collector,
            identity_cookie,
            company,
            locale,
            quiet_days,
            surveys,
        },
        skipped,
    })
}

/// Longest survey id, in characters.
pub const MAX_SURVEY_ID_CHARS: usize = 64;

/// The one rule for survey ids (config, console and collector): 1-64 characters of
/// `A-Z a-z 0-9 _ -`, so an id is safe in a URL path, a file name and a log line.
pub fn check_survey_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("must not be empty".into());
    }
    if id.chars().count() > MAX_SURVEY_ID_CHARS {
        return Err(format!("at most {MAX_SURVEY_ID_CHARS} characters"));
    }
    if !id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err("only letters A-Z, digits, _ and - are allowed".into());
    }
    Ok(())
}

fn is_cookie_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

fn parse_survey(index: usize, value: &Json, site: &Appearance) -> Result<Survey, PathError> {
    let survey = Object::new(value, format!("surveys[{index}]"))?;
    survey.only(&SURVEY_KEYS)?;
    let id = survey.string("id", None)?;
    check_survey_id(&id).map_err(|message| PathError::new(survey.path("id"), message))?;
    let kind_name = survey.string("kind", None)?;
    let kind = Kind::from_key(&kind_name).ok_or_else(|| {
        PathError::new(
            survey.path("kind"),
            format!("unknown kind \"{kind_name}\" (use nps, ces or csat)"),
        )
    })?;
    let trigger = match survey.object("trigger")? {
        Some(trigger) => parse_trigger(&trigger)?,
        None => Trigger::default(),
    };
    let max_shows = survey.number("max_shows", 3.0)?;
    if !(max_shows.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&max_shows)) {
        return Err(PathError::new(
            survey.path("max_shows"),
            "must be a whole number >= 0".into(),
        ));
    }
    let mut parsed = Survey {
        id,
        kind,
        enabled: survey.boolean("enabled", true)?,
        anonymous: survey.boolean("anonymous", false)?,
        priority: parse_priority(&survey)?,
        starts_at: survey.moment("starts_at")?,
        ends_at: survey.moment("ends_at")?,
        segment: None,
        trigger,
        sample_percent: survey.number("sample_percent", 100.0)?,
        recontact_days: survey.number("recontact_days", 90.0)?,
        dismiss_days: survey.number("dismiss_days", 7.0)?,
        max_shows: max_shows as u32,
        text: Map::new(),
        report_attributes: survey.strings("report_attributes")?,
        appearance: match survey.object("appearance")? {
            Some(object) => parse_appearance(&object, site)?,
            None => site.clone(),
        },
        version: String::new(),
    };
    if let (Some(starts), Some(ends)) = (parsed.starts_at, parsed.ends_at) {
        if ends <= starts {
            return Err(PathError::new(
                survey.path("ends_at"),
                "must be later than starts_at".into(),
            ));
        }
    }
    if let Some(index) = parsed
        .report_attributes
        .iter()
        .position(|name| !crate::core::event::is_attribute_name(name))
    {
        return Err(PathError::new(
            survey.path(&format!("report_attributes[{index}]")),
            "an attribute name is 1-64 characters of A-Z a-z 0-9 _ . -".into(),
        ));
    }
    let ranges = [
        ("sample_percent", parsed.sample_percent, 100.0),
        ("recontact_days", parsed.recontact_days, 36_500.0),
        ("dismiss_days", parsed.dismiss_days, 36_500.0),
    ];
    check_ranges(&survey, &ranges)?;
    if let Some(segment) = survey.get("segment") {
        let criteria = Criteria::parse(segment)
            .map_err(|e| PathError::new(join(&survey.path("segment"), &e.path), e.message))?;
        parsed.segment = Some(criteria);
    }
    if let Some(texts) = survey.object("text")? {
        for (locale, path, value) in texts.fields() {
            let text = parse_survey_text(kind, &Object::new(value, path)?)?;
            parsed.text.insert(locale.to_string(), text);
        }
    }
    parsed.version = format!("{:016x}", value.hash());
    Ok(parsed)
}

fn parse_priority(survey: &Object) -> Result<i32, PathError> {
    let priority = survey.number("priority", 0.0)?;
    if priority.fract() == 0.0 && priority.abs() <= 1_000_000.0 {
        Ok(priority as i32)
    } else {
        Err(PathError::new(
            survey.path("priority"),
            "must be a whole number from -1000000 to 1000000".into(),
        ))
    }
}

fn parse_trigger(trigger: &Object) -> Result<Trigger, PathError> {
    trigger.only(&TRIGGER_KEYS)?;
    let parsed = Trigger {
        delay_seconds: trigger.number("delay_seconds", 0.0)?,
        scroll_percent: trigger.number("scroll_percent", 0.0)?,
        exit_intent: trigger.boolean("exit_intent", false)?,
        event: trigger.optional_string("event")?,
        pages: trigger.strings("pages")?,
        exclude_pages: trigger.strings("exclude_pages")?,
    };
    let ranges = [
        ("delay_seconds", parsed.delay_seconds, 86_400.0),
        ("scroll_percent", parsed.scroll_percent, 100.0),
    ];
    check_ranges(trigger, &ranges)?;
    for field in ["pages", "exclude_pages"] {
        let globs = if field == "pages" {
            &parsed.pages
        } else {
            &parsed.exclude_pages
        };
        if let Some((i, glob)) = globs
            .iter()
            .enumerate()
            .find(|(_, glob)| !glob.starts_with('/') && !glob.starts_with('*'))
        {
            return Err(PathError::new(
                trigger.path(&format!("{field}[{i}]")),
                format!("\"{glob}\" must be a path glob starting with / or *"),
            ));
        }
    }
    if parsed.event.as_deref().is_some_and(|e| e.trim().is_empty()) {
        return Err(PathError::new(
            trigger.path("event"),
            "must be a non-empty event name or null".into(),
        ));
    }
    Ok(parsed)
}

/// Parses config text in native tests.
#[cfg(test)]
pub(crate) fn parse_text(text: &str) -> Result<Parsed, ConfigError> {
    parse(&crate::core::json::parse(text))
}

#[cfg(test)]
mod tests;
