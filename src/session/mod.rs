//! Console sign-in, sign-out and the signed-in account.
mod api;
#[cfg(feature = "ssr")]
pub mod cookie_guard;
mod model;
#[cfg(feature = "ssr")]
pub mod service;

pub use api::*;
pub use model::*;
