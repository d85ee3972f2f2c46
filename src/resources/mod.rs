//! The protected resources Apps call with their access tokens (SPEC §5).
pub mod soap;
mod uapi;

use axum::Router;
use axum::routing::{get, post};

use crate::infra::ServerState;

/// UnifiedAPI `GET /uapi/v1/me`; SystemAPI SOAP at `/soap2/` and `/soap2/<agent>.php`.
pub fn routes() -> Router<ServerState> {
    Router::new()
        .route("/uapi/v1/me", get(uapi::me))
        .route("/soap2", post(soap::soap))
        .route("/soap2/", post(soap::soap))
        .route("/soap2/{*agent}", post(soap::soap_agent))
}
