//! Apps Management (SPEC §3, seed 004): every App in the caller's scope plus every App
//! holding the caller's authorization, with status, access token counts and removal.
mod api;
mod model;
#[cfg(feature = "ssr")]
pub mod service;

pub use api::*;
pub use model::*;
