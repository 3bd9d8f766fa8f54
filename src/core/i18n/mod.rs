//! Built-in texts per language, locale negotiation, and the texts one survey shows.

use crate::core::config::{Config, Link, Survey};
use crate::core::json::Json;
use crate::core::metric::{Category, Kind};

/// Every built-in text of one language. `{company}` in a question is replaced by the company
/// name; when the config has none, [`Locale::questions_without_company`] is shown instead.
///
/// Scale numbers are never localized: every language, Arabic included, shows Western Arabic
/// digits (0-10). That is what most Arabic-language web UIs and NPS tools use for rating scales;
/// in a right-to-left locale the scale still reads right to left because the popup has
/// `dir=rtl`.
#[derive(Debug)]
pub struct Locale {
    /// BCP 47 language code (`en`, `fi`, ...).
    pub code: &'static str,
    /// Written right to left.
    pub rtl: bool,
    /// Stand-in for `{company}` in a survey's own question when the config has no company name
    /// ("us").
    pub us: &'static str,
    /// Standard questions with one `{company}` each, indexed by kind: NPS, CES, CSAT.
    pub questions: [&'static str; 3],
    /// The standard questions for a config without a company name, indexed by kind. A sentence
    /// of its own, because many languages cannot just put "us" where the company name goes
    /// (French "vous nous recommandiez", Chinese CES "你们让我…", English CES "You made it…").
    pub questions_without_company: [&'static str; 3],
    /// Scale end labels (lowest, highest), indexed by kind.
    pub scale_ends: [(&'static str, &'static str); 3],
    /// Default follow-up questions: negative, middle, positive category.
    pub follow_ups: [&'static str; 3],
    /// Default thank-you texts: negative, middle, positive category.
    pub thank_yous: [&'static str; 3],
    /// Placeholder of the follow-up textbox.
    pub comment_placeholder: &'static str,
    /// Submit button.
    pub submit: &'static str,
    /// Close button's accessible name.
    pub close: &'static str,
    /// Character counter; `{n}` is the number of characters left.
    pub chars_left: &'static str,
}

// The built-in languages, compiled from `locales/*.json` by `build.rs`: `EN`, `FI`, ... and
// `LOCALES` (every one, English first).
include!(concat!(env!("OUT_DIR"), "/locales.rs"));

impl Locale {
    /// Reads a language file (`locales/<code>.json`) fetched at run time. Its texts are
    /// leaked to be `'static` like the compiled-in ones: the loader hands each language over
    /// once per page (`languageText` in `loader/survey-widget.js`), so the leak is bounded by
    /// the languages there are.
    /// `None` when a field is missing or of the wrong shape.
    pub fn from_json(json: &Json) -> Option<&'static Locale> {
        let text = |key: &str| json.get(key)?.as_str().map(leak);
        let three = |key: &str| -> Option<[&'static str; 3]> {
            let items = json.get(key)?.as_array()?;
            let text = |i: usize| items.get(i)?.as_str().map(leak);
            (items.len() == 3).then_some([text(0)?, text(1)?, text(2)?])
        };
        let ends = json.get("scale_ends")?.as_array()?;
        let pair = |i: usize| -> Option<(&'static str, &'static str)> {
            let pair = ends.get(i)?.as_array()?;
            Some((
                pair.first()?.as_str().map(leak)?,
                pair.get(1)?.as_str().map(leak)?,
            ))
        };
        let locale = Locale {
            code: text("code")?,
            rtl: matches!(json.get("rtl"), Some(Json::Bool(true))),
            us: text("us")?,
            questions: three("questions")?,
            questions_without_company: three("questions_without_company")?,
            scale_ends: [pair(0)?, pair(1)?, pair(2)?],
            follow_ups: three("follow_ups")?,
            thank_yous: three("thank_yous")?,
            comment_placeholder: text("comment_placeholder")?,
            submit: text("submit")?,
            close: text("close")?,
            chars_left: text("chars_left")?,
        };
        Some(Box::leak(Box::new(locale)))
    }
}

fn leak(text: &str) -> &'static str {
    Box::leak(text.to_owned().into_boxed_str())
}

/// The language a survey is shown in.
#[derive(Clone, Debug)]
pub struct Language {
    /// The code sent with events and used to pick `text.<code>` (`fi`, or `nl` when the survey
    /// has its own Dutch texts).
    pub code: String,
    /// Built-in texts for what the survey's own texts leave out (English for a language
    /// without built-in texts).
    pub builtin: &'static Locale,
    /// Written right to left.
    pub rtl: bool,
}

impl From<&'static Locale> for Language {
    fn from(locale: &'static Locale) -> Language {
        Language {
            code: locale.code.to_string(),
            builtin: locale,
            rtl: locale.rtl,
        }
    }
}

/// Primary language subtags written right to left.
const RTL_LANGUAGES: &[&str] = &["ar", "he", "fa", "ur", "ps", "yi", "dv", "ckb"];

fn primary_subtag(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .unwrap_or(tag)
        .trim()
        .to_ascii_lowercase()
}

/// [`negotiate_among`] every built-in language ([`LOCALES`]).
pub fn negotiate(
    config_locale: &str,
    browser_languages: &[String],
    html_lang: Option<&str>,
    custom: &[&str],
) -> Language {
    negotiate_among(LOCALES, config_locale, browser_languages, html_lang, custom)
}

/// Picks the visitor's language: the config's `locale` unless it is `auto`, then the browser's
/// preferred languages, then the page's `<html lang>`, then English. A language counts when it
/// has built-in texts (in `available`) or the survey has its own texts for it (`custom`: the
/// keys of `text`), so one survey can speak a language the widget has no built-in texts for.
pub fn negotiate_among(
    available: &[&'static Locale],
    config_locale: &str,
    browser_languages: &[String],
    html_lang: Option<&str>,
    custom: &[&str],
) -> Language {
    let configured = (!config_locale.eq_ignore_ascii_case("auto")).then_some(config_locale);
    let found = configured
        .into_iter()
        .chain(browser_languages.iter().map(String::as_str))
        .chain(html_lang)
        .find_map(|tag| {
            let primary = primary_subtag(tag);
            let own = custom.iter().find(|code| primary_subtag(code) == primary);
            let builtin = available.iter().copied().find(|l| l.code == primary);
            match (own, builtin) {
                (Some(code), builtin) => Some(Language {
                    code: code.to_string(),
                    builtin: builtin.unwrap_or(&EN),
                    rtl: RTL_LANGUAGES.contains(&primary.as_str()),
                }),
                (None, Some(locale)) => Some(Language::from(locale)),
                (None, None) => None,
            }
        });
    found.unwrap_or_else(|| Language::from(&EN))
}

/// All texts one survey shows, resolved for one language: the survey's own `text.<locale>`
/// where it has them, else the built-in ones.
#[derive(Clone, Debug, PartialEq)]
pub struct SurveyTexts {
    /// Language code sent with events.
    pub locale: String,
    /// Right-to-left layout.
    pub rtl: bool,
    /// The company's name as the config gives it (shown beside the logo); may be empty.
    pub company: String,
    /// The scored question.
    pub question: String,
    /// Labels of the lowest and highest score.
    pub scale_ends: (String, String),
    /// Follow-up question per category of the survey's kind.
    pub follow_up: Vec<(Category, String)>,
    /// Thank-you text per category.
    pub thank_you: Vec<(Category, String)>,
    /// Optional link per category.
    pub links: Vec<(Category, Link)>,
    /// Placeholder of the comment box.
    pub comment_placeholder: String,
    /// Submit button.
    pub submit: String,
    /// Close button's accessible name.
    pub close: String,
    /// Counter template with `{n}`.
    pub chars_left: String,
}

impl SurveyTexts {
    /// Resolves the texts of `survey` in `locale`.
    pub fn resolve(config: &Config, survey: &Survey, language: &Language) -> SurveyTexts {
        let custom = survey.text.get(&language.code);
        let locale = language.builtin;
        let kind_index = match survey.kind {
            Kind::Nps => 0,
            Kind::Ces => 1,
            Kind::Csat => 2,
        };
        let company = config.company.trim();
        let question = match custom.and_then(|t| t.question.as_deref()) {
            Some(own) => own.replace(
                "{company}",
                if company.is_empty() {
                    locale.us
                } else {
                    company
                },
            ),
            None if company.is_empty() => locale.questions_without_company[kind_index].to_string(),
            None => locale.questions[kind_index].replace("{company}", company),
        };
        let per_category = |pick: fn(
            &crate::core::config::SurveyText,
        ) -> &crate::core::map::Map<Category, String>,
                            defaults: &[&'static str; 3]| {
            survey
                .kind
                .categories()
                .iter()
                .map(|&category| {
                    let own = custom.and_then(|t| pick(t).get(&category)).cloned();
                    let text =
                        own.unwrap_or_else(|| defaults[category.sentiment() as usize].to_string());
                    (category, text)
                })
                .collect()
        };
        let (low, high) = locale.scale_ends[kind_index];
        SurveyTexts {
            locale: language.code.clone(),
            rtl: language.rtl,
            company: company.to_string(),
            question,
            scale_ends: (low.to_string(), high.to_string()),
            follow_up: per_category(|t| &t.follow_up, &locale.follow_ups),
            thank_you: per_category(|t| &t.thank_you, &locale.thank_yous),
            links: custom
                .map(|t| t.link.iter().map(|(c, l)| (*c, l.clone())).collect())
                .unwrap_or_default(),
            comment_placeholder: locale.comment_placeholder.to_string(),
            submit: locale.submit.to_string(),
            close: locale.close.to_string(),
            chars_left: locale.chars_left.to_string(),
        }
    }

    /// The follow-up question for `category`.
    pub fn follow_up_for(&self, category: Category) -> &str {
        lookup(&self.follow_up, category)
    }

    /// The thank-you text for `category`.
    pub fn thank_you_for(&self, category: Category) -> &str {
        lookup(&self.thank_you, category)
    }

    /// The thank-you link for `category`, if the survey has one.
    pub fn link_for(&self, category: Category) -> Option<&Link> {
        self.links
            .iter()
            .find(|(c, _)| *c == category)
            .map(|(_, link)| link)
    }

    /// The counter text for `remaining` characters.
    pub fn chars_left_text(&self, remaining: usize) -> String {
        self.chars_left.replace("{n}", &remaining.to_string())
    }
}

fn lookup(texts: &[(Category, String)], category: Category) -> &str {
    texts
        .iter()
        .find(|(c, _)| *c == category)
        .map_or("", |(_, text)| text.as_str())
}

#[cfg(test)]
mod tests;
