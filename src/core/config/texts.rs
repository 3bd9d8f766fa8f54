//! A survey's own texts per language (`text.<locale>`): question, follow-up and thank-you by
//! category, and a link.

use super::reader::Object;
use crate::core::json_path::PathError;
use crate::core::map::Map;
use crate::core::metric::{Category, Kind};

const TEXT_KEYS: [&str; 4] = ["question", "follow_up", "thank_you", "link"];

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

pub(super) fn parse_survey_text(kind: Kind, text: &Object) -> Result<SurveyText, PathError> {
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
                    PathError::new(
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

fn parse_link(link: &Object) -> Result<Link, PathError> {
    link.only(&["label", "url"])?;
    let parsed = Link {
        label: link.string("label", None)?,
        url: link.string("url", None)?,
    };
    if !(parsed.url.starts_with("https://") || parsed.url.starts_with("http://")) {
        return Err(PathError::new(
            link.path("url"),
            "must be an http(s) URL".into(),
        ));
    }
    Ok(parsed)
}

fn category_list(kind: Kind) -> String {
    kind.categories()
        .iter()
        .map(|c| c.key())
        .collect::<Vec<_>>()
        .join(", ")
}
