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

/// Reads a decimal number (`42`, `-12.5`, `.5`, `1e3`; surrounding spaces allowed) and rounds
/// it to the nearest `f64`, as `f64::from_str` does, when it has at most 19 significant digits
/// (every number JavaScript prints has 17 at most) and a power of ten within 19 of them (22 for
/// up to 15 digits); anything else is `None`. The standard parser's tables weigh 12 KB brotli
/// of wasm for numbers no config, cookie or header holds.
pub fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim();
    let (negative, text) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], text[at + 1..].parse::<i64>().ok()?),
        None => (text, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = || whole.bytes().chain(fraction.bytes());
    if whole.len() + fraction.len() == 0 || !digits().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = digits().try_fold(0u64, |n, b| {
        n.checked_mul(10)?.checked_add(u64::from(b - b'0'))
    })?;
    let power = exponent.checked_sub(i64::try_from(fraction.len()).ok()?)?;
    let magnitude = match (digits, power) {
        (0, _) => 0.0,
        // One correctly rounded operation on exact operands: the result is the nearest double.
        (0..=0x20_0000_0000_0000, -22..=22) if power >= 0 => {
            digits as f64 * 10f64.powi(power as i32)
        }
        (0..=0x20_0000_0000_0000, -22..=22) => digits as f64 / 10f64.powi(-power as i32),
        // The exact product, rounded once.
        (_, 0..=19) => (u128::from(digits) * 10u128.pow(power as u32)) as f64,
        (_, -19..=-1) => divided(digits, 10u64.pow(-power as u32)),
        _ => return None,
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// `n / d` (both non-zero) rounded once to the nearest double: the quotient of `n` shifted to 128
/// bits has 64 or more significant bits, and a remainder sets its lowest bit, below the bit
/// that decides the rounding.
fn divided(n: u64, d: u64) -> f64 {
    let shift = n.leading_zeros();
    let numerator = u128::from(n << shift) << 64;
    let (quotient, remainder) = (numerator / u128::from(d), numerator % u128::from(d));
    let quotient = quotient | u128::from(remainder != 0);
    quotient as f64 * 2f64.powi(-(64 + shift as i32))
}

#[cfg(test)]
mod tests {
    #[test]
    fn decimal_text_reads_as_the_standard_parser_reads_it() {
        let texts = [
            "42",
            "-12.5",
            "0.1",
            ".5",
            "5.",
            "1e3",
            "2.5E-3",
            " 7 ",
            "+3",
            "1e+5",
            "-.5",
            "00012",
            "0.123456789012345",
            "-98765.4321e-5",
            "0.30000000000000004",
            "29.970000000000002",
            "1.0000000000000000",
            "9007199254740993",
            "18446744073709551615",
            "1e-22",
            "4e22",
            "123456789012345678e-19",
            "0.000001",
            "1e0",
        ];
        for text in texts {
            let standard: f64 = text.trim().parse().unwrap();
            assert_eq!(super::parse_number(text), Some(standard), "{text}");
        }
        let refused = [
            "",
            "-",
            ".",
            "1.2.3",
            "12a",
            "e5",
            "0x10",
            "NaN",
            "inf",
            "1e400",
            "1_000",
            "+-1",
            "1e",
            "18446744073709551616",
            "1e-2147483648",
            "1.5e-9223372036854775807",
        ];
        for text in refused {
            assert_eq!(super::parse_number(text), None, "{text}");
        }
    }

    /// Every double's shortest text (as JavaScript prints it, up to 17 digits) reads back as
    /// that double, over a spread of magnitudes; from 0.001 to 10^19 every one is read.
    #[test]
    fn shortest_text_of_doubles_reads_back_exactly() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let exponent = (state % 30) as i32 - 15;
            let value = (state >> 11) as f64 / (1u64 << 53) as f64 * 10f64.powi(exponent);
            let text = ryu::Buffer::new().format_finite(value).to_string();
            match super::parse_number(&text) {
                Some(read) => assert_eq!(read, value, "{text}"),
                // Only 17 digits more than 19 places after the point, or past u64, are refused.
                None => assert!(!(1e-3..1e19).contains(&value), "{text} should be read"),
            }
        }
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
