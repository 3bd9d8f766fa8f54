//! Component tests in a real browser (wasm-bindgen-test, headless Chromium):
//! `cargo test --target wasm32-unknown-unknown` (see scripts/test.sh).
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use std::sync::{Arc, Mutex};
use survey_widget::core::i18n::{Language, SurveyTexts, EN};
use survey_widget::parse_config as parse;
use survey_widget::ui::card::SurveyCard;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

const CONFIG: &str = r#"{"collector": "/v1/events", "company": "Acme", "surveys": [{"id": "nps", "kind": "nps",
    "text": {"en": {"follow_up": {"detractor": "What should we fix first?", "promoter": "What do you love?"},
                    "thank_you": {"detractor": "Thanks, we will improve.", "promoter": "Thanks, promoter!"},
                    "link": {"promoter": {"label": "Review us", "url": "https://example.com/review"}}}}}]}"#;

/// What the visitor did, as the callbacks saw it.
#[derive(Default)]
struct Recorded {
    scores: Vec<u8>,
    comments: Vec<String>,
    closes: usize,
}

/// Texts an attacker might put in a config (or in a hosted survey's editor): each must show as
/// the characters typed, never as markup.
const HOSTILE_CONFIG: &str = r#"{"collector": "/v1/events", "company": "<b id=x>Acme</b>", "surveys": [{"id": "nps", "kind": "nps",
    "text": {"en": {"follow_up": {"detractor": "<img src=x onerror=alert(1)>"},
                    "thank_you": {"detractor": "<script>alert(2)</script>"},
                    "link": {"detractor": {"label": "<i>Help</i>", "url": "https://example.com/help"}}}}}]}"#;

/// Mounts a pop-up of [`CONFIG`] into a fresh element and returns that element and the
/// recorded callbacks.
fn mount_popup() -> (HtmlElement, Arc<Mutex<Recorded>>) {
    mount_popup_of(CONFIG)
}

/// [`mount_popup`] with the config text `config`.
fn mount_popup_of(config: &str) -> (HtmlElement, Arc<Mutex<Recorded>>) {
    mount_card(config, false)
}

/// A card of the config text `config`, its choices `staged` or not.
fn mount_card(config: &str, staged: bool) -> (HtmlElement, Arc<Mutex<Recorded>>) {
    let parsed = parse(config).expect("test config parses");
    let survey = &parsed.config.surveys[0];
    let texts = SurveyTexts::resolve(&parsed.config, survey, &Language::from(&EN));
    let container = new_container();
    let recorded = Arc::new(Mutex::new(Recorded::default()));
    let (r1, r2, r3) = (recorded.clone(), recorded.clone(), recorded.clone());
    let kind = survey.kind;
    leptos::mount::mount_to(container.clone(), move || {
        view! {
            <SurveyCard
                kind=kind
                texts=texts.clone()
                on_score=move |s| r1.lock().unwrap().scores.push(s)
                on_comment=move |c| r2.lock().unwrap().comments.push(c)
                on_close=Callback::new(move |()| r3.lock().unwrap().closes += 1)
                staged=staged
            />
        }
    })
    .forget();
    (container, recorded)
}

/// The public `SurveyWidget` component, inline, of the config text `config`, mounted into a
/// fresh element (returned) and given a tick to render.
async fn mount_inline_widget(config: &str) -> HtmlElement {
    mount_widget(config, true).await
}

/// [`mount_inline_widget`], `inline` or as a pop-up.
async fn mount_widget(config: &str, inline: bool) -> HtmlElement {
    let parsed = parse(config).expect("test config parses");
    let survey = parsed.config.surveys[0].clone();
    let config = parsed.config;
    let container = new_container();
    leptos::mount::mount_to(container.clone(), move || {
        view! { <survey_widget::SurveyWidget config=config.clone() survey=survey.clone() inline=inline /> }
    })
    .forget();
    leptos::task::tick().await;
    container
}

/// A fresh `<div>` at the end of the page's body.
fn new_container() -> HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let container: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&container).unwrap();
    container
}

/// Calls `seen` on each `survey-widget:{name}` DOM event of survey `survey_id` (only this
/// test's survey: other tests' cards send their own events meanwhile), for the page's life.
fn on_event(name: &str, survey_id: &'static str, seen: impl Fn() + 'static) {
    let listener = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::CustomEvent)>::new(
        move |event: web_sys::CustomEvent| {
            let survey = js_sys::Reflect::get(&event.detail(), &"survey_id".into()).unwrap();
            if survey.as_string().as_deref() == Some(survey_id) {
                seen();
            }
        },
    );
    web_sys::window()
        .unwrap()
        .add_event_listener_with_callback(
            &format!("survey-widget:{name}"),
            listener.as_ref().unchecked_ref(),
        )
        .unwrap();
    listener.forget();
}

fn find(container: &HtmlElement, selector: &str) -> Option<HtmlElement> {
    container
        .query_selector(selector)
        .unwrap()
        .map(|e| e.unchecked_into())
}

fn text_of(container: &HtmlElement, selector: &str) -> String {
    find(container, selector)
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

/// [`CONFIG`] with its survey's id `id` (each test's own, so that other tests' events can be
/// told apart).
fn config_with_id(id: &str) -> String {
    CONFIG.replace(r#""id": "nps""#, &format!(r#""id": "{id}""#))
}

/// The shadow root of the `SurveyWidget` component mounted in `container`, if it has one.
fn shadow_root_of(container: &HtmlElement) -> Option<web_sys::ShadowRoot> {
    find(container, ".survey-widget").and_then(|host| host.shadow_root())
}

/// The card matching `selector` in `root`, asserting that it asks the test config's question.
fn card_asking(root: &web_sys::ShadowRoot, selector: &str, missing: &str) -> web_sys::Element {
    let card = root.query_selector(selector).unwrap().expect(missing);
    assert!(card
        .text_content()
        .unwrap_or_default()
        .contains("recommend Acme"));
    card
}

async fn choose(container: &HtmlElement, score: u8) {
    let radio: HtmlInputElement = find(container, &format!("input[type=radio][value=\"{score}\"]"))
        .expect("the score is a radio button")
        .unchecked_into();
    radio.click();
    leptos::task::tick().await;
}

/// Types `comment` into the follow-up's textbox, as the visitor would (an `input` event).
async fn type_comment(container: &HtmlElement, comment: &str) {
    let textarea: web_sys::HtmlTextAreaElement = find(container, "textarea")
        .expect("follow-up textbox")
        .unchecked_into();
    textarea.set_value(comment);
    textarea
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    leptos::task::tick().await;
}

async fn submit_comment(container: &HtmlElement, comment: &str) {
    type_comment(container, comment).await;
    find(container, "button[type=submit]")
        .expect("submit button")
        .click();
    leptos::task::tick().await;
}

#[wasm_bindgen_test]
async fn a_staged_card_shows_its_question_first_and_its_choices_in_the_next_task() {
    let (container, _) = mount_card(CONFIG, true);
    leptos::task::tick().await;
    let radios = || {
        container
            .query_selector_all("input[type=radio]")
            .unwrap()
            .length()
    };
    assert!(text_of(&container, ".sw-question").contains("Acme"));
    assert_eq!(radios(), 0, "the choices wait for the next task");
    survey_widget::browser::task::next_task().await;
    leptos::task::tick().await;
    assert_eq!(radios(), 11);
}

#[wasm_bindgen_test]
async fn the_question_is_a_labelled_dialog_with_eleven_named_radios() {
    let (container, _) = mount_popup();
    leptos::task::tick().await;
    let dialog = find(&container, "[role=dialog]").expect("a dialog");
    assert_eq!(
        dialog.get_attribute("aria-labelledby").as_deref(),
        Some("sw-question")
    );
    assert_eq!(
        text_of(&container, "#sw-question"),
        "How likely is it that you would recommend Acme to a friend or colleague?"
    );
    let group = find(&container, "[role=radiogroup]").expect("a radio group");
    assert_eq!(
        group.get_attribute("aria-labelledby").as_deref(),
        Some("sw-question")
    );
    let radios = container.query_selector_all("input[type=radio]").unwrap();
    assert_eq!(radios.length(), 11);
    let first: HtmlElement = radios.item(0).unwrap().unchecked_into();
    let last: HtmlElement = radios.item(10).unwrap().unchecked_into();
    assert_eq!(
        first.get_attribute("aria-label").as_deref(),
        Some("0, Not at all likely")
    );
    assert_eq!(
        last.get_attribute("aria-label").as_deref(),
        Some("10, Extremely likely")
    );
    assert!(
        find(&container, "textarea").is_none(),
        "no follow-up before a score"
    );
    assert_eq!(
        find(&container, ".sw-close")
            .and_then(|b| b.get_attribute("aria-label"))
            .as_deref(),
        Some("Close survey")
    );
}

#[wasm_bindgen_test]
async fn choosing_3_asks_the_detractor_follow_up() {
    let (container, recorded) = mount_popup();
    choose(&container, 3).await;
    assert_eq!(
        text_of(&container, "label[for=sw-comment]"),
        "What should we fix first?"
    );
    assert_eq!(recorded.lock().unwrap().scores, vec![3]);
    // Changing the mind changes the follow-up to the new category.
    choose(&container, 10).await;
    assert_eq!(
        text_of(&container, "label[for=sw-comment]"),
        "What do you love?"
    );
    assert_eq!(recorded.lock().unwrap().scores, vec![3, 10]);
}

#[wasm_bindgen_test]
async fn a_comment_typed_before_the_score_changes_is_kept_and_sent() {
    let (container, recorded) = mount_popup();
    choose(&container, 3).await;
    type_comment(&container, "Too slow").await;
    choose(&container, 10).await;
    let textarea: web_sys::HtmlTextAreaElement = find(&container, "textarea")
        .expect("follow-up textbox")
        .unchecked_into();
    assert_eq!(textarea.value(), "Too slow");
    assert_eq!(text_of(&container, ".sw-counter"), "Characters left: 1992");
    find(&container, "button[type=submit]")
        .expect("submit button")
        .click();
    leptos::task::tick().await;
    assert_eq!(
        recorded.lock().unwrap().comments,
        vec!["Too slow".to_string()]
    );
}

#[wasm_bindgen_test]
async fn choosing_9_and_submitting_thanks_a_promoter_with_the_review_link() {
    let (container, recorded) = mount_popup();
    choose(&container, 9).await;
    submit_comment(&container, "Great tool").await;
    assert_eq!(
        text_of(&container, "[role=status] .sw-thanks-text"),
        "Thanks, promoter!"
    );
    let link = find(&container, "[role=status] a").expect("review link");
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("https://example.com/review")
    );
    assert_eq!(link.text_content().as_deref(), Some("Review us"));
    assert!(
        find(&container, "[role=radiogroup]").is_none(),
        "the question is answered"
    );
    assert_eq!(
        recorded.lock().unwrap().comments,
        vec!["Great tool".to_string()]
    );
}

#[wasm_bindgen_test]
async fn hostile_config_texts_are_rendered_as_text() {
    let (container, _) = mount_popup_of(HOSTILE_CONFIG);
    leptos::task::tick().await;
    assert_eq!(
        text_of(&container, "#sw-question"),
        "How likely is it that you would recommend <b id=x>Acme</b> to a friend or colleague?"
    );
    choose(&container, 2).await;
    assert_eq!(
        text_of(&container, "label[for=sw-comment]"),
        "<img src=x onerror=alert(1)>"
    );
    submit_comment(&container, "<svg onload=alert(3)>").await;
    assert_eq!(
        text_of(&container, "[role=status] .sw-thanks-text"),
        "<script>alert(2)</script>"
    );
    assert_eq!(text_of(&container, "[role=status] a"), "<i>Help</i>");
    for markup in ["b", "img", "script", "i", "svg"] {
        assert!(
            container.query_selector(markup).unwrap().is_none(),
            "no <{markup}> element was made from text"
        );
    }
}

#[wasm_bindgen_test]
async fn the_counter_counts_down_as_the_visitor_types() {
    let (container, _) = mount_popup();
    choose(&container, 5).await;
    let textarea: web_sys::HtmlTextAreaElement =
        find(&container, "textarea").unwrap().unchecked_into();
    textarea.set_value("Twenty-seven characters ok.");
    textarea
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    leptos::task::tick().await;
    assert_eq!(text_of(&container, ".sw-counter"), "Characters left: 1973");
}

#[wasm_bindgen_test]
async fn escape_and_the_close_button_close() {
    let (container, recorded) = mount_popup();
    leptos::task::tick().await;
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Escape");
    init.set_bubbles(true);
    let escape =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    find(&container, "input[type=radio]")
        .unwrap()
        .dispatch_event(&escape)
        .unwrap();
    find(&container, ".sw-close").unwrap().click();
    assert_eq!(recorded.lock().unwrap().closes, 2);
}

#[wasm_bindgen_test]
async fn the_leptos_component_renders_inside_its_own_shadow_root() {
    let container = mount_inline_widget(CONFIG).await;
    let root = shadow_root_of(&container).expect("the component's host, with an open shadow root");
    assert!(
        container.query_selector("[role=dialog]").unwrap().is_none(),
        "nothing in the light DOM"
    );
    card_asking(
        &root,
        "[role=dialog].sw-inline",
        "an inline dialog in the shadow root",
    );
    assert_eq!(
        root.adopted_style_sheets().length(),
        1,
        "the widget stylesheet is adopted there"
    );
}

/// Text that is not JSON (a truncated write, another script's data) reads as a fresh start, and
/// a config that is not JSON is one clear error: the parsing the core leaves to `JSON.parse`.
#[wasm_bindgen_test]
fn text_that_is_not_json_is_a_fresh_start_or_one_clear_error() {
    use survey_widget::browser::json::parse_stored;
    use survey_widget::core::json::Json;
    use survey_widget::core::outbox::Outbox;
    use survey_widget::core::throttle::VisitorState;
    for garbage in ["", "{", "not json", "[1,2]"] {
        let stored = parse_stored(Some(garbage));
        assert_eq!(
            VisitorState::from_json(&stored),
            VisitorState::default(),
            "{garbage}"
        );
        assert_eq!(Outbox::from_json(&stored), Outbox::default(), "{garbage}");
    }
    assert_eq!(parse_stored(None), Json::Null);
    let error = parse("{oops")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(error.starts_with("invalid config: not JSON: "), "{error}");
}

#[wasm_bindgen_test]
async fn an_answer_before_the_shown_event_went_out_sends_shown_first_and_once() {
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    for name in ["shown", "answered"] {
        let seen = seen.clone();
        on_event(name, "order", move || {
            seen.lock().unwrap().push(name.to_string())
        });
    }
    let container = mount_inline_widget(&config_with_id("order")).await;
    let root = shadow_root_of(&container).expect("the component's shadow root");
    let radio: HtmlElement = root
        .query_selector("input[type=radio][value=\"9\"]")
        .unwrap()
        .expect("the choices of an inline card are there at once")
        .unchecked_into();
    assert!(
        seen.lock().unwrap().is_empty(),
        "shown waits for a task of its own"
    );
    radio.click();
    leptos::task::tick().await;
    assert_eq!(*seen.lock().unwrap(), ["shown", "answered"]);
    for _ in 0..3 {
        survey_widget::browser::task::next_task().await;
    }
    assert_eq!(*seen.lock().unwrap(), ["shown", "answered"], "shown once");
}

#[wasm_bindgen_test]
async fn a_pop_up_shows_in_steps_and_sends_shown_once_its_choices_are_on_screen() {
    // The number of choices on screen when `shown` was dispatched, for this test's survey.
    let choices_at_shown = Arc::new(Mutex::new(Vec::<u32>::new()));
    let seen = choices_at_shown.clone();
    on_event("shown", "steps", move || {
        let document = web_sys::window().unwrap().document().unwrap();
        let count = document
            .query_selector("#steps .survey-widget")
            .unwrap()
            .and_then(|host| host.shadow_root())
            .map_or(0, |root| {
                root.query_selector_all("input[type=radio]")
                    .unwrap()
                    .length()
            });
        seen.lock().unwrap().push(count);
    });
    let container = mount_widget(&config_with_id("steps"), false).await;
    container.set_id("steps");
    let root = shadow_root_of(&container).expect("the component's shadow root");
    let radios = || {
        root.query_selector_all("input[type=radio]")
            .unwrap()
            .length()
    };
    assert!(
        root.query_selector("[role=dialog]").unwrap().is_none(),
        "the card waits for a task"
    );
    let next_task = || async {
        survey_widget::browser::task::next_task().await;
        leptos::task::tick().await;
    };
    next_task().await;
    card_asking(&root, "[role=dialog].sw-popup", "the card, next task");
    assert_eq!(radios(), 0, "its choices wait for one more");
    next_task().await;
    assert_eq!(radios(), 11);
    for _ in 0..3 {
        next_task().await;
    }
    assert_eq!(
        *choices_at_shown.lock().unwrap(),
        [11],
        "shown once, with the choices on screen"
    );
}

#[wasm_bindgen_test]
async fn a_pop_up_removed_before_its_card_showed_sends_no_shown() {
    let shown = Arc::new(Mutex::new(0));
    let seen = shown.clone();
    on_event("shown", "gone", move || *seen.lock().unwrap() += 1);
    let parsed = parse(&config_with_id("gone")).unwrap();
    let (config, survey) = (parsed.config.clone(), parsed.config.surveys[0].clone());
    let container = new_container();
    let handle = leptos::mount::mount_to(container.clone(), move || {
        view! { <survey_widget::SurveyWidget config=config.clone() survey=survey.clone() /> }
    });
    leptos::task::tick().await;
    assert!(
        shadow_root_of(&container).is_some(),
        "the pop-up is mounted"
    );
    drop(handle); // the app removes it before its card rendered
    for _ in 0..5 {
        survey_widget::browser::task::next_task().await;
    }
    assert_eq!(
        *shown.lock().unwrap(),
        0,
        "a pop-up nobody saw is not shown"
    );
}
