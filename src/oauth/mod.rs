//! The OAuth 2.0 endpoints Apps call (SPEC §5): plain axum handlers on the console's router,
//! with their own RFC 6749-shaped errors.
mod client_auth;
mod error;
pub mod grants;
mod metadata;
mod params;
mod request_meta;
mod revoke;
mod token;

pub use error::OAuthError;
pub use request_meta::RequestMeta;

use axum::Router;
use axum::routing::{get, post};

use crate::server::AppState;

/// `/oauth/token` (and its VoipNow alias `/oauth/token.php`), `/oauth/revoke`, and the
/// RFC 8414 metadata.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth/token", post(token::token))
        .route("/oauth/token.php", post(token::token))
        .route("/oauth/revoke", post(revoke::revoke))
        .route(
            "/.well-known/oauth-authorization-server",
            get(metadata::metadata),
        )
}
