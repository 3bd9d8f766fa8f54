//! Reading one cookie out of `document.cookie`.

use crate::core::encoding;

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
    String::from_utf8(encoding::percent_decode(value, false)).unwrap_or_else(|_| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::cookie_value;

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
