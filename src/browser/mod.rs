//! Thin browser glue: everything that touches `window`, the DOM, cookies or the network.
//! No decisions here; those live in [`crate::core`].

pub mod page;
pub mod shadow;
pub mod transport;
