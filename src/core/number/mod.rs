//! Numbers as text and back, the way JSON and people write them.
//!
//! In the widget (wasm with the `web` feature) the JavaScript engine converts (`String(n)`,
//! `Number(text)`): Rust's own float formatting and parsing would add 3.3 KB brotli to every
//! download. Natively (the collector, the tests) `ryu` and `f64::from_str` do. Both read every
//! text alike; they write the numbers people write alike, and others in their own form of the
//! same number (`1e+21` in the browser, `1e21` natively). The checks of both are `checks.rs`.

/// A number as people write it, and as JSON: `5`, `12.5`, `0.30000000000000004`, a text that
/// reads back as the same number. Non-finite numbers have no JSON form: `null`.
pub fn number_text(value: f64) -> String {
    if value.is_finite() {
        engine::shortest_text(value)
    } else {
        "null".into()
    }
}

/// Reads a decimal number (`42`, `-12.5`, `.5`, `1e3`; surrounding spaces allowed) as the
/// nearest `f64`. Anything else (`0x10`, `Infinity`, `1_000`, a number too large for a double)
/// is `None`.
pub fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim();
    let decimal = text.bytes().any(|b| b.is_ascii_digit())
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b));
    decimal
        .then(|| engine::read(text))
        .flatten()
        .filter(|n| n.is_finite())
}

#[cfg(all(target_arch = "wasm32", feature = "web"))]
mod engine {
    pub fn shortest_text(value: f64) -> String {
        js_sys::Number::from(value)
            .to_string_with_radix(10)
            .map(String::from)
            .unwrap_or_else(|_| "null".into())
    }

    /// `text` is made of digits, signs, points and exponents only, so `Number` reads no hex,
    /// binary or `Infinity`; what is not a number is `NaN`.
    pub fn read(text: &str) -> Option<f64> {
        let number = text.parse::<js_sys::Number>().ok()?.value_of();
        (!number.is_nan()).then_some(number)
    }
}

#[cfg(not(all(target_arch = "wasm32", feature = "web")))]
mod engine {
    pub fn shortest_text(value: f64) -> String {
        if value.fract() == 0.0 && value.abs() < 1e15 {
            (value as i64).to_string()
        } else {
            ryu::Buffer::new().format_finite(value).to_string()
        }
    }

    pub fn read(text: &str) -> Option<f64> {
        text.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::{number_text, parse_number};

    include!("checks.rs");

    #[test]
    fn decimal_text_reads_as_the_nearest_double() {
        check_reading();
    }

    #[test]
    fn numbers_are_written_as_people_write_them() {
        check_writing();
        // Past the numbers people write, in ryu's own form (the browser writes `1e+21`).
        assert_eq!(number_text(1e21), "1e21");
    }

    #[test]
    fn written_numbers_read_back_exactly() {
        check_round_trips(20_000);
    }
}
