//! The owner's JSON config (SPEC 3.4): parsing, defaults and validation.
//!
//! A broken survey never takes the others down: [`parse`] returns the valid surveys plus one
//! [`ConfigError`] per rejected survey, each naming the survey and the JSON path of the problem.

use crate::core::criteria::{join, Criteria};
use crate::core::dates::parse_date_ms;
use crate::core::json::Json;
use crate::core::map::Map;
use crate::core::metric::{Category, Kind};
use crate::core::suggest::unknown_field;
use std::fmt;

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
const APPEARANCE_KEYS: [&str; 4] = ["position", "accent", "logo", "branding"];
const TEXT_KEYS: [&str; 4] = ["question", "follow_up", "thank_you", "link"];

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

/// Where the pop-up sits on a wide screen (below 600 px wide it is always a bottom sheet).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Position {
    /// The bottom right corner.
    #[default]
    BottomRight,
    /// The bottom left corner.
    BottomLeft,
    /// Centred at the bottom.
    BottomCenter,
    /// The middle of the screen.
    Center,
}

impl Position {
    /// Every position, in the order the config documents them.
    pub const ALL: [Position; 4] = [
        Position::BottomRight,
        Position::BottomLeft,
        Position::BottomCenter,
        Position::Center,
    ];

    /// The position named `key` in config.
    pub fn from_key(key: &str) -> Option<Position> {
        Position::ALL
            .into_iter()
            .find(|position| position.key() == key)
    }

    /// The position's name in config (also the pop-up's `data-position`).
    pub fn key(self) -> &'static str {
        match self {
            Position::BottomRight => "bottom-right",
            Position::BottomLeft => "bottom-left",
            Position::BottomCenter => "bottom-center",
            Position::Center => "center",
        }
    }
}

/// How a survey's pop-up looks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Appearance {
    /// Where it sits.
    pub position: Position,
    /// The accent colour (a CSS colour) of the chosen score, the button and focus rings;
    /// `None`: the stylesheet's (which follows the visitor's dark mode).
    pub accent: Option<String>,
    /// An `https` URL of the site's logo, shown beside the company's name.
    pub logo: Option<String>,
    /// Show "Powered by survey-widget" under the survey.
    pub branding: bool,
}

impl Appearance {
    /// The text colour on the accent: dark on a light hex accent, else white (the stylesheet's
    /// default pairs its own accent with its own text colour).
    pub fn accent_text(&self) -> &'static str {
        let channels = self.accent.as_deref().and_then(hex_channels);
        match channels {
            Some([r, g, b]) if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.55 => "#111327",
            _ => "#ffffff",
        }
    }
}

/// The red, green and blue of a `#rgb(a)` / `#rrggbb(aa)` colour, each 0-1 (gamma-encoded).
fn hex_channels(colour: &str) -> Option<[f64; 3]> {
    let hex = colour.strip_prefix('#')?;
    let width = if hex.len() <= 4 { 1 } else { 2 };
    let channel = |i: usize| {
        let digits = hex.get(i * width..(i + 1) * width)?;
        let value = f64::from(u8::from_str_radix(digits, 16).ok()?);
        Some(if width == 1 {
            value / 15.0
        } else {
            value / 255.0
        })
    };
    Some([channel(0)?, channel(1)?, channel(2)?])
}

/// Texts of one survey in one locale. Every field is optional.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SurveyText {
    /// Replaces the standard question (CSAT wording is customizable; keep NPS standard).
    pub question: Option<String>,
    /// The follow-up question per category.
    pub follow_up: Map<Category, String>,
    /// The thank-you text per category.
    pub thank_you: Map<Category, String>,
    /// An optional link under the thank-you text per category.
    pub link: Map<Category, Link>,
}

/// A link shown with the thank-you text (e.g. "Review us" for promoters).
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// The link text.
    pub label: String,
    /// An `http(s)` URL.
    pub url: String,
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

/// A problem at a JSON path: (path, message).
type Problem = (String, String);

/// One object of the config being read, with its JSON path (for errors that say where).
struct Object<'a> {
    value: &'a Json,
    path: String,
}

impl<'a> Object<'a> {
    fn new(value: &'a Json, path: String) -> Result<Object<'a>, Problem> {
        match value {
            Json::Object(_) => Ok(Object { value, path }),
            other => Err((path, must_be("an object", other))),
        }
    }

    fn path(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// A field's value; `null` counts as absent.
    fn get(&self, key: &str) -> Option<&'a Json> {
        self.value.get(key).filter(|value| !value.is_null())
    }

    fn string(&self, key: &str, default: Option<&str>) -> Result<String, Problem> {
        match (self.get(key), default) {
            (Some(Json::String(s)), _) => Ok(s.clone()),
            (Some(other), _) => Err((self.path(key), must_be("a string", other))),
            (None, Some(default)) => Ok(default.to_string()),
            (None, None) => Err((self.path(key), "is required".into())),
        }
    }

    fn optional_string(&self, key: &str) -> Result<Option<String>, Problem> {
        self.get(key).map(|_| self.string(key, None)).transpose()
    }

    fn number(&self, key: &str, default: f64) -> Result<f64, Problem> {
        match self.get(key) {
            None => Ok(default),
            Some(Json::Number(n)) => Ok(*n),
            Some(other) => Err((self.path(key), must_be("a number", other))),
        }
    }

    fn boolean(&self, key: &str, default: bool) -> Result<bool, Problem> {
        match self.get(key) {
            None => Ok(default),
            Some(Json::Bool(b)) => Ok(*b),
            Some(other) => Err((self.path(key), must_be("true or false", other))),
        }
    }

    fn object(&self, key: &str) -> Result<Option<Object<'a>>, Problem> {
        self.get(key)
            .map(|value| Object::new(value, self.path(key)))
            .transpose()
    }

    fn list(&self, key: &str) -> Result<&'a [Json], Problem> {
        match self.get(key) {
            None => Ok(&[]),
            Some(Json::Array(items)) => Ok(items),
            Some(other) => Err((self.path(key), must_be("a list", other))),
        }
    }

    fn strings(&self, key: &str) -> Result<Vec<String>, Problem> {
        let items = self.list(key)?;
        items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Json::String(s) => Ok(s.clone()),
                other => Err((
                    self.path(&format!("{key}[{i}]")),
                    must_be("a string", other),
                )),
            })
            .collect()
    }

    /// The fields, each as (key, its path, its value).
    fn fields(&self) -> impl Iterator<Item = (&'a str, String, &'a Json)> + '_ {
        self.value
            .as_object()
            .unwrap_or_default()
            .iter()
            .map(|(key, value)| (key.as_str(), self.path(key), value))
    }

    /// Rejects fields other than `allowed` (a typo would otherwise be silently ignored), naming
    /// the nearest valid key.
    fn only(&self, allowed: &[&str]) -> Result<(), Problem> {
        match self.fields().find(|(key, _, _)| !allowed.contains(key)) {
            Some((key, path, _)) => Err((path, unknown_field(key, allowed))),
            None => Ok(()),
        }
    }

    /// An optional string that must pass `valid`; `rule` says what it must be.
    fn checked(
        &self,
        key: &str,
        valid: fn(&str) -> bool,
        rule: &str,
    ) -> Result<Option<String>, Problem> {
        match self.optional_string(key)? {
            Some(text) if !valid(&text) => Err((self.path(key), rule.into())),
            text => Ok(text),
        }
    }

    /// An optional RFC 3339 time, as ms since the epoch.
    fn moment(&self, key: &str) -> Result<Option<f64>, Problem> {
        let rule = "must be an RFC 3339 time (e.g. 2026-12-01T09:00:00Z)";
        let text = self.checked(key, |text| parse_date_ms(text).is_some(), rule)?;
        Ok(text.and_then(|text| parse_date_ms(&text)))
    }
}

fn must_be(wanted: &str, found: &Json) -> String {
    format!("must be {wanted}, not {}", found.type_name())
}

/// Reads and validates a config (already parsed from JSON text). Fails only when the config as a
/// whole is unusable (no `collector`, no `surveys` list); a bad survey is skipped and reported in
/// [`Parsed::skipped`].
pub fn parse(json: &Json) -> Result<Parsed, ConfigError> {
    let config_error = |(path, message): Problem| ConfigError {
        survey_id: None,
        path,
        message,
    };
    let root = Object::new(json, String::new()).map_err(config_error)?;
    root.only(&ROOT_KEYS).map_err(config_error)?;
    let collector = root.string("collector", None).map_err(config_error)?;
    if collector.trim().is_empty() {
        return Err(config_error((
            "collector".into(),
            "must not be empty".into(),
        )));
    }
    let identity_cookie = root
        .string("identity_cookie", Some("visitor_id"))
        .map_err(config_error)?;
    if !identity_cookie.chars().all(is_cookie_name_char) || identity_cookie.is_empty() {
        return Err(config_error((
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
    if root.get("surveys").is_none() {
        return Err(config_error(("surveys".into(), "is required".into())));
    }
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
            Err((path, message)) => skipped.push(ConfigError {
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

fn parse_survey(index: usize, value: &Json, site: &Appearance) -> Result<Survey, Problem> {
    let survey = Object::new(value, format!("surveys[{index}]"))?;
    survey.only(&SURVEY_KEYS)?;
    let id = survey.string("id", None)?;
    check_survey_id(&id).map_err(|message| (survey.path("id"), message))?;
    let kind_name = survey.string("kind", None)?;
    let kind = Kind::from_key(&kind_name).ok_or_else(|| {
        (
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
        return Err((
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
            return Err((
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
        return Err((
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
            .map_err(|e| (join(&survey.path("segment"), &e.path), e.message))?;
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

fn parse_priority(survey: &Object) -> Result<i32, Problem> {
    let priority = survey.number("priority", 0.0)?;
    if priority.fract() == 0.0 && priority.abs() <= 1_000_000.0 {
        Ok(priority as i32)
    } else {
        Err((
            survey.path("priority"),
            "must be a whole number from -1000000 to 1000000".into(),
        ))
    }
}

fn parse_trigger(trigger: &Object) -> Result<Trigger, Problem> {
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
            return Err((
                trigger.path(&format!("{field}[{i}]")),
                format!("\"{glob}\" must be a path glob starting with / or *"),
            ));
        }
    }
    if parsed.event.as_deref().is_some_and(|e| e.trim().is_empty()) {
        return Err((
            trigger.path("event"),
            "must be a non-empty event name or null".into(),
        ));
    }
    Ok(parsed)
}

fn check_ranges(object: &Object, ranges: &[(&str, f64, f64)]) -> Result<(), Problem> {
    for &(key, number, max) in ranges {
        if !(number.is_finite() && (0.0..=max).contains(&number)) {
            return Err((
                object.path(key),
                format!(
                    "must be a number from 0 to {}",
                    crate::core::number_text(max)
                ),
            ));
        }
    }
    Ok(())
}

fn parse_survey_text(kind: Kind, text: &Object) -> Result<SurveyText, Problem> {
    text.only(&TEXT_KEYS)?;
    let mut parsed = SurveyText {
        question: text.optional_string("question")?,
        ..SurveyText::default()
    };
    for field in ["follow_up", "thank_you", "link"] {
        let Some(map) = text.object(field)? else {
            continue;
        };
        for (key, path, value) in map.fields() {
            let category = Category::from_key(key)
                .filter(|c| kind.categories().contains(c))
                .ok_or_else(|| {
                    (
                        path.clone(),
                        format!(
                            "{key} is not a {kind} category (use {})",
                            category_list(kind)
                        ),
                    )
                })?;
            match field {
                "follow_up" => {
                    parsed.follow_up.insert(category, map.string(key, None)?);
                }
                "thank_you" => {
                    parsed.thank_you.insert(category, map.string(key, None)?);
                }
                _ => {
                    parsed
                        .link
                        .insert(category, parse_link(&Object::new(value, path)?)?);
                }
            }
        }
    }
    Ok(parsed)
}

fn parse_link(link: &Object) -> Result<Link, Problem> {
    link.only(&["label", "url"])?;
    let parsed = Link {
        label: link.string("label", None)?,
        url: link.string("url", None)?,
    };
    if !(parsed.url.starts_with("https://") || parsed.url.starts_with("http://")) {
        return Err((link.path("url"), "must be an http(s) URL".into()));
    }
    Ok(parsed)
}

/// An `appearance` object: each field it sets replaces the one of `base`.
fn parse_appearance(object: &Object, base: &Appearance) -> Result<Appearance, Problem> {
    object.only(&APPEARANCE_KEYS)?;
    let position = object.checked(
        "position",
        |name| Position::from_key(name).is_some(),
        "must be bottom-right, bottom-left, bottom-center or center",
    )?;
    let accent = object.checked(
        "accent",
        is_css_colour,
        "must be a CSS colour (e.g. #0a7d4f, rgb(10 125 79) or teal)",
    )?;
    let logo = object.checked(
        "logo",
        |url| url.len() > "https://".len() && url.starts_with("https://") && !url.contains(' '),
        "must be an https URL",
    )?;
    Ok(Appearance {
        position: position
            .and_then(|name| Position::from_key(&name))
            .unwrap_or(base.position),
        accent: accent.or_else(|| base.accent.clone()),
        logo: logo.or_else(|| base.logo.clone()),
        branding: object.boolean("branding", base.branding)?,
    })
}

/// Whether `text` is a CSS colour: `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`, a colour function
/// (`rgb()`, `hsl()`, `oklch()`, ...) of numbers, or a colour keyword. Only these characters
/// reach the stylesheet, so an accent can never close the declaration it is set in.
pub fn is_css_colour(text: &str) -> bool {
    const FUNCTIONS: [&str; 9] = [
        "rgb", "rgba", "hsl", "hsla", "hwb", "lab", "lch", "oklab", "oklch",
    ];
    if let Some(hex) = text.strip_prefix('#') {
        return [3, 4, 6, 8].contains(&hex.len()) && hex.chars().all(|c| c.is_ascii_hexdigit());
    }
    if let Some((name, rest)) = text.split_once('(') {
        let Some(arguments) = rest.strip_suffix(')') else {
            return false;
        };
        return FUNCTIONS.contains(&name.to_ascii_lowercase().as_str())
            && !arguments.trim().is_empty()
            && arguments
                .chars()
                .all(|c| c.is_ascii_digit() || " .,%/+-".contains(c) || "degturnnone".contains(c));
    }
    (3..=20).contains(&text.len()) && text.chars().all(|c| c.is_ascii_alphabetic())
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

/// Parses config text in native tests.
#[cfg(test)]
pub(crate) fn parse_text(text: &str) -> Result<Parsed, ConfigError> {
    parse(&crate::core::json::parse(text))
}

#[cfg(test)]
mod tests {
    use super::*;

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
            parse_text(r#"{"collector": "/c", "identity_cookie": "a b", "surveys": []}"#)
                .unwrap_err();
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
        let root =
            parse_text(r#"{"collector": "/c", "quiet_dayz": 3, "surveys": []}"#).unwrap_err();
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

    #[test]
    fn the_config_fingerprint_matches_the_loaders() {
        // Same values as the loader's JavaScript (Math.imul over UTF-16 code units).
        assert_eq!(fingerprint32(""), "811c9dc5");
        assert_eq!(fingerprint32("a"), "e40c292c");
        assert_eq!(fingerprint32("é€"), "fdca1138");
    }
}
