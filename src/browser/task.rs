//! Yielding to the browser between pieces of work, so that a slow phone never runs them as one
//! long task (over 50 ms, a page that does not answer input). On a cold load most of the time
//! is V8 compiling wasm functions on their first call, so each piece pays for its own.

use wasm_bindgen::JsValue;

/// Resolves in a later task (a zero-delay timer): the browser may handle input and paint
/// before the work after it. Resolves at once where there is no `window`, so it never hangs.
pub async fn next_task() {
    let later = js_sys::Promise::new(&mut |resolve, _reject| {
        let scheduled =
            web_sys::window().and_then(|window| window.set_timeout_with_callback(&resolve).ok());
        if scheduled.is_none() {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(later).await;
}
