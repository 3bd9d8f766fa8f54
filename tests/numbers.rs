//! `core::number` in the browser, where the JavaScript engine converts: the same vectors as its
//! native unit tests (`src/core/number/checks.rs`), so both builds read alike and write the
//! numbers people write alike.
#![cfg(target_arch = "wasm32")]

use survey_widget::core::number::{number_text, parse_number};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

include!("../src/core/number/checks.rs");

#[wasm_bindgen_test]
fn decimal_text_reads_as_the_nearest_double() {
    check_reading();
}

#[wasm_bindgen_test]
fn numbers_are_written_as_people_write_them() {
    check_writing();
    // Past the numbers people write, in the engine's own form (natively `1e21`).
    assert_eq!(number_text(1e21), "1e+21");
}

#[wasm_bindgen_test]
fn written_numbers_read_back_exactly() {
    check_round_trips(2_000);
}
