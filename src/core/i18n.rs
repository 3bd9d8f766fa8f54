//! Built-in texts per language, locale negotiation, and the texts one survey shows.

use crate::core::config::{Config, Link, Survey};
use crate::core::metric::{Category, Kind};

/// Every built-in text of one language. `{company}` in a question is replaced by the company
/// name (or by [`Locale::us`] when the config has none).
#[derive(Debug)]
pub struct Locale {
    /// BCP 47 language code (`en`, `fi`, ...).
    pub code: &'static str,
    /// Written right to left.
    pub rtl: bool,
    /// Stand-in for an unnamed company ("us").
    pub us: &'static str,
    /// Standard questions, indexed by kind: NPS, CES, CSAT.
    pub questions: [&'static str; 3],
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

/// English, the final fallback.
pub const EN: Locale = Locale {
    code: "en",
    rtl: false,
    us: "us",
    questions: [
        "How likely is it that you would recommend {company} to a friend or colleague?",
        "{company} made it easy for me to handle my issue.",
        "How satisfied were you with {company}?",
    ],
    scale_ends: [
        ("Not at all likely", "Extremely likely"),
        ("Strongly disagree", "Strongly agree"),
        ("Very unsatisfied", "Very satisfied"),
    ],
    follow_ups: [
        "We're sorry to hear that. What could we do better?",
        "Thanks! What would make your experience even better?",
        "Great to hear! What do you like most?",
    ],
    thank_yous: [
        "Thank you for your honest feedback. We will use it to improve.",
        "Thank you for your feedback!",
        "Thank you! We're glad you are happy with us.",
    ],
    comment_placeholder: "Your answer (optional)",
    submit: "Send",
    close: "Close survey",
    chars_left: "{n} characters left",
};

/// Finnish.
pub const FI: Locale = Locale {
    code: "fi",
    rtl: false,
    us: "meitä",
    questions: [
        "Kuinka todennäköisesti suosittelisit {company} ystävällesi tai kollegallesi?",
        "{company} teki asiani hoitamisesta helppoa.",
        "Kuinka tyytyväinen olit {company}?",
    ],
    scale_ends: [
        ("Erittäin epätodennäköisesti", "Erittäin todennäköisesti"),
        ("Täysin eri mieltä", "Täysin samaa mieltä"),
        ("Erittäin tyytymätön", "Erittäin tyytyväinen"),
    ],
    follow_ups: [
        "Ikävä kuulla. Mitä voisimme tehdä paremmin?",
        "Kiitos! Mikä tekisi kokemuksestasi vielä paremman?",
        "Hienoa kuulla! Mistä pidät eniten?",
    ],
    thank_yous: [
        "Kiitos rehellisestä palautteestasi. Käytämme sitä toimintamme parantamiseen.",
        "Kiitos palautteestasi!",
        "Kiitos! Olemme iloisia, että olet tyytyväinen.",
    ],
    comment_placeholder: "Vastauksesi (vapaaehtoinen)",
    submit: "Lähetä",
    close: "Sulje kysely",
    chars_left: "{n} merkkiä jäljellä",
};

/// Every built-in language.
pub const LOCALES: &[&Locale] = &[&EN, &FI];

/// Finds a built-in language for a tag such as `fi-FI` (`fi-FI` -> `fi`), ignoring case.
pub fn builtin(tag: &str) -> Option<&'static Locale> {
    let primary = tag.split(['-', '_']).next().unwrap_or(tag).to_ascii_lowercase();
    LOCALES.iter().copied().find(|locale| locale.code == primary)
}

/// Picks the visitor's language: the config's `locale` unless it is `auto`, then the browser's
/// preferred languages, then the page's `<html lang>`, then English.
pub fn negotiate(config_locale: &str, browser_languages: &[String], html_lang: Option<&str>) -> &'static Locale {
    let configured = (!config_locale.eq_ignore_ascii_case("auto")).then_some(config_locale);
    configured
        .into_iter()
        .chain(browser_languages.iter().map(String::as_str))
        .chain(html_lang)
        .find_map(builtin)
        .unwrap_or(&EN)
}

fn sentiment_index(kind: Kind, category: Category) -> usize {
    kind.categories().iter().position(|&c| c == category).unwrap_or(1)
}

/// All texts one survey shows, resolved for one language: the survey's own `text.<locale>`
/// where it has them, else the built-in ones.
#[derive(Clone, Debug, PartialEq)]
pub struct SurveyTexts {
    /// Language code sent with events.
    pub locale: &'static str,
    /// Right-to-left layout.
    pub rtl: bool,
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
    pub fn resolve(config: &Config, survey: &Survey, locale: &'static Locale) -> SurveyTexts {
        let custom = survey.text.get(locale.code);
        let kind_index = match survey.kind {
            Kind::Nps => 0,
            Kind::Ces => 1,
            Kind::Csat => 2,
        };
        let company = if config.company.trim().is_empty() { locale.us } else { config.company.trim() };
        let question = custom
            .and_then(|t| t.question.clone())
            .unwrap_or_else(|| locale.questions[kind_index].to_string())
            .replace("{company}", company);
        let per_category = |pick: fn(&crate::core::config::SurveyText) -> &std::collections::BTreeMap<Category, String>,
                            defaults: &[&'static str; 3]| {
            survey
                .kind
                .categories()
                .iter()
                .map(|&category| {
                    let own = custom.and_then(|t| pick(t).get(&category)).cloned();
                    let text = own.unwrap_or_else(|| defaults[sentiment_index(survey.kind, category)].to_string());
                    (category, text)
                })
                .collect()
        };
        let (low, high) = locale.scale_ends[kind_index];
        SurveyTexts {
            locale: locale.code,
            rtl: locale.rtl,
            question,
            scale_ends: (low.to_string(), high.to_string()),
            follow_up: per_category(|t| &t.follow_up, &locale.follow_ups),
            thank_you: per_category(|t| &t.thank_you, &locale.thank_yous),
            links: custom.map(|t| t.link.iter().map(|(c, l)| (*c, l.clone())).collect()).unwrap_or_default(),
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
        self.links.iter().find(|(c, _)| *c == category).map(|(_, link)| link)
    }

    /// The counter text for `remaining` characters.
    pub fn chars_left_text(&self, remaining: usize) -> String {
        self.chars_left.replace("{n}", &remaining.to_string())
    }
}

fn lookup(texts: &[(Category, String)], category: Category) -> &str {
    texts.iter().find(|(c, _)| *c == category).map_or("", |(_, text)| text.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::parse;

    fn config(json_surveys: &str, company: &str) -> Config {
        let json = format!(r#"{{"collector": "/c", "company": "{company}", "surveys": [{json_surveys}]}}"#);
        parse(&json).unwrap().config
    }

    #[test]
    fn negotiation_prefers_config_then_browser_then_html_lang_then_english() {
        let browser = vec!["fi-FI".to_string(), "en-US".to_string()];
        assert_eq!(negotiate("en", &browser, None).code, "en");
        assert_eq!(negotiate("auto", &browser, Some("en")).code, "fi");
        assert_eq!(negotiate("auto", &["xx".into()], Some("fi")).code, "fi");
        assert_eq!(negotiate("AUTO", &[], None).code, "en");
        assert_eq!(negotiate("klingon", &[], None).code, "en");
    }

    #[test]
    fn the_nps_question_names_the_company_or_says_us() {
        let named = config(r#"{"id": "s", "kind": "nps"}"#, "Acme");
        let texts = SurveyTexts::resolve(&named, &named.surveys[0], &EN);
        assert_eq!(texts.question, "How likely is it that you would recommend Acme to a friend or colleague?");
        assert_eq!(texts.scale_ends, ("Not at all likely".into(), "Extremely likely".into()));
        let unnamed = config(r#"{"id": "s", "kind": "nps"}"#, "");
        let texts = SurveyTexts::resolve(&unnamed, &unnamed.surveys[0], &EN);
        assert!(texts.question.contains("recommend us to"));
    }

    #[test]
    fn custom_texts_win_in_their_locale_and_built_ins_fill_the_gaps() {
        let config = config(
            r#"{"id": "s", "kind": "nps", "text": {"en": {"follow_up": {"detractor": "Ouch. Why?"},
                "link": {"promoter": {"label": "Review us", "url": "https://r.example"}}}}}"#,
            "Acme",
        );
        let en = SurveyTexts::resolve(&config, &config.surveys[0], &EN);
        assert_eq!(en.follow_up_for(Category::Detractor), "Ouch. Why?");
        assert_eq!(en.follow_up_for(Category::Promoter), EN.follow_ups[2]);
        assert_eq!(en.link_for(Category::Promoter).map(|l| l.label.as_str()), Some("Review us"));
        assert!(en.link_for(Category::Detractor).is_none());
        let fi = SurveyTexts::resolve(&config, &config.surveys[0], &FI);
        assert_eq!(fi.follow_up_for(Category::Detractor), FI.follow_ups[0]);
        assert!(fi.question.starts_with("Kuinka todennäköisesti"));
    }

    #[test]
    fn ces_and_csat_use_their_own_questions_and_categories() {
        let config = config(r#"{"id": "c", "kind": "ces"}, {"id": "s", "kind": "csat"}"#, "Acme");
        let ces = SurveyTexts::resolve(&config, &config.surveys[0], &EN);
        assert_eq!(ces.question, "Acme made it easy for me to handle my issue.");
        assert_eq!(ces.thank_you_for(Category::Easy), EN.thank_yous[2]);
        let csat = SurveyTexts::resolve(&config, &config.surveys[1], &EN);
        assert_eq!(csat.question, "How satisfied were you with Acme?");
        assert_eq!(csat.follow_up_for(Category::Unsatisfied), EN.follow_ups[0]);
        assert_eq!(csat.chars_left_text(12), "12 characters left");
    }
}
