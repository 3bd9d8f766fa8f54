//! A Leptos app embedding one survey inline with the `SurveyWidget` component.
//! Run the collector (`scripts/dev.sh` at the repository root), then `trunk serve` here.

use leptos::prelude::*;
use survey_widget::SurveyWidget;

const CONFIG: &str = include_str!("../surveys.json");

fn main() {
    leptos::mount::mount_to_body(App);
}

/// A support page that asks how satisfied the visitor was, below the answer it gave them.
#[component]
fn App() -> impl IntoView {
    let (closed, set_closed) = signal(false);
    let survey = match survey_widget::parse_config(CONFIG) {
        Ok(parsed) => parsed
            .config
            .surveys
            .first()
            .cloned()
            .map(|survey| (parsed.config, survey)),
        Err(error) => {
            leptos::logging::error!("survey config: {error}");
            None
        }
    };
    view! {
        <main>
            <h1>"How do I export my data?"</h1>
            <p>"Open Settings, then Export, and choose CSV or JSON."</p>
            {survey.map(|(config, survey)| view! {
                <SurveyWidget
                    config=config
                    survey=survey
                    inline=true
                    on_close=Callback::new(move |()| set_closed.set(true))
                />
            })}
            <Show when=move || closed.get()>
                <p>"Thanks for stopping by."</p>
            </Show>
        </main>
    }
}
