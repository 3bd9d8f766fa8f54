// Vectors of `core::number`, shared by its native unit tests and by the widget's browser test
// (`tests/numbers.rs`), which checks the JavaScript engine's conversions against the same list.

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
