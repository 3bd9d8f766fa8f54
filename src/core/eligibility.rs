//! Whether a survey may be shown to this visitor now, and if not, why: one answer per survey,
//! so "why didn't my survey show?" is a one-line lookup (see `?survey_debug=1`).

use crate::core::config::Survey;
use std::fmt;

/// Why a survey is not shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Skip {
    /// `enabled` is false.
    Disabled,
    /// The visitor has no identity cookie and the survey is not `anonymous`.
    NoIdentity {
        /// The cookie the config names.
        cookie: String,
    },
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Skip::Disabled => f.write_str("the survey is disabled (\"enabled\": false)"),
            Skip::NoIdentity { cookie } => write!(
                f,
                "the visitor has no \"{cookie}\" cookie and the survey does not allow anonymous visitors"
            ),
        }
    }
}

/// What the widget knows about the visitor when it decides.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Visitor {
    /// The identity cookie's value, if the visitor has one.
    pub id: Option<String>,
}

/// Decides whether `survey` may be shown to `visitor`.
pub fn check(survey: &Survey, visitor: &Visitor, identity_cookie: &str) -> Result<(), Skip> {
    if !survey.enabled {
        return Err(Skip::Disabled);
    }
    if visitor.id.is_none() && !survey.anonymous {
        return Err(Skip::NoIdentity { cookie: identity_cookie.to_string() });
    }
    Ok(())
}

/// The value of cookie `name` in a `document.cookie` string; `None` when absent or empty.
/// Malformed pairs are skipped; percent-encoded values are decoded when valid UTF-8.
pub fn cookie_value(cookies: &str, name: &str) -> Option<String> {
    cookies.split(';').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        if key.trim() != name {
            return None;
        }
        let value = value.trim().trim_matches('"');
        (!value.is_empty()).then(|| percent_decode(value))
    })
}

fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::parse;

    fn survey(extra: &str) -> Survey {
        let json = format!(r#"{{"collector": "/c", "surveys": [{{"id": "s", "kind": "nps"{extra}}}]}}"#);
        parse(&json).unwrap().config.surveys.remove(0)
    }

    #[test]
    fn a_known_visitor_sees_an_enabled_survey() {
        let known = Visitor { id: Some("abc".into()) };
        assert_eq!(check(&survey(""), &known, "visitor_id"), Ok(()));
        assert_eq!(check(&survey(r#", "enabled": false"#), &known, "visitor_id"), Err(Skip::Disabled));
    }

    #[test]
    fn a_visitor_without_the_cookie_sees_only_anonymous_surveys() {
        let stranger = Visitor::default();
        let skip = check(&survey(""), &stranger, "vid").unwrap_err();
        assert_eq!(
            skip.to_string(),
            "the visitor has no \"vid\" cookie and the survey does not allow anonymous visitors"
        );
        assert_eq!(check(&survey(r#", "anonymous": true"#), &stranger, "vid"), Ok(()));
    }

    #[test]
    fn cookie_values_are_found_decoded_and_malformed_ones_ignored() {
        let jar = "theme=dark; visitor_id=abc%20123; broken; empty=; visitor_idx=no";
        assert_eq!(cookie_value(jar, "visitor_id").as_deref(), Some("abc 123"));
        assert_eq!(cookie_value(jar, "empty"), None);
        assert_eq!(cookie_value(jar, "missing"), None);
        assert_eq!(cookie_value("a=%ZZ%", "a").as_deref(), Some("%ZZ%"));
        assert_eq!(cookie_value("a=%FF", "a").as_deref(), Some("%FF"));
        assert_eq!(cookie_value("a=\"quoted\"", "a").as_deref(), Some("quoted"));
    }
}
