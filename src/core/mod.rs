//! Pure logic with no browser types: everything here is tested natively with `cargo test`.

pub mod config;
pub mod criteria;
pub mod eligibility;
pub mod event;
pub mod i18n;
pub mod metric;
pub mod outbox;
pub mod throttle;
pub mod trigger;

/// A number as people write it: `5`, `12.5`. Avoids `f64`'s `Display`, whose formatting code
/// weighs several KB of wasm; serde_json's (already linked) handles the fractional case.
pub fn number_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        (value as i64).to_string()
    } else {
        serde_json::Value::from(value).to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(super::number_text(5.0), "5");
        assert_eq!(super::number_text(-3.0), "-3");
        assert_eq!(super::number_text(12.5), "12.5");
        assert_eq!(super::number_text(86_400.0), "86400");
    }
}
