//! A plain JSON value and the small amount of JSON the core needs: reading fields, writing
//! compact text. Parsing text is the browser's job (`JSON.parse` in `browser::json`), so the
//! widget carries no JSON parser and no serde machinery; keys keep their order.

use crate::core::hash::fnv1a64;

/// A JSON value. Equality ignores the order of object keys, as JSON does.
#[derive(Clone, Debug, Default)]
pub enum Json {
    /// `null`.
    #[default]
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// Every number (JSON has one number type, like JavaScript).
    Number(f64),
    /// A string.
    String(String),
    /// A list.
    Array(Vec<Json>),
    /// An object, in key order as written.
    Object(Vec<(String, Json)>),
}

impl PartialEq for Json {
    fn eq(&self, other: &Json) -> bool {
        match (self, other) {
            (Json::Null, Json::Null) => true,
            (Json::Bool(a), Json::Bool(b)) => a == b,
            (Json::Number(a), Json::Number(b)) => a == b,
            (Json::String(a), Json::String(b)) => a == b,
            (Json::Array(a), Json::Array(b)) => a == b,
            (Json::Object(a), Json::Object(_)) => {
                let keys = |json: &Json| json.as_object().map_or(0, |fields| fields.len());
                keys(self) == keys(other)
                    && a.iter().all(|(key, value)| other.get(key) == Some(value))
            }
            _ => false,
        }
    }
}

impl Json {
    /// An object from `(key, value)` pairs.
    pub fn object<'a>(fields: impl IntoIterator<Item = (&'a str, Json)>) -> Json {
        Json::Object(
            fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    }

    /// The value of `key` in an object (the last one if the key repeats).
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.as_object()?
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The number as a count, if it is a whole number >= 0 (saturating at `u32::MAX`).
    pub fn as_u32(&self) -> Option<u32> {
        self.as_f64()
            .filter(|n| n.fract() == 0.0 && *n >= 0.0)
            .map(|n| n as u32)
    }

    /// The items, if this is a list.
    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The fields, if this is an object.
    pub fn as_object(&self) -> Option<&[(String, Json)]> {
        match self {
            Json::Object(fields) => Some(fields),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    /// What kind of value this is, for error messages ("a string").
    pub fn type_name(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "a list",
            Json::Object(_) => "an object",
        }
    }

    /// A 64-bit hash that ignores the order of object keys (the same value written with its keys
    /// in another order hashes the same): FNV-1a over the text of scalars, list items mixed in
    /// order, an object's fields summed.
    pub fn hash(&self) -> u64 {
        let mix = |hash: u64, part: u64| (hash ^ part).wrapping_mul(0x0000_0100_0000_01b3);
        match self {
            Json::Array(items) => items
                .iter()
                .fold(fnv1a64(b"["), |hash, item| mix(hash, item.hash())),
            Json::Object(fields) => fields.iter().fold(fnv1a64(b"{"), |sum, (key, value)| {
                sum.wrapping_add(mix(fnv1a64(key.as_bytes()), value.hash()))
            }),
            scalar => fnv1a64(scalar.to_text().as_bytes()),
        }
    }

    /// Compact JSON text (non-finite numbers become `null`, as in `JSON.stringify`).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => out.push_str(&crate::core::number::number_text(*n)),
            Json::String(s) => write_string(s, out),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Object(fields) => {
                out.push('{');
                for (i, (key, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(key, out);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

fn write_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                out.push_str("\\u00");
                crate::core::encoding::push_hex(out, c as u8);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

impl From<&str> for Json {
    fn from(value: &str) -> Json {
        Json::String(value.to_string())
    }
}

impl From<String> for Json {
    fn from(value: String) -> Json {
        Json::String(value)
    }
}

impl From<f64> for Json {
    fn from(value: f64) -> Json {
        Json::Number(value)
    }
}

impl From<u32> for Json {
    fn from(value: u32) -> Json {
        Json::Number(f64::from(value))
    }
}

impl From<bool> for Json {
    fn from(value: bool) -> Json {
        Json::Bool(value)
    }
}

impl<T: Into<Json>> From<Option<T>> for Json {
    fn from(value: Option<T>) -> Json {
        value.map_or(Json::Null, Into::into)
    }
}

impl From<Vec<Json>> for Json {
    fn from(items: Vec<Json>) -> Json {
        Json::Array(items)
    }
}

/// The collector (feature `serde`) and native tests read JSON with serde_json (the widget parses
/// with `JSON.parse`).
#[cfg(any(test, feature = "serde"))]
impl From<serde_json::Value> for Json {
    fn from(value: serde_json::Value) -> Json {
        match value {
            serde_json::Value::Null => Json::Null,
            serde_json::Value::Bool(b) => Json::Bool(b),
            serde_json::Value::Number(n) => Json::Number(n.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(s) => Json::String(s),
            serde_json::Value::Array(items) => {
                Json::Array(items.into_iter().map(Json::from).collect())
            }
            serde_json::Value::Object(fields) => Json::Object(
                fields
                    .into_iter()
                    .map(|(k, v)| (k, Json::from(v)))
                    .collect(),
            ),
        }
    }
}

/// Reads JSON text in native tests.
#[cfg(test)]
pub(crate) fn parse(text: &str) -> Json {
    Json::from(serde_json::from_str::<serde_json::Value>(text).expect("test JSON is valid"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trips_through_a_json_parser() {
        let value = Json::object([
            (
                "s",
                Json::from("quote \" backslash \\ newline \n bell \u{7} é 😀"),
            ),
            ("n", Json::from(-12.5)),
            ("i", Json::from(86_400_u32)),
            ("b", Json::from(true)),
            ("none", Json::from(None::<String>)),
            ("list", Json::from(vec![Json::Null, Json::from("x")])),
        ]);
        let text = value.to_text();
        assert_eq!(parse(&text), value);
        assert!(text.starts_with(r#"{"s":"quote \" backslash \\ newline \n bell \u0007 é 😀""#));
        assert!(text.contains(r#""i":86400,"b":true,"none":null"#), "{text}");
    }

    #[test]
    fn the_hash_ignores_key_order_but_not_values_or_list_order() {
        let value = parse(r#"{"a": 1, "b": {"d": [true, "x"], "c": null}}"#);
        let reordered = parse(r#"{"b": {"c": null, "d": [true, "x"]}, "a": 1}"#);
        assert_eq!(value.hash(), reordered.hash());
        for other in [
            r#"{"a": 2, "b": {"d": [true, "x"], "c": null}}"#,
            r#"{"a": 1, "b": {"d": ["x", true], "c": null}}"#,
            r#"{"a": 1, "b": {"d": [true, "x"], "e": null}}"#,
            r#"{"a": 1, "b": {"d": [true, "x"]}}"#,
        ] {
            assert_ne!(parse(other).hash(), value.hash(), "{other}");
        }
    }

    #[test]
    fn counts_are_whole_numbers_from_zero_capped_at_u32_max() {
        let count = |n: f64| Json::from(n).as_u32();
        assert_eq!((count(0.0), count(7.0)), (Some(0), Some(7)));
        assert_eq!(count(4_294_967_296.0), Some(u32::MAX));
        assert_eq!((count(2.5), count(-1.0)), (None, None));
        assert_eq!(Json::from("7").as_u32(), None);
    }

    #[test]
    fn non_finite_numbers_are_written_as_null_like_json_stringify() {
        assert_eq!(Json::from(f64::NAN).to_text(), "null");
        assert_eq!(Json::from(f64::INFINITY).to_text(), "null");
    }

    #[test]
    fn objects_are_equal_whatever_their_key_order() {
        let ab = Json::object([("a", Json::from(1.0)), ("b", Json::from(2.0))]);
        let ba = Json::object([("b", Json::from(2.0)), ("a", Json::from(1.0))]);
        assert_eq!(ab, ba);
        assert_ne!(ab, Json::object([("a", Json::from(1.0))]));
        assert_ne!(
            ab,
            Json::object([("a", Json::from(1.0)), ("b", Json::from(3.0))])
        );
    }

    #[test]
    fn the_last_repeated_key_wins_like_json_parse() {
        let value = Json::Object(vec![
            ("a".into(), Json::from(1.0)),
            ("a".into(), Json::from(2.0)),
        ]);
        assert_eq!(value.get("a"), Some(&Json::from(2.0)));
        assert_eq!(Json::Null.get("a"), None);
    }
}
