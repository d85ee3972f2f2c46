//! The protected resources Apps call with their access tokens (SPEC §5).
mod uapi;

use axum::Router;
use axum::routing::get;

use crate::server::AppState;

/// `GET /uapi/v1/me`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/uapi/v1/me", get(uapi::me))
}
