//! Language negotiation and text resolution, with expectations written out as literal text.

use super::*;

fn config(json_surveys: &str, company: &str) -> Config {
    let json =
        format!(r#"{{"collector": "/c", "company": "{company}", "surveys": [{json_surveys}]}}"#);
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
