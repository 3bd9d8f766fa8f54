//! Pure logic with no browser types: everything here is tested natively with `cargo test`.

pub mod config;
pub mod cookie;
pub mod criteria;
pub mod dates;
pub mod eligibility;
pub mod encoding;
pub mod event;
pub mod glob;
pub mod hash;
pub mod i18n;
pub mod json;
pub mod json_path;
pub mod map;
pub mod metric;
pub mod outbox;
pub mod suggest;
pub mod throttle;
pub mod trigger;

/// A number as people write it, and as JSON: `5`, `12.5`, `1e21` (`f64`'s `Display` would
/// weigh several KB more of wasm). Non-finite numbers have no JSON form: `null`.
pub fn number_text(value: f64) -> String {
    if !value.is_finite() {
        "null".into()
    } else if value.fract() == 0.0 && value.abs() < 1e15 {
        (value as i64).to_string()
    } else {
        ryu::Buffer::new().format_finite(value).to_string()
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
        assert_eq!(super::number_text(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(super::number_text(1e21), "1e21");
        assert_eq!(super::number_text(f64::NAN), "null");
    }
}
