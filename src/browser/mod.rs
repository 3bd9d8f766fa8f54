//! Thin browser glue: everything that touches `window`, the DOM, cookies, storage or the
//! network. No decisions here; those live in [`crate::core`].

pub mod json;
pub mod listener;
pub mod locales;
pub mod outbox;
pub mod page;
pub mod shadow;
pub mod storage;
pub mod task;
pub mod transport;
pub mod triggers;
pub mod viewport;
pub mod visitor;
