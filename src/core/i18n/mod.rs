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
mod tests {
    use super::*;

    fn config(json_surveys: &str, company: &str) -> Config {
        let json = format!(
            r#"{{"collector": "/c", "company": "{company}", "surveys": [{json_surveys}]}}"#
        );
        crate::core::config::parse_text(&json).unwrap().config
    }

    #[test]
    fn a_survey_can_speak_a_language_without_built_in_texts() {
        let config = config(
            r#"{"id": "s", "kind": "nps", "text": {"nl": {"question": "Hoe waarschijnlijk is het dat je {company} aanbeveelt?",
                "follow_up": {"promoter": "Wat vind je het fijnst?"}}, "he": {"question": "?"}}}"#,
            "Acme",
        );
        let own: Vec<&str> = config.surveys[0].text.keys().map(String::as_str).collect();
        let dutch = negotiate("auto", &["nl-BE".into(), "fi".into()], None, &own);
        assert_eq!(
            (dutch.code.as_str(), dutch.builtin.code, dutch.rtl),
            ("nl", "en", false)
        );
        let texts = SurveyTexts::resolve(&config, &config.surveys[0], &dutch);
        assert_eq!(
            texts.question,
            "Hoe waarschijnlijk is het dat je Acme aanbeveelt?"
        );
        assert_eq!(
            texts.follow_up_for(Category::Promoter),
            "Wat vind je het fijnst?"
        );
        assert_eq!(
            texts.follow_up_for(Category::Detractor),
            "We're sorry to hear that. What could we do better?",
            "gaps filled in English"
        );
        assert!(negotiate("auto", &["he-IL".into()], None, &own).rtl);
        assert_eq!(negotiate("auto", &["fi".into()], None, &own).code, "fi");
    }

    #[test]
    fn negotiation_prefers_config_then_browser_then_html_lang_then_english() {
        let browser = vec!["fi-FI".to_string(), "en-US".to_string()];
        assert_eq!(negotiate("en", &browser, None, &[]).code, "en");
        assert_eq!(negotiate("auto", &browser, Some("en"), &[]).code, "fi");
        assert_eq!(
            negotiate("auto", &["xx".into()], Some("fi"), &[]).code,
            "fi"
        );
        assert_eq!(negotiate("AUTO", &[], None, &[]).code, "en");
        assert_eq!(negotiate("klingon", &[], None, &[]).code, "en");
    }

    #[test]
    fn the_nps_question_names_the_company_or_says_us() {
        let named = config(r#"{"id": "s", "kind": "nps"}"#, "Acme");
        let texts = SurveyTexts::resolve(&named, &named.surveys[0], &Language::from(&EN));
        assert_eq!(
            texts.question,
            "How likely is it that you would recommend Acme to a friend or colleague?"
        );
        assert_eq!(
            texts.scale_ends,
            ("Not at all likely".into(), "Extremely likely".into())
        );
        let unnamed = config(r#"{"id": "s", "kind": "nps"}"#, "");
        let texts = SurveyTexts::resolve(&unnamed, &unnamed.surveys[0], &Language::from(&EN));
        assert!(texts.question.contains("recommend us to"));
    }

    #[test]
    fn custom_texts_win_in_their_locale_and_built_ins_fill_the_gaps() {
        let config = config(
            r#"{"id": "s", "kind": "nps", "text": {"en": {"follow_up": {"detractor": "Ouch. Why?"},
                "link": {"promoter": {"label": "Review us", "url": "https://r.example"}}}}}"#,
            "Acme",
        );
        let en = SurveyTexts::resolve(&config, &config.surveys[0], &Language::from(&EN));
        assert_eq!(en.follow_up_for(Category::Detractor), "Ouch. Why?");
        assert_eq!(
            en.follow_up_for(Category::Promoter),
            "Great to hear! What do you like most?"
        );
        assert_eq!(
            en.link_for(Category::Promoter).map(|l| l.label.as_str()),
            Some("Review us")
        );
        assert!(en.link_for(Category::Detractor).is_none());
        let fi = SurveyTexts::resolve(&config, &config.surveys[0], &Language::from(&FI));
        assert_eq!(
            fi.follow_up_for(Category::Detractor),
            "Ikävä kuulla. Mitä voisimme tehdä paremmin?"
        );
        assert!(fi.question.starts_with("Kuinka todennäköisesti"));
    }

    #[test]
    fn ces_and_csat_use_their_own_questions_and_categories() {
        let config = config(
            r#"{"id": "c", "kind": "ces"}, {"id": "s", "kind": "csat"}"#,
            "Acme",
        );
        let ces = SurveyTexts::resolve(&config, &config.surveys[0], &Language::from(&EN));
        assert_eq!(ces.question, "Acme made it easy for me to handle my issue.");
        assert_eq!(
            ces.thank_you_for(Category::Easy),
            "Thank you! We're glad you are happy with us."
        );
        let csat = SurveyTexts::resolve(&config, &config.surveys[1], &Language::from(&EN));
        assert_eq!(csat.question, "How satisfied were you with Acme?");
        assert_eq!(
            csat.follow_up_for(Category::Unsatisfied),
            "We're sorry to hear that. What could we do better?"
        );
        assert_eq!(csat.chars_left_text(1), "Characters left: 1");
    }

    fn all_texts(locale: &Locale) -> Vec<&'static str> {
        let mut texts = vec![
            locale.code,
            locale.us,
            locale.comment_placeholder,
            locale.submit,
            locale.close,
            locale.chars_left,
        ];
        texts.extend(locale.questions);
        texts.extend(locale.questions_without_company);
        texts.extend(
            locale
                .scale_ends
                .iter()
                .flat_map(|&(low, high)| [low, high]),
        );
        texts.extend(locale.follow_ups);
        texts.extend(locale.thank_yous);
        texts
    }

    #[test]
    fn every_locale_is_complete_and_well_formed() {
        assert_eq!(LOCALES.len(), 9);
        for locale in LOCALES {
            for text in all_texts(locale) {
                assert!(!text.trim().is_empty(), "{}: empty text", locale.code);
            }
            for question in locale.questions {
                assert_eq!(
                    question.matches("{company}").count(),
                    1,
                    "{}: {question}",
                    locale.code
                );
            }
            for question in locale.questions_without_company {
                assert!(!question.contains('{'), "{}: {question}", locale.code);
            }
            assert!(locale.chars_left.contains("{n}"), "{}", locale.code);
        }
    }

    #[test]
    fn every_language_file_reads_back_as_its_compiled_constant() {
        for compiled in LOCALES {
            let path = format!("src/core/i18n/locales/{}.json", compiled.code);
            let text = std::fs::read_to_string(&path).unwrap();
            let fetched = Locale::from_json(&crate::core::json::parse(&text)).unwrap();
            assert_eq!(format!("{fetched:?}"), format!("{compiled:?}"), "{path}");
        }
        let broken = crate::core::json::parse(r#"{"code": "fi", "questions": ["only one"]}"#);
        assert!(Locale::from_json(&broken).is_none());
    }

    #[test]
    fn only_the_available_languages_are_negotiated() {
        let finnish = ["fi-FI".to_string()];
        assert_eq!(
            negotiate_among(&[&EN], "auto", &finnish, None, &[]).code,
            "en"
        );
        assert_eq!(
            negotiate_among(&[&EN, &FI], "auto", &finnish, None, &[]).code,
            "fi"
        );
    }

    #[test]
    fn codes_are_unique_lowercase_and_only_arabic_is_rtl() {
        let codes: Vec<&str> = LOCALES.iter().map(|l| l.code).collect();
        assert_eq!(
            codes,
            ["en", "ar", "de", "es", "fi", "fr", "ro", "sv", "zh"],
            "English (the fallback) first, then by code"
        );
        for (i, code) in codes.iter().enumerate() {
            assert_eq!(*code, code.to_ascii_lowercase());
            assert!(!codes[..i].contains(code), "duplicate {code}");
        }
        let rtl: Vec<&str> = LOCALES.iter().filter(|l| l.rtl).map(|l| l.code).collect();
        assert_eq!(rtl, ["ar"]);
    }

    #[test]
    fn negotiation_maps_regional_tags_and_falls_through_unknown_ones() {
        assert_eq!(negotiate("auto", &["sv-SE".into()], None, &[]).code, "sv");
        for tag in ["zh-CN", "zh-Hans-CN", "zh-TW"] {
            assert_eq!(
                negotiate("auto", &[tag.into()], None, &[]).code,
                "zh",
                "{tag}"
            );
        }
        assert_eq!(negotiate("auto", &["ar-EG".into()], None, &[]).code, "ar");
        assert_eq!(
            negotiate("auto", &["pt-BR".into(), "de-AT".into()], None, &[]).code,
            "de"
        );
        assert_eq!(
            negotiate("auto", &["pt-BR".into()], Some("ro"), &[]).code,
            "ro"
        );
        assert_eq!(negotiate("pt-BR", &[], None, &[]).code, "en");
    }

    #[test]
    fn german_names_the_company_and_arabic_is_rtl() {
        let config = config(r#"{"id": "s", "kind": "nps"}"#, "Acme");
        let de = SurveyTexts::resolve(&config, &config.surveys[0], &Language::from(&DE));
        assert_eq!(
            de.question,
            "Wie wahrscheinlich ist es, dass Sie Acme einem Freund oder Kollegen weiterempfehlen?"
        );
        let ar = SurveyTexts::resolve(
            &config,
            &config.surveys[0],
            &negotiate("auto", &["ar-EG".into()], None, &[]),
        );
        assert!(ar.rtl);
        assert_eq!(
            (ar.locale.as_str(), ar.question.as_str()),
            ("ar", "ما مدى احتمال أن توصي بـAcme لصديق أو زميل؟")
        );
        assert!(!de.rtl);
    }

    #[test]
    fn without_a_company_the_own_sentence_is_used_and_custom_questions_say_us() {
        let unnamed = config(
            r#"{"id": "c", "kind": "ces"}, {"id": "s", "kind": "csat", "text": {"fr": {"question": "Que pensez-vous de {company} ?"}}}"#,
            "  ",
        );
        let ces = SurveyTexts::resolve(&unnamed, &unnamed.surveys[0], &Language::from(&EN));
        assert_eq!(ces.question, "You made it easy for me to handle my issue.");
        let fr = SurveyTexts::resolve(&unnamed, &unnamed.surveys[1], &Language::from(&FR));
        assert_eq!(fr.question, "Que pensez-vous de nous ?");
        let fi = SurveyTexts::resolve(&unnamed, &unnamed.surveys[1], &Language::from(&FI));
        assert_eq!(fi.question, "Kuinka tyytyväinen olit palveluumme?");
        let named = config(r#"{"id": "s", "kind": "csat"}"#, "Acme");
        let fi = SurveyTexts::resolve(&named, &named.surveys[0], &Language::from(&FI));
        assert_eq!(
            fi.question,
            "Kuinka tyytyväinen olit siihen, miten Acme palveli sinua?"
        );
    }
}
