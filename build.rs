//! Build-time data for the crate:
//! - the built-in texts (`src/core/i18n/locales/*.json`, data kept apart from the code) become
//!   `core::i18n` constants: one `Locale` per file and `LOCALES`, English first;
//! - the widget's stylesheet (`style/widget.css`) is compiled in without its comments and
//!   spaces (every visitor downloads it inside the wasm).

use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;

const DIR: &str = "src/core/i18n/locales";

fn main() {
    locales();
    stylesheet();
}

/// `style/widget.css` minus comments and the whitespace CSS does not need, as
/// `$OUT_DIR/widget.css`.
fn stylesheet() {
    const SOURCE: &str = "style/widget.css";
    println!("cargo::rerun-if-changed={SOURCE}");
    let css = std::fs::read_to_string(SOURCE).expect("style/widget.css");
    let mut text = String::with_capacity(css.len());
    let mut rest = css.as_str();
    while let Some(start) = rest.find("/*") {
        text.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    text.push_str(rest);
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = words.join(" ");
    // Spaces around these never matter in this stylesheet (`+` and `-` keep theirs: calc()).
    for punctuation in ["{", "}", ";", ",", ":", ">"] {
        out = out
            .replace(&format!(" {punctuation}"), punctuation)
            .replace(&format!("{punctuation} "), punctuation);
    }
    let out = out.replace(";}", "}");
    let target = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("widget.css");
    std::fs::write(target, out).expect("write widget.css");
}

fn locales() {
    println!("cargo::rerun-if-changed={DIR}");
    let mut files: Vec<_> = std::fs::read_dir(DIR)
        .expect("the locales folder")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    // English first (the fallback), then by code.
    files.sort_by_key(|path| (path.file_stem() != Some("en".as_ref()), path.clone()));
    let mut out = String::new();
    let mut names = Vec::new();
    for path in &files {
        let locale = read(path);
        let code = text(&locale, "code", path);
        let name = code.to_uppercase();
        let list = |key: &str| {
            let items = locale[key]
                .as_array()
                .unwrap_or_else(|| panic!("{}: {key} must be a list", path.display()));
            let items: Vec<String> = items
                .iter()
                .map(|item| {
                    format!(
                        "{:?}",
                        item.as_str()
                            .unwrap_or_else(|| panic!("{}: {key} holds strings", path.display()))
                    )
                })
                .collect();
            assert_eq!(items.len(), 3, "{}: {key} has 3 entries", path.display());
            format!("[{}]", items.join(", "))
        };
        let ends = locale["scale_ends"].as_array().expect("scale_ends");
        let ends: Vec<String> = ends
            .iter()
            .map(|pair| {
                format!(
                    "({:?}, {:?})",
                    pair[0].as_str().expect("end"),
                    pair[1].as_str().expect("end")
                )
            })
            .collect();
        writeln!(
            out,
            "/// Built-in texts: `{code}` (from `locales/{code}.json`).\npub const {name}: Locale = Locale {{ code: {code:?}, rtl: {rtl}, us: {us:?}, questions: {questions}, questions_without_company: {without}, scale_ends: [{ends}], follow_ups: {follow_ups}, thank_yous: {thank_yous}, comment_placeholder: {placeholder:?}, submit: {submit:?}, close: {close:?}, chars_left: {chars_left:?} }};",
            rtl = locale["rtl"].as_bool().expect("rtl"),
            us = text(&locale, "us", path),
            questions = list("questions"),
            without = list("questions_without_company"),
            ends = ends.join(", "),
            follow_ups = list("follow_ups"),
            thank_yous = list("thank_yous"),
            placeholder = text(&locale, "comment_placeholder", path),
            submit = text(&locale, "submit", path),
            close = text(&locale, "close", path),
            chars_left = text(&locale, "chars_left", path),
        )
        .expect("write to a String");
        names.push(format!("&{name}"));
    }
    writeln!(
        out,
        "/// Every built-in language, English first.\npub const LOCALES: &[&Locale] = &[{}];",
        names.join(", ")
    )
    .expect("write to a String");
    let target = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("locales.rs");
    std::fs::write(target, out).expect("write locales.rs");
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn text<'a>(locale: &'a Value, key: &str, path: &Path) -> &'a str {
    locale[key]
        .as_str()
        .unwrap_or_else(|| panic!("{}: {key} must be a string", path.display()))
}
