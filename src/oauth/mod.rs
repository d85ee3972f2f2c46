//! The OAuth 2.0 endpoints Apps call: plain axum handlers on the console's router,
//! with their own RFC 6749-shaped errors.
mod authorize;
mod client_auth;
pub mod code_grant;
mod consent_page;
mod error;
pub mod grants;
pub mod housekeeping;
mod introspect;
mod metadata;
mod no_store;
mod params;
mod pkce;
mod refresh_grant;
mod revoke;
mod token;

pub use error::{OAuthError, OAuthErrorCode};
pub use no_store::no_store;

use axum::Router;
use axum::routing::{get, post};

use crate::infra::ServerState;

/// `/oauth/authorize` and `/oauth/token` (each with its VoipNow `.php` alias),
/// `/oauth/revoke`, `/oauth/introspect`, and the RFC 8414 metadata.
pub fn routes() -> Router<ServerState> {
    Router::new()
        .route(
            "/oauth/authorize",
            get(authorize::show).post(authorize::decide),
        )
        .route(
            "/oauth/authorize.php",
            get(authorize::show).post(authorize::decide),
        )
        .route("/oauth/token", post(token::token))
        .route("/oauth/token.php", post(token::token))
        .route("/oauth/revoke", post(revoke::revoke))
        .route("/oauth/introspect", post(introspect::introspect))
        .route(
            "/.well-known/oauth-authorization-server",
            get(metadata::metadata),
        )
}
