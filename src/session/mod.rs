//! Console sign-in, sign-out and the signed-in account.
mod api;
mod model;
#[cfg(feature = "ssr")]
pub mod service;

pub use api::*;
pub use model::*;
