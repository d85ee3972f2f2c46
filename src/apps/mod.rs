//! Apps: registering, editing, regenerating the secret of and removing OAuth 2.0 clients
//! (SPEC §2, the App Registration tab of seed 000).
mod api;
#[cfg(feature = "ssr")]
pub(crate) mod listing;
mod model;
#[cfg(feature = "ssr")]
pub mod service;

pub use api::*;
pub use model::*;
