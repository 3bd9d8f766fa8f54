//! Pure logic with no browser types: everything here is tested natively with `cargo test`.

pub mod config;
pub mod cookie;
pub mod criteria;
pub mod dates;
pub mod eligibility;
pub mod encoding;
pub mod event;
#[cfg(test)]
mod fixtures;
pub mod glob;
pub mod hash;
pub mod i18n;
pub mod json;
pub mod json_path;
pub mod keys;
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

/// Reads a decimal number (`42`, `-12.5`, `.5`, `1e3`, surrounding spaces allowed) exactly as
/// `f64::from_str` would, for up to 15 significant digits and powers of ten up to 22 (where
/// one correctly rounded multiplication or division is exact); anything else is `None`. The
/// standard parser weighs almost 3 KB of wasm for precision no config or attribute needs.
pub fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim();
    let (negative, text) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], text[at + 1..].parse::<i32>().ok()?),
        None => (text, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = || whole.bytes().chain(fraction.bytes());
    if whole.len() + fraction.len() == 0 || !digits().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let significant = digits().skip_while(|&b| b == b'0');
    if significant.clone().count() > 15 {
        return None;
    }
    let value = digits().fold(0u64, |n, b| n * 10 + u64::from(b - b'0')) as f64;
    let power = exponent.checked_sub(i32::try_from(fraction.len()).ok()?)?;
    let scale = 10f64.powi(power.abs());
    let magnitude = match power {
        0..=22 => value * scale,
        -22..=-1 => value / scale,
        _ => return None,
    };
    Some(if negative { -magnitude } else { magnitude })
}

#[cfg(test)]
mod tests {
    #[test]
    fn decimal_text_reads_as_the_standard_parser_reads_it() {
        for text in [
            "42",
            "-12.5",
            "0.1",
            ".5",
            "5.",
            "1e3",
            "2.5E-3",
            " 7 ",
            "+3",
            "0.123456789012345",
            "-98765.4321e-5",
        ] {
            let standard: f64 = text.trim().parse().unwrap();
            assert_eq!(super::parse_number(text), Some(standard), "{text}");
        }
        for text in [
            "", "-", ".", "1.2.3", "12a", "e5", "0x10", "NaN", "inf", "1e400",
        ] {
            assert_eq!(super::parse_number(text), None, "{text}");
        }
        assert_eq!(
            super::parse_number("1234567890123456"),
            None,
            "16 significant digits"
        );
    }

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
