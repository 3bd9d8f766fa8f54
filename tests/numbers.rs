//! `core::number` in the browser, where the JavaScript engine converts: the same vectors as its
//! native unit tests (`src/core/number/vectors.rs`), so both builds read alike and write the
//! numbers people write alike.
#![cfg(target_arch = "wasm32")]

use survey_widget::core::number::{number_text, parse_number};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

include!("../src/core/number/vectors.rs");

#[wasm_bindgen_test]
fn decimal_text_reads_as_the_nearest_double() {
    for (text, number) in READ {
        assert_eq!(parse_number(text), Some(number), "{text:?}");
    }
    for text in REFUSED {
        assert_eq!(parse_number(text), None, "{text:?}");
    }
}

#[wasm_bindgen_test]
fn numbers_are_written_as_people_write_them() {
    for (number, text) in WRITTEN {
        assert_eq!(number_text(number), text);
    }
}

#[wasm_bindgen_test]
fn written_numbers_read_back_exactly() {
    for exponent in -30..30 {
        let value = 1.2345678901234567 * 10f64.powi(exponent);
        assert_eq!(parse_number(&number_text(value)), Some(value), "{value}");
    }
}
