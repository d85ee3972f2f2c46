//! Console sign-in, sign-out and the signed-in account.
mod api;
#[cfg(feature = "ssr")]
pub mod service;

pub use api::*;
