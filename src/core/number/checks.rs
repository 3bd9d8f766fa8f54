// The checks of `core::number`, with their vectors, shared by its native unit tests and by the
// widget's browser test (`tests/numbers.rs`): the JavaScript engine's conversions pass the same
// ones. Included where `number_text` and `parse_number` are in scope.

/// Decimal texts with the number each reads as (as `f64::from_str` and JavaScript's `Number`
/// read them: the nearest double).
const READ: [(&str, f64); 27] = [
    ("42", 42.0),
    ("-12.5", -12.5),
    ("0.1", 0.1),
    (".5", 0.5),
    ("5.", 5.0),
    ("1e3", 1000.0),
    ("2.5E-3", 0.0025),
    (" 7 ", 7.0),
    ("+3", 3.0),
    ("1e+5", 100_000.0),
    ("-.5", -0.5),
    ("00012", 12.0),
    ("0.123456789012345", 0.123456789012345),
    ("-98765.4321e-5", -0.987654321),
    ("0.30000000000000004", 0.30000000000000004),
    ("29.970000000000002", 29.970000000000002),
    ("1.0000000000000000", 1.0),
    ("9007199254740993", 9007199254740992.0),
    ("18446744073709551616", 18446744073709551616.0),
    ("1e-22", 1e-22),
    ("4e22", 4e22),
    ("123456789012345678e-19", 0.012345678901234568),
    ("0.000001", 0.000001),
    ("1e0", 1.0),
    ("1e-400", 0.0),
    ("1.7976931348623157e308", f64::MAX),
    ("5e-324", 5e-324),
];

/// Texts that are not a decimal number, or one too large for a double.
const REFUSED: [&str; 18] = [
    "", " ", "-", ".", "1.2.3", "12a", "e5", "0x10", "0b1", "0o7", "NaN", "inf", "Infinity",
    "1e400", "1_000", "+-1", "1e", "1 000",
];

/// Numbers with the text each is written as, where every engine writes the same.
const WRITTEN: [(f64, &str); 8] = [
    (5.0, "5"),
    (-3.0, "-3"),
    (12.5, "12.5"),
    (86_400.0, "86400"),
    (0.30000000000000004, "0.30000000000000004"),
    (-0.001, "-0.001"),
    (f64::NAN, "null"),
    (f64::INFINITY, "null"),
];

/// Every text of `READ` reads as its number, every one of `REFUSED` as none.
fn check_reading() {
    for (text, number) in READ {
        assert_eq!(parse_number(text), Some(number), "{text:?}");
    }
    for text in REFUSED {
        assert_eq!(parse_number(text), None, "{text:?}");
    }
}

/// Every number of `WRITTEN` is written as its text.
fn check_writing() {
    for (number, text) in WRITTEN {
        assert_eq!(number_text(number), text);
    }
}

/// `count` doubles over a spread of magnitudes (1e-30 to 1e30) read back exactly from the text
/// they are written as.
fn check_round_trips(count: usize) {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    for _ in 0..count {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let exponent = (state % 60) as i32 - 30;
        let value = (state >> 11) as f64 / (1u64 << 53) as f64 * 10f64.powi(exponent);
        assert_eq!(parse_number(&number_text(value)), Some(value), "{value}");
    }
}
