//! Accounts: the four levels, their scope, creating and removing them (SPEC §1).
mod api;
mod model;
mod scope;
#[cfg(feature = "ssr")]
pub mod service;

pub use api::*;
pub use model::*;
pub use scope::ScopePath;
