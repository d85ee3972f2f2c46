//! A user's access tokens of an App (SPEC §3 "Grant"): what the Apps Management pop-up lists
//! and removes. A user sees and removes only their own.
mod api;
mod model;
#[cfg(feature = "ssr")]
pub mod service;

pub use api::*;
pub use model::*;
