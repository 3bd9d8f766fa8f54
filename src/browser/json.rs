//! JSON text to [`Json`] with the browser's own `JSON.parse` (no JSON parser in the wasm).

use crate::core::json::Json;
use js_sys::{Array, Object, JSON};
use wasm_bindgen::{JsCast, JsValue};

/// Deepest nesting read; deeper values read as `null` (no config or state nests this far, and
/// the recursion must not exhaust the wasm stack).
const MAX_DEPTH: usize = 64;

/// Parses JSON text; the error is the browser's message.
pub fn parse(text: &str) -> Result<Json, String> {
    JSON::parse(text)
        .map(|value| from_js(&value, 0))
        .map_err(|error| {
            error
                .dyn_ref::<js_sys::Error>()
                .map_or_else(|| "not JSON".into(), |e| String::from(e.message()))
        })
}

/// Parses JSON the widget stored itself; anything unreadable is `null`.
pub fn parse_stored(text: Option<&str>) -> Json {
    text.and_then(|text| parse(text).ok()).unwrap_or_default()
}

/// A plain JS value (as made by `JSON.parse`) at nesting `depth` as [`Json`]; functions and the
/// like are `null`.
fn from_js(value: &JsValue, depth: usize) -> Json {
    if depth > MAX_DEPTH {
        Json::Null
    } else if let Some(b) = value.as_bool() {
        Json::Bool(b)
    } else if let Some(n) = value.as_f64() {
        Json::Number(n)
    } else if let Some(s) = value.as_string() {
        Json::String(s)
    } else if Array::is_array(value) {
        Json::Array(
            Array::from(value)
                .iter()
                .map(|item| from_js(&item, depth + 1))
                .collect(),
        )
    } else if value.is_object() {
        let entries = Object::entries(value.unchecked_ref());
        let fields = entries.iter().filter_map(|entry| {
            let entry = Array::from(&entry);
            Some((entry.get(0).as_string()?, from_js(&entry.get(1), depth + 1)))
        });
        Json::Object(fields.collect())
    } else {
        Json::Null
    }
}

/// [`Json`] as a plain JS value (for `CustomEvent.detail`).
pub fn to_js(json: &Json) -> JsValue {
    JSON::parse(&json.to_text()).unwrap_or(JsValue::NULL)
}
